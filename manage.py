#!/usr/bin/env python3
"""Same as the `jalon` console command, for those used to Django."""

from jalon.cli import main

if __name__ == "__main__":
    main()
