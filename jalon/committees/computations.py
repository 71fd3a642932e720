"""Computed indicators over committees: registered with jalon.results.computations."""
