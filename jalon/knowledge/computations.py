"""Computed indicators over the knowledge app, registered with jalon.results.computations (each part adds its
own below). The forum and the roster serve every programme: their counts are platform-wide, and a
programme's "developing country" rule (or the DAC list) decides which countries count as developing."""

from jalon.knowledge import forum_computations  # noqa: F401
