"""Insert a new row with a statement built once per model and database.

`Model.save()` and `objects.create()` build the INSERT afresh every time: the query object,
the compiler, the quoted names, placeholders for every field. For the rows a send writes
(submission, case, its first answers and event, the e-mail, the audit record) that is about a
third of the send's Python time, and on SQLite all of it runs inside the single write lock
(docs/performance.md). `insert()` keeps the statement per model and database alias and only
prepares the values, exactly as `save()` prepares them.

It does what `save(force_insert=True)` does for a plain model: fields' `pre_save` (auto_now,
auto_now_add), the check that related objects are saved, the primary key read back, the
instance marked as saved. It does not call an overridden `save()` or send `pre_save` /
`post_save` signals (yakusho connects none; domain flow lives in services). A model with
parents (multi-table inheritance), a value that is an expression, or a field with its own
placeholder goes through `save(force_insert=True)` instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[models.Field, ...]
    returns_pk: bool  # the database assigns the primary key; read it back
    returning_clause: bool  # …from the statement itself (RETURNING), else last_insert_id


@functools.cache
def _statement(model: type[models.Model], alias: str) -> _Statement | None:
    """None when the model needs what only `save()` does (module docstring)."""
    meta, connection = model._meta, connections[alias]
    if meta.parents:
        return None
    pk = meta.pk
    returns_pk = bool(getattr(pk, "db_returning", False))
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if not (field is pk and returns_pk) and not getattr(field, "generated", False)
    )
    if any(hasattr(field, "get_placeholder") for field in fields):
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 - names
    returning_clause = returns_pk and connection.features.can_return_columns_from_insert
    if returning_clause:
        clause, _ = connection.ops.return_insert_columns([pk])
        sql = f"{sql} {clause}"
    return _Statement(sql, fields, returns_pk, returning_clause)


def insert(obj: M) -> M:
    """INSERT `obj` as a new row and return it, saved (with its primary key)."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    statement = _statement(model, alias)
    # An auto key set by hand is written as given, which save() knows how to do.
    if statement is None or (statement.returns_pk and obj.pk is not None):
        obj.save(force_insert=True, using=alias)
        return obj
    connection = connections[alias]
    obj._prepare_related_fields_for_save(operation_name="save")
    values = [field.pre_save(obj, True) for field in statement.fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        obj.save(force_insert=True, using=alias)
        return obj
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(statement.fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returns_pk:
            pk = obj._meta.pk
            if statement.returning_clause:
                value = cursor.fetchone()[0]
            else:
                value = connection.ops.last_insert_id(cursor, obj._meta.db_table, pk.column)
            setattr(obj, pk.attname, value)
    obj._state.adding = False
    obj._state.db = alias
    return obj
