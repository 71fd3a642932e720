"""The `jalon` console command: Django's management commands with jalon's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # Subcommands are spelled with hyphens (`jalon load-reference`); Django modules use underscores.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args and args[0] == "demo":
        # The demo always builds its own SQLite database, whatever DATABASE_URL says.
        os.environ.pop("DATABASE_URL", None)
    execute_from_command_line(["jalon", *args])


if __name__ == "__main__":
    main()
