"""Text in the order readers expect: "Égypte" between "Equateur" and "Érythrée", not after "Zimbabwe".

Both databases compare code points by default (PostgreSQL's "C"/"en_US.utf8" defaults differ by
server, SQLite's BINARY always does). Lists sort text through `TextOrder`, which asks PostgreSQL for its
ICU root collation and SQLite for `jalon_text`, a collation registered on every new connection.
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func

from jalon.lib.text import folded

SQLITE_COLLATION = "jalon_text"


class TextOrder(Func):
    """An ORDER BY expression for a text column or expression: accents and case ignored first."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template='%(expressions)s COLLATE "und-x-icu"', **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f"%(expressions)s COLLATE {SQLITE_COLLATION}", **extra)


def sort_key(text: str) -> tuple[str, str]:
    """Letters without their accents, case-folded; the original breaks ties so the order is total."""
    return folded(text), text


def _compare(left: str, right: str) -> int:
    left_key, right_key = sort_key(left), sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


def connect() -> None:
    connection_created.connect(register_sqlite_collation, dispatch_uid="jalon-text-collation")
