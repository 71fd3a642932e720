"""The `jalon` console command: Django's management commands with jalon's settings preset.

Messages follow `--language fr|en` (anywhere on the line), else the locale (LC_ALL, LC_MESSAGES, LANG), else
the site's default language, as pages follow the person's choice."""

import os
import sys


def language_chosen(args: list[str], environ) -> tuple[str | None, list[str]]:
    """The language asked for and the arguments without the option."""
    rest, chosen = [], None
    words = iter(args)
    for word in words:
        if word == "--language":
            chosen = next(words, None)
        elif word.startswith("--language="):
            chosen = word.partition("=")[2]
        else:
            rest.append(word)
    if chosen is None:
        for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if environ.get(variable):
                chosen = environ[variable].split(".")[0].split("_")[0].lower()
                break
    return chosen, rest


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.utils import translation

    language, args = language_chosen(sys.argv[1:], os.environ)
    # Subcommands are spelled with hyphens (`jalon load-reference`); Django modules use underscores.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args and args[0] == "demo":
        # The demo always builds its own SQLite database, whatever DATABASE_URL says.
        os.environ.pop("DATABASE_URL", None)
    django.setup()
    translation.activate(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
    execute_from_command_line(["jalon", *args])


if __name__ == "__main__":
    main()
