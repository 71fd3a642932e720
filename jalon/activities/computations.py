"""Computed indicators over activities: registered with jalon.results.computations."""
