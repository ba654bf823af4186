"""KPIs that yakusho measures from its own data: named metric functions in a small registry.

A metric reads other apps' rows, read-only, for a period (a fiscal year) and returns a value
in its unit with the basis it was computed on, or None when there is nothing it can measure
(for example, the app it reads is not installed yet). It never writes.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Measurement:
    value: Decimal
    basis: str  # what it was computed on, e.g. "n=412"


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    unit: str
    function: Callable[..., Measurement | None]

    def measure(self, start: dt.date, end: dt.date, **params: Any) -> Measurement | None:
        return self.function(start, end, **params)


METRICS: dict[str, Metric] = {}


def metric(key: str, *, label: Any, unit: str) -> Callable:
    def register(function: Callable[..., Measurement | None]) -> Callable:
        METRICS[key] = Metric(key=key, label=label, unit=unit, function=function)
        return function

    return register


def _model(app_label: str, name: str) -> Any:
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the city's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@metric("online_share", label=_("オンラインで受け付けた申請の割合"), unit="%")
def online_share(start: dt.date, end: dt.date, procedure: str = "") -> Measurement | None:
    """Of the applications received in the period (through yakusho, online or entered by staff
    at the counter), the share the resident sent online themselves. One procedure's share when
    `procedure` names its code."""
    submission = _model("procedures", "Submission")
    if submission is None:
        return None
    since, until = _span(start, end)
    rows = submission.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    if procedure:
        rows = rows.filter(procedure__code=procedure)
    total = rows.count()
    if total == 0:
        return None
    online = rows.filter(staff_assisted=False).count()
    return Measurement(_percent(online, total), f"{online}/{total}")


@metric("online_procedures", label=_("オンラインで申請できる手続の数"), unit="手続")
def online_procedures(start: dt.date, end: dt.date) -> Measurement | None:
    """Procedures published for online application by the end of the period (a form version
    published by then, and the procedure still published)."""
    procedure = _model("procedures", "Procedure")
    if procedure is None:
        return None
    _since, until = _span(start, end)
    count = (
        procedure.objects.filter(is_published=True, versions__published_at__lt=until)
        .distinct()
        .count()
    )
    return Measurement(Decimal(count), f"n={count}")


@metric("median_processing_days", label=_("申請から決定までの日数（中央値）"), unit="日")
def median_processing_days(start: dt.date, end: dt.date, procedure: str = "") -> Measurement | None:
    """Calendar days from receipt to decision, for the cases decided in the period."""
    case = _model("cases", "Case")
    if case is None:
        return None
    since, until = _span(start, end)
    rows = case.objects.filter(decided_at__gte=since, decided_at__lt=until)
    if procedure:
        rows = rows.filter(procedure__code=procedure)
    days = [
        (timezone.localtime(decided).date() - timezone.localtime(received).date()).days
        for received, decided in rows.values_list("received_at", "decided_at")
    ]
    if not days:
        return None
    median = Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))
    return Measurement(median, f"n={len(days)}")


def _count_in(model: Any, start: dt.date, end: dt.date, fields: tuple[str, ...], **filters: Any):
    """Rows of `model` dated in the period by the first of `fields` the model has."""
    since, until = _span(start, end)
    for name in fields:
        if not any(f.name == name for f in model._meta.get_fields()):
            continue
        try:
            # A savepoint, so a table not migrated yet does not break the caller's transaction.
            with transaction.atomic():
                return model.objects.filter(
                    **{f"{name}__gte": since, f"{name}__lt": until}, **filters
                ).count()
        except (FieldError, ValueError, DatabaseError):
            return None
    return None


@metric("payments_online", label=_("オンラインで支払われた件数"), unit="件")
def payments_online(start: dt.date, end: dt.date) -> Measurement | None:
    """Payments received online in the period: the payment lines of the payments ledger
    (money actually taken, each counted once however its notifications arrived)."""
    from yakusho.payments.selectors import online_payments_received

    since, until = _span(start, end)
    count = online_payments_received(since=since, until=until)
    return Measurement(Decimal(count), f"n={count}")


@metric("open_datasets", label=_("公開しているオープンデータのデータセット数"), unit="件")
def open_datasets(start: dt.date, end: dt.date) -> Measurement | None:
    dataset = _model("opendata", "Dataset")
    if dataset is None:
        return None
    count = _count_in(dataset, dt.date(1900, 1, 1), end, ("published_at", "created_at"))
    return None if count is None else Measurement(Decimal(count), f"n={count}")


@metric("training_completions", label=_("研修を修了した職員の数"), unit="人")
def training_completions(start: dt.date, end: dt.date) -> Measurement | None:
    completion = _model("learning", "Completion")
    if completion is None:
        return None
    count = _count_in(completion, start, end, ("completed_at", "created_at"))
    return None if count is None else Measurement(Decimal(count), f"n={count}")
