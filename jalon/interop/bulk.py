"""Inserting many rows fast, with their ids known, for file imports.

Why not `bulk_create`: on SQLite Django caps a statement at 999 parameters, so a batch of registrations
(25 columns) becomes INSERTs of 39 rows, each compiled by the ORM: about 2,500 rows a second on the
reference machine, 3 minutes for the 430,000 records of a 100,000-row participant file. Here plain
tuples go to the database driver: on SQLite one prepared INSERT run with `executemany` (the driver
loops in C); on PostgreSQL COPY (psycopg's `executemany` through Django's client-side binding cursor
makes a round trip per row: slower than bulk_create). The ids are reserved beforehand, so that
registrations can point to the people just inserted:
- PostgreSQL: `nextval` on the table's sequence, once per row in one query (safe with concurrent writers);
- SQLite: the ids after the current maximum. jalon opens SQLite transactions with BEGIN IMMEDIATE
  (settings), so the import holds the write lock from its first statement: nobody else can insert
  in between. AUTOINCREMENT tables move their sequence past explicit ids by themselves.
Other databases fall back to bulk_create.

Fields not given get their default, and auto_now/auto_now_add fields get `now`, as save() would give them.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

BATCH = 5000
CONVERTED = (models.DateTimeField, models.DateField, models.TimeField, models.DecimalField, models.JSONField)


def fast() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`. Call inside the transaction that inserts them."""
    if count == 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 (names, not input)
        start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + count))


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, now=None) -> int:
    """Insert `rows` (tuples of the values of `fields`, "id" first) into `model`'s table."""
    now = now or timezone.now()
    given = [concrete_field(model, name) for name in fields]
    named = {field.attname for field in given} | {field.name for field in given}
    others = [field for field in model._meta.concrete_fields if field.attname not in named and not field.primary_key]
    constants = []
    for field in others:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now if isinstance(field, models.DateTimeField) else now.date()
        else:
            value = field.get_default()
        constants.append(field.get_db_prep_save(value, connection))
    columns = [str(field.column) for field in (*given, *others)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names, not input)
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    # Converted once per distinct value: scores, dates and the import's timestamp repeat over the rows.
    converters: list[tuple[int, models.Field, dict | None]] = [
        (index, field, None if isinstance(field, models.JSONField) else {})
        for index, field in enumerate(given)
        if isinstance(field, CONVERTED) and not field.primary_key
    ]
    tail = tuple(constants)

    def prepared():
        for row in rows:
            if converters:
                row = list(row)
                for index, field, seen in converters:
                    value = row[index]
                    if value is not None and seen is None:
                        row[index] = field.get_db_prep_save(value, connection)
                    elif value is not None:
                        converted = seen.get(value)
                        if converted is None:
                            converted = seen[value] = field.get_db_prep_save(value, connection)
                        row[index] = converted
            yield (*row, *tail)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in prepared():
                    copy.write_row(row)
                    count += 1
            return count
        batch: list[tuple] = []
        for row in prepared():
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
