"""Insert many rows fast, for whole-area loads (a linkage run writes a million links).

Django's ``bulk_create`` builds a model instance and compiles SQL per row, which is most of the time
of a large load. :func:`insert_rows` sends plain tuples with one prepared ``INSERT`` per batch.
Use it only for rows that need no ``save()`` logic and no ids back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def chunks(values: Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size``: for ``__in`` lookups (SQLite refuses more than 32,766
    parameters in one query) and batched inserts."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 20_000
) -> int:
    """Insert ``rows`` (tuples of values for ``fields``, as the database stores them). Returns the count."""
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]  # type: ignore[union-attr] # concrete fields only
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(c)) for c in columns)}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    with connection.cursor() as cursor:
        for chunk in chunks(rows, batch):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def now_stored() -> Any:
    """This moment as the database stores a timestamp, for rows written with :func:`insert_rows`."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows about to be inserted with explicit ids.

    PostgreSQL draws them from the table's sequence (safe beside concurrent inserts); SQLite, which
    has one writer at a time, continues after the highest id used so far.
    """
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608 - model names
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def insert_instances(objs: Sequence[M]) -> list[M]:
    """Insert unsaved model instances of one model, giving each its id, much faster than ``bulk_create``.

    Fields' ``pre_save`` (timestamps) and database preparation run as for ``save()``; signals do not.
    """
    if not objs:
        return list(objs)
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Timestamps set on insert (auto_now, auto_now_add) take one value for the whole batch.
    stamped: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.pre_save(objs[0], True)
            for obj in objs:
                setattr(obj, f.attname, value)
            stamped[f.attname] = f.get_db_prep_save(value, connection)
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
    # Values of plain kinds go to the database as they are; the rest are prepared as save() would.
    getters = [_getter(f, stamped) for f in fields]
    rows = ((obj.pk, *(get(obj) for get in getters)) for obj in objs)
    insert_rows(model, [model._meta.pk.name, *(f.name for f in fields)], rows)
    return list(objs)


def _getter(f: models.Field[Any, Any], stamped: dict[str, Any]) -> Callable[[Any], Any]:
    """How to read ``f``'s database value from an instance about to be inserted."""
    if f.attname in stamped:
        value = stamped[f.attname]
        return lambda obj: value
    if isinstance(f, PLAIN_FIELDS):
        return attrgetter(f.attname)
    return lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)


# Foreign keys hold the related row's id, which the database takes as it is.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
)
