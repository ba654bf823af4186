"""Read one row by a unique column with a statement built once per model, column and database.

Some rows are read on nearly every request — the signed-in user, the draft behind a form page
or a send. Building `objects.filter(...).first()` through the ORM each time (query object,
compiler, quoted names, converters) costs several times the look-up itself
(docs/performance.md). `row_by()` keeps the SELECT and the list of value converters, and
builds the instance with `Model.from_db()`, as a queryset would: the values come back
converted exactly as the ORM converts them (JSON, UUIDs and dates on SQLite).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Select:
    sql: str
    attnames: tuple[str, ...]
    key: models.Field
    # (position in the row, its converters, the column expression they are given)
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


@functools.cache
def _select(model: type[models.Model], field_name: str, alias: str) -> _Select:
    meta, connection = model._meta, connections[alias]
    key = meta.pk if field_name == "pk" else meta.get_field(field_name)
    if not key.unique:  # a primary key is unique too
        raise ValueError(f"{meta.label}.{field_name} is not unique")
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(meta.db_table)}.{quote(field.column)}" for field in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(key.column)} = %s"  # noqa: S608 - the model's own names
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, tuple(found), column))
    return _Select(sql, tuple(field.attname for field in fields), key, tuple(converters))


def row_by(model: type[M], field_name: str, value: Any, *, using: str | None = None) -> M | None:
    """The instance whose unique `field_name` ("pk" for the primary key) equals `value`, or
    None. A value the field cannot take raises as the ORM's filter() would."""
    alias = using or router.db_for_read(model)
    select = _select(model, field_name, alias)
    connection = connections[alias]
    param = select.key.get_db_prep_value(select.key.get_prep_value(value), connection)
    with connection.cursor() as cursor:
        cursor.execute(select.sql, [param])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, converters, column in select.converters:
        for converter in converters:
            values[position] = converter(values[position], column, connection)
    return model.from_db(alias, select.attnames, values)
