"""Reads with statements built once, for the rows read on nearly every request.

Building a query through the ORM each time (query object, compiler, quoted names,
converters) costs several times running it (docs/performance.md). `row_by()` reads one row by a
unique column — the signed-in user, the draft behind a form page or a send; `Statement` runs a
queryset whose SQL was compiled once — マイページ's lists. Both keep the SELECT and the list of
value converters and build instances with `Model.from_db()`, as a queryset would: the values
come back converted exactly as the ORM converts them (JSON, UUIDs and dates on SQLite).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=models.Model)
# (position in the row, its converters, the column expression they are given)
Converters = tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


def _converted(row: tuple, converters: Converters, connection: Any) -> list[Any]:
    """The row's values as the ORM gives them (JSON, UUIDs, dates on SQLite)."""
    values = list(row)
    for position, functions, expression in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return values


@dataclass(frozen=True)
class _Select:
    sql: str
    attnames: tuple[str, ...]
    key: models.Field
    converters: Converters


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
    return model.from_db(alias, select.attnames, _converted(row, select.converters, connection))


# Stand-ins for the bound values while a statement is compiled: integers inside the 32-bit
# range (Django drops a lookup whose integer overflows its column), unlikely to be a constant.
_STAND_IN = 1_987_654_301


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    # (argument name, positions in params, int or str as the compiled value was)
    slots: tuple[tuple[str, tuple[int, ...], type], ...]
    col_count: int
    converters: Converters
    model: type[models.Model]
    model_fields: slice
    init_list: tuple[str, ...]
    related_populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


class Statement(Generic[M]):
    """A queryset compiled once per database and set of fixed arguments; each call binds only
    the values named in `bind` and runs the kept SQL.

    `build` makes the queryset from keyword arguments. Those in `bind` (keys and codes: int
    or str) become the statement's parameters; the others (a limit, a state) are written into
    the SQL, and each distinct set of them is compiled once. The rows become instances as the
    queryset would make them: deferred fields, select_related, annotations, converters.
    Prefetches, values() and known related objects are refused (use the queryset)."""

    def __init__(self, build: Callable[..., models.QuerySet[M]], *, bind: tuple[str, ...]):
        self._build = build
        self._bind = bind
        self._model: type[models.Model] | None = None
        self._plans: dict[tuple, _Plan | None] = {}

    def __call__(self, **arguments: Any) -> list[M]:
        fixed = tuple(sorted((k, v) for k, v in arguments.items() if k not in self._bind))
        alias = router.db_for_read(self._model) if self._model else None
        plan = self._plans.get((alias, fixed), False)
        if plan is False:
            plan, alias = self._compile(dict(fixed))
        if plan is None:  # the queryset can match nothing, whatever the values
            return []
        params = list(plan.params)
        for name, positions, kind in plan.slots:
            value = arguments[name]
            if not isinstance(value, int | str):
                raise TypeError(f"{name}: bind a key or a code, not {type(value).__name__}")
            for position in positions:
                params[position] = kind(value)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return [self._instance(plan, alias, connection, row) for row in rows]

    def _compile(self, fixed: dict[str, Any]) -> tuple[_Plan | None, str]:
        stand_ins = {name: _STAND_IN + n for n, name in enumerate(self._bind)}
        queryset = self._build(**fixed, **stand_ins)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            raise ValueError("a Statement runs plain model querysets only")
        self._model = queryset.model
        alias = queryset.db
        key = (alias, tuple(sorted(fixed.items())))
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            self._plans[key] = None
            return None, alias
        slots = []
        for name, stand_in in stand_ins.items():
            positions = tuple(i for i, p in enumerate(params) if p in (stand_in, str(stand_in)))
            if not positions:
                raise ValueError(f"{name} does not reach the statement as a plain value")
            slots.append((name, positions, type(params[positions[0]])))
        klass_info, select = compiler.klass_info, compiler.select
        fields = [column[0] for column in select[: compiler.col_count]]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            col_count=compiler.col_count,
            converters=tuple(
                (position, tuple(converters), expression)
                for position, (converters, expression) in compiler.get_converters(fields).items()
            ),
            model=klass_info["model"],
            model_fields=slice(start, end),
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            related_populators=tuple(get_related_populators(klass_info, select, alias)),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )
        self._plans[key] = plan
        return plan, alias

    @staticmethod
    def _instance(plan: _Plan, alias: str, connection: Any, row: tuple) -> Any:
        values = _converted(row[: plan.col_count], plan.converters, connection)
        obj = plan.model.from_db(alias, plan.init_list, values[plan.model_fields])
        for populator in plan.related_populators:
            populator.populate(values, obj)
        for name, position in plan.annotations:
            setattr(obj, name, values[position])
        return obj
