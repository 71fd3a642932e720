"""Search as people type it: "qualite" finds "Qualité", "SENEGALAISE" finds "sénégalaise".

`icontains` ignores case only for ASCII on SQLite and never ignores accents, so a search folds both sides
the same way: the term in Python, the column in SQL. The folding is one table, applied by PostgreSQL's
built-in `translate()` (no extension to install) and by a function registered on every SQLite connection
that runs the same Python code, so both databases match exactly the same rows.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Contains, Exact

SQLITE_FUNCTION = "jalon_fold"


def _folding_table() -> dict[str, str]:
    """Each accented or upper-case Latin letter (Latin-1 to Latin Extended-B) to its plain lower-case letter,
    where that is one letter: one character for one, as `translate()` needs."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        if len(plain) == 1 and plain != char:
            table[char] = plain
    return table


FOLDING = _folding_table()
_TRANSLATION = str.maketrans(FOLDING)
_FROM, _TO = "".join(FOLDING), "".join(FOLDING.values())


def search_folded(text: str) -> str:
    """`text` as the database compares it in a search: the folding table, then lower case."""
    return text.translate(_TRANSLATION).lower()


class Folded(Func):
    """The search-folded form of a text expression (NULL stays NULL)."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"lower(translate(({sql})::text, %s, %s))", (*params, _FROM, _TO)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)


def _sqlite_fold(text):
    return None if text is None else search_folded(str(text))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_fold, deterministic=True)


def connect() -> None:
    connection_created.connect(register_sqlite_function, dispatch_uid="jalon-search-fold")


def _text(field: str, language: str | None):
    return KeyTextTransform(language, field) if language else field


def contains(field: str, term: str, *, language: str | None = None) -> Q:
    """Rows whose `field` (its text in `language`, for a multilingual field) contains `term`, accents and
    case ignored."""
    return Q(Contains(Folded(_text(field, language)), Value(search_folded(term.strip()))))


def equals(field: str, term: str, *, language: str | None = None) -> Q:
    """Rows whose `field` is `term`, accents and case ignored (an acronym or a name typed as it sounds)."""
    return Q(Exact(Folded(_text(field, language)), Value(search_folded(term.strip()))))


def any_contains(term: str, *fields: str) -> Q:
    """Rows where any of the plain text `fields` contains `term`."""
    condition = Q()
    for field in fields:
        condition |= contains(field, term)
    return condition
