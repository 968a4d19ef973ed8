"""Insert many rows fast, for whole-area loads (a linkage run writes a million links).

Django's ``bulk_create`` builds a model instance and compiles SQL per row, which is most of the time
of a large load. :func:`insert_rows` sends plain tuples with one prepared ``INSERT`` per batch.
Use it only for rows that need no ``save()`` logic and no ids back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 20_000
) -> int:
    """Insert ``rows`` (tuples of values for ``fields``, as the database stores them). Returns the count."""
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, batch)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
