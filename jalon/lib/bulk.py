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

`instances_insert` writes model instances built by a caller that has checked them (a file import's records and
their audit entries, a few hundred at a time): one multi-row INSERT ... RETURNING per chunk, as bulk_create
sends, without the ORM's compile of every field of every row, which was most of an IATI import's insert time.

`inserts_deferred` makes instances_insert give the records their ids at once (from the tables' sequences) and
write them later, together: a batch of a file import's new programmes, whose records point to one another, in one
insert per kind instead of five per programme.

Fields not given get their default, and auto_now/auto_now_add fields get `now`, as save() would give them.
"""

import contextlib
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def fast() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`. Call inside the transaction that inserts them."""
    if count == 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
    start = _sqlite_next_id(model)
    return list(range(start, start + count))


def _sqlite_next_id(model: type[models.Model]) -> int:
    """The id SQLite would give next: after the largest and the table's AUTOINCREMENT sequence (ids of deleted rows
    are not given again)."""
    quote = connection.ops.quote_name
    column, table = quote(model._meta.pk.column), quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({column}), (SELECT seq FROM sqlite_sequence WHERE name = %s) FROM {table}",  # noqa: S608
            [model._meta.db_table],
        )
        largest, sequence = cursor.fetchone()
    return max(largest or 0, sequence or 0) + 1


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], *, now=None) -> int:
    """Insert `rows` (tuples of the values of `fields`; "id" first when the caller reserved the ids) into
    `model`'s table: COPY on PostgreSQL, one prepared INSERT run with executemany elsewhere, either one statement
    in Django's query log and its execute wrappers."""
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
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in (*given, *others))
    table = connection.ops.quote_name(model._meta.db_table)
    convert, tail = _converter(given), tuple(constants)
    prepared = ((*convert(row), *tail) for row in rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copied(cursor, f"COPY {table} ({columns}) FROM STDIN", prepared)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names, not input)
            table, columns, ", ".join(["%s"] * (len(given) + len(others)))
        )
        batch: list[tuple] = []
        for row in prepared:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def instances_rows_insert(model: type[models.Model], instances: Sequence[models.Model]) -> int:
    """The rows of these instances as they hold them, every column (the id too when they have one), with
    rows_insert: nothing read back, no field's pre_save (an auto_now_add value stays as it is)."""
    names = [field.attname for field in model._meta.concrete_fields]
    if instances and instances[0].pk is None:
        names.remove(model._meta.pk.attname)  # the database gives the ids
    values_of = operator.attrgetter(*names)  # one call per row: the IATI import flushes thousands
    if len(names) == 1:
        return rows_insert(model, names, ((values_of(instance),) for instance in instances))
    return rows_insert(model, names, (values_of(instance) for instance in instances))


def _copied(cursor, sql: str, rows: Iterable[Sequence]) -> int:
    """COPY ... FROM STDIN of the rows, through Django's execute wrappers and query log as an execute goes
    (psycopg's copy() bypasses them: the query counts of the tests and benchmarks missed it). Django has no public
    way to run a COPY: `_execute_with_wrappers` is its CursorWrapper's own (Django is pinned in the lock)."""
    count = 0

    def copy_rows(sql, _params, _many, _context):
        nonlocal count
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1

    logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext()
    with connection.wrap_database_errors, logged:
        cursor._execute_with_wrappers(sql, None, False, copy_rows)
    return count


# Fields whose values the drivers take as Python gives them; the others (dates, decimals, JSON, UUIDs, files)
# go through the field's get_db_prep_save.
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _plain(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return isinstance(field.target_field, PLAIN)
    return isinstance(field, PLAIN)


def _converter(fields: Sequence[models.Field]):
    """A function of a row's values (in the order of `fields`) to what the driver takes: the values to convert
    converted once per distinct value (dates, codes and an import's timestamps repeat over the rows), JSON each
    time (dicts and lists)."""
    converted: list[tuple[int, models.Field, dict | None]] = [
        (index, field, None if isinstance(field, models.JSONField) else {})
        for index, field in enumerate(fields)
        if not _plain(field)
    ]

    def convert(values: Sequence) -> Sequence:
        if not converted:
            return values
        values = list(values)
        for index, field, cache in converted:
            value = values[index]
            if value is None:
                continue
            if cache is None:
                values[index] = field.get_db_prep_save(value, connection)
                continue
            done = cache.get(value, cache)
            if done is cache:
                done = cache[value] = field.get_db_prep_save(value, connection)
            values[index] = done
        return values

    return convert


def _inserted(model: type[models.Model], fields: Sequence[models.Field], rows: Sequence[Sequence], *, ids: bool):
    """Multi-row INSERTs of the rows (driver-ready values of `fields`), as many rows each as the database takes
    parameters; the new ids in order when `ids` (RETURNING)."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in fields)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    returning = f" RETURNING {quote(meta.pk.column)}" if ids else ""
    size = max(1, (connection.features.max_query_params or 65535) // max(1, len(fields)))
    new: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 1:
            # One array per column, as bulk_create sends on PostgreSQL: the statement is the same whatever the
            # number of rows, so psycopg parses it once (a VALUES list of each length was parsed anew, in Python,
            # and that was most of the insert's time).
            arrays = ", ".join(f"(%s)::{(field.db_type(connection) or '').split('(')[0]}[]" for field in fields)
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays}){returning}",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
            return [pk for (pk,) in cursor.fetchall()] if ids else new
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                "INSERT INTO {} ({}) VALUES {}{}".format(  # noqa: S608 (names, not input)
                    quote(meta.db_table), columns, ", ".join([row] * len(chunk)), returning
                ),
                [value for values in chunk for value in values],
            )
            if ids:
                new.extend(pk for (pk,) in cursor.fetchall())
    return new


def instances_insert(instances: Sequence[models.Model], *, ids: bool = True) -> None:
    """Insert new records of one model, as bulk_create does: auto_now and auto_now_add fields set to now, the
    records' ids set from the database (RETURNING), no signals, no validation (the caller's). Falls back to
    bulk_create where the database cannot return the ids of a multi-row insert. Without `ids` (records nobody
    reads back: audit entries), the records are written with rows_insert and keep no id."""
    if not instances:
        return
    model = type(instances[0])
    if ids and not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(instances)
        return
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now if isinstance(field, models.DateTimeField) else now.date()
            for instance in instances:
                setattr(instance, field.attname, value)
    # A relation given as a record saved since it was set (a result's parent inserted one depth of the tree
    # before it) takes that record's id, as bulk_create and save() do.
    for field in fields:
        if not isinstance(field, models.ForeignKey):
            continue
        for instance in instances:
            if getattr(instance, field.attname) is None and field.is_cached(instance):
                related = field.get_cached_value(instance)
                if related is not None and related.pk is None:
                    raise ValueError(f"{model.__name__}.{field.name}: the related record is not saved")
                if related is not None:
                    setattr(instance, field.attname, related.pk)
    deferred = _deferred.get()
    if ids and deferred is not None:
        deferred.add(model, instances)
        return
    values_of = operator.attrgetter(*(field.attname for field in fields))  # all fields at once
    single = len(fields) == 1
    raw = [(values_of(instance),) if single else values_of(instance) for instance in instances]
    if not ids:
        rows_insert(model, [field.attname for field in fields], raw, now=now)
        return
    convert = _converter(fields)
    rows = [convert(values) for values in raw]
    for instance, pk in zip(instances, _inserted(model, fields, rows, ids=True), strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias


# Inserts that wait --------------------------------------------------------------------------------------------

ID_BLOCK = 200  # ids taken from a PostgreSQL sequence at a time (the rest are a gap, as sequences leave)


class Deferred:
    """Records given their ids at once and inserted later, together (inserts_deferred)."""

    def __init__(self):
        self.waiting: dict[type[models.Model], list[models.Model]] = {}
        self.tables: set[str] = set()  # the waiting models' tables, quoted as statements name them
        self.flushing = False
        self.free: dict[type[models.Model], list[int]] = {}  # PostgreSQL: taken from the sequence, not yet given
        self.next: dict[type[models.Model], int] = {}  # SQLite: the next id, read again after each flush

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        if connection.vendor == "postgresql":
            free = self.free.setdefault(model, [])
            if len(free) < count:
                free.extend(ids_reserve(model, max(count - len(free), ID_BLOCK)))
            given = free[:count]
            del free[:count]
            return given
        # SQLite: jalon's transactions hold the write lock (BEGIN IMMEDIATE), so nobody else inserts meanwhile;
        # after the largest id and the table's AUTOINCREMENT sequence, as SQLite would give them.
        if model not in self.next:
            self.next[model] = _sqlite_next_id(model)
        start = self.next[model]
        self.next[model] = start + count
        return list(range(start, start + count))

    def add(self, model: type[models.Model], instances: Sequence[models.Model]) -> None:
        for instance, pk in zip(instances, self.ids(model, len(instances)), strict=True):
            instance.pk = pk
            instance._state.adding, instance._state.db = False, connection.alias
        self.waiting.setdefault(model, []).extend(instances)
        self.tables.add(connection.ops.quote_name(model._meta.db_table))

    def flush(self) -> None:
        """Write what waits, model by model in the order they first came (a record's relations before it); the
        values as they are now."""
        waiting, self.waiting, self.tables = self.waiting, {}, set()
        self.next.clear()  # others may insert once these are written (the ORM's save(): SQLite picks the next id)
        self.flushing = True
        try:
            for model, instances in waiting.items():
                instances_rows_insert(model, instances)
        finally:
            self.flushing = False

    def discard(self) -> None:
        """Drop what waits (its ids are left as gaps)."""
        self.waiting, self.tables = {}, set()
        self.next.clear()

    def before(self, execute, sql, params, many, context):
        """Django's execute wrapper: a statement that names a table with rows waiting (a read, or the ORM's own
        insert) has them written first, whoever runs it (a service's check, a look-up of the import).

        Savepoints inside the block (an atomic() that catches its own error) keep what a rollback to them takes:
        the rows waiting when one is made are written before it, so that its rollback cannot take them, and the
        rows waiting when it is rolled back to, all queued since it was made (the last savepoint flushed the
        rest), are dropped, as the database drops what was written since."""
        if self.tables and not self.flushing:
            if sql.startswith("SAVEPOINT "):
                self.flush()
            elif sql.startswith("ROLLBACK TO SAVEPOINT "):
                self.discard()
            elif any(table in sql for table in self.tables):
                self.flush()
        return execute(sql, params, many, context)


_deferred: ContextVar[Deferred | None] = ContextVar("bulk_deferred", default=None)


@contextmanager
def inserts_deferred() -> Iterator[Deferred]:
    """Inside the block, instances_insert gives the records their ids and leaves their rows waiting, to be written
    in one insert per model when the block ends (a file import's batch of new programmes: five inserts each were
    most of its statements), or as soon as a statement names one of their tables: a read, or save() (which would
    take, on SQLite, an id already given). A block that ends with an error writes nothing: use it inside the
    transaction its records roll back with."""
    deferred = Deferred()
    token = _deferred.set(deferred)
    try:
        with connection.execute_wrapper(deferred.before):
            yield deferred
            deferred.flush()
    finally:
        _deferred.reset(token)
