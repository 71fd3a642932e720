"""Writes to knowledge: a module per part."""
