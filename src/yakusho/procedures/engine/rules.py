"""Conditions and computed values, evaluated on answers (never with eval)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

Answers = dict[str, Any]


def lookup(answers: Answers, path: str) -> Any:
    """「applicant.kana」 → answers["applicant"]["kana"]; a missing part is None."""
    value: Any = answers
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def is_filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, dict):
        return any(is_filled(v) for v in value.values())
    if isinstance(value, str | list):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(value: Any, condition: dict) -> bool:
    checks = {
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    for name, check in checks.items():
        if name in condition:
            number = _number(value)
            if number is None or not check(number, Decimal(str(condition[name]))):
                return False
    return True


def evaluate(condition: dict | bool | None, answers: Answers) -> bool:
    """True when `condition` holds for `answers` (None and True always hold)."""
    if condition is None or condition is True:
        return True
    if condition is False:
        return False
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    if "count" in condition:
        items = lookup(answers, condition["count"])
        count = len(items) if isinstance(items, list) else 0
        if "equals" in condition and count != condition["equals"]:
            return False
        return _compare(count, condition)
    value = lookup(answers, condition["field"])
    if "equals" in condition:
        expected = condition["equals"]
        if isinstance(value, list):
            if expected not in value:
                return False
        elif value != expected:
            return False
    if "not_equals" in condition:
        unwanted = condition["not_equals"]
        if (unwanted in value) if isinstance(value, list) else value == unwanted:
            return False
    if "in" in condition:
        allowed = condition["in"]
        if isinstance(value, list):
            if not set(value) & set(allowed):
                return False
        elif value not in allowed:
            return False
    if "filled" in condition and is_filled(value) != condition["filled"]:
        return False
    return _compare(value, condition)


def referenced_fields(condition: Any) -> Iterator[str]:
    """Top-level field keys a condition or expression reads."""
    if isinstance(condition, dict):
        for name in ("field", "count"):
            if isinstance(condition.get(name), str):
                yield condition[name].split(".")[0]
        for value in condition.values():
            if isinstance(value, dict | list):
                yield from referenced_fields(value)
    elif isinstance(condition, list):
        for item in condition:
            yield from referenced_fields(item)


def compute(expr: Any, answers: Answers) -> Decimal:
    """An arithmetic expression over answers: numbers, fields, counts, add/sub/mul/min/max/if."""
    if isinstance(expr, bool):
        return Decimal(int(expr))
    if isinstance(expr, int | float):
        return Decimal(str(expr))
    if "field" in expr:
        return _number(lookup(answers, expr["field"])) or Decimal(0)
    if "count" in expr:
        items = lookup(answers, expr["count"])
        return Decimal(len(items) if isinstance(items, list) else 0)
    if "add" in expr:
        return sum((compute(e, answers) for e in expr["add"]), Decimal(0))
    if "mul" in expr:
        result = Decimal(1)
        for e in expr["mul"]:
            result *= compute(e, answers)
        return result
    if "sub" in expr:
        return compute(expr["sub"][0], answers) - compute(expr["sub"][1], answers)
    if "min" in expr:
        return min(compute(e, answers) for e in expr["min"])
    if "max" in expr:
        return max(compute(e, answers) for e in expr["max"])
    if "if" in expr:
        condition, then, otherwise = expr["if"]
        return compute(then if evaluate(condition, answers) else otherwise, answers)
    raise ValueError(f"unknown expression {expr!r}")
