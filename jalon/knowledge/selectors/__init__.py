"""Reads of knowledge beyond a get: a module per part."""
