"""Reads of the back office, scoped to the departments a member of staff works in."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yakusho.accounts.selectors import scope_to_departments
from yakusho.core.japanese.kana import search_key
from yakusho.core.reads import Statement
from yakusho.procedures.engine import FormDefinition
from yakusho.procedures.engine.summary import display
from yakusho.procedures.receipt import normalize_receipt_number

from .models import OPEN_STATES, AnswerVersion, Case, HandoffTarget

SORTS = {
    "due": ("due_date", "received_at"),
    "-due": ("-due_date", "-received_at"),
    "received": ("received_at",),
    "-received": ("-received_at",),
}


@dataclass
class QueueFilters:
    state: str = ""
    procedure: str = ""
    assignee: str = ""  # "me", "none", or a user id
    overdue: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""
    sort: str = "due"


def queue(user: Any, filters: QueueFilters) -> QuerySet[Case]:
    """The cases of the user's departments matching the filters; indexed for 100,000 cases."""
    cases = scope_to_departments(Case.objects.all(), user)
    if filters.state == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif filters.state:
        cases = cases.filter(state=filters.state)
    if filters.procedure:
        cases = cases.filter(procedure__code=filters.procedure)
    if filters.assignee == "me":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.overdue:
        cases = cases.filter(
            state__in=OPEN_STATES, due_date__lt=timezone.localdate(), paused_since__isnull=True
        )
    zone = timezone.get_current_timezone()
    if filters.since:
        cases = cases.filter(
            received_at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone)
        )
    if filters.until:
        cases = cases.filter(
            received_at__lt=dt.datetime.combine(
                filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
        )
    query = filters.q.strip()
    if query:
        number = normalize_receipt_number(query)
        if number:
            cases = cases.filter(receipt_number=number)
        else:
            key = search_key(query)
            name = "".join(query.split())
            cases = cases.filter(Q(applicant_key__contains=key) | Q(applicant_key__contains=name))
    return cases.select_related("procedure", "assignee").order_by(
        *SORTS.get(filters.sort, SORTS["due"]), "pk"
    )


def queue_page(user: Any, filters: QueueFilters, number: Any, per_page: int) -> Page:
    """One page of the queue in two steps: the ordered ids come from the covering index
    alone, then only that page's rows are joined. Sorting 100,000 joined rows to show 50
    cost four times as much on SQLite."""
    cases = queue(user, filters)
    page = Paginator(cases.select_related(None).values_list("pk", flat=True), per_page).get_page(
        number
    )
    ids = list(page.object_list)
    rows = cases.filter(pk__in=ids).in_bulk()
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def case_for(user: Any, pk: int) -> Case | None:
    """A case the user may open; None (→ 404) for anything else."""
    return (
        scope_to_departments(Case.objects.all(), user)
        .select_related("submission__version", "procedure", "department", "assignee")
        .filter(pk=pk)
        .first()
    )


def queue_counts(*, department_ids: list[int], today: dt.date, soon: dt.date) -> dict[str, int]:
    open_cases = Q(state__in=OPEN_STATES)
    return Case.objects.filter(department_id__in=department_ids).aggregate(
        new=Count("pk", filter=Q(received_at__date=today - dt.timedelta(days=1))),
        open=Count("pk", filter=open_cases),
        overdue=Count("pk", filter=open_cases & Q(due_date__lt=today, paused_since__isnull=True)),
        soon=Count("pk", filter=open_cases & Q(due_date__gte=today, due_date__lte=soon)),
    )


@dataclass
class Change:
    label: str
    before: str
    after: str


def answer_diff(case: Case, older: AnswerVersion, newer: AnswerVersion) -> list[Change]:
    """The fields that differ between two versions of a case's answers, as people read them."""
    definition = FormDefinition.parse(case.submission.version.definition)
    changes = []
    for key, item in definition.fields.items():
        before, after = older.answers.get(key), newer.answers.get(key)
        if before != after:
            changes.append(
                Change(str(item.label), display(item, before, "ja"), display(item, after, "ja"))
            )
    return changes


@dataclass
class MonthStats:
    month: str
    received: int
    online: int
    median_days: float | None
    p90_days: float | None
    overdue: int

    @property
    def online_share(self) -> float | None:
        return self.online / self.received if self.received else None


def procedure_stats(procedure_id: int, *, months: int = 12) -> list[MonthStats]:
    """Per month: received, online share, median and 90th-percentile lead time (days from
    receipt to decision or close), overdue now."""
    since = timezone.localdate().replace(day=1) - dt.timedelta(days=31 * (months - 1))
    rows = Case.objects.filter(
        procedure_id=procedure_id, received_at__date__gte=since.replace(day=1)
    ).values_list(
        "received_at",
        "staff_assisted",
        "decided_at",
        "closed_at",
        "state",
        "due_date",
        "paused_since",
    )
    buckets: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"received": 0, "online": 0, "lead": [], "overdue": 0}
    )
    today = timezone.localdate()
    for received, assisted, decided, closed, state, due, paused in rows:
        month = timezone.localtime(received).strftime("%Y-%m")
        bucket = buckets[month]
        bucket["received"] += 1
        bucket["online"] += 0 if assisted else 1
        finished = decided or closed
        if finished:
            bucket["lead"].append((finished - received).total_seconds() / 86400)
        if state in OPEN_STATES and due and due < today and not paused:
            bucket["overdue"] += 1
    result = []
    for month in sorted(buckets):
        bucket = buckets[month]
        lead = sorted(bucket["lead"])
        p90 = lead[min(len(lead) - 1, round(0.9 * (len(lead) - 1)))] if lead else None
        result.append(
            MonthStats(
                month,
                bucket["received"],
                bucket["online"],
                round(statistics.median(lead), 1) if lead else None,
                round(p90, 1) if p90 is not None else None,
                bucket["overdue"],
            )
        )
    return result


_ACTIVE_HANDOFF_TARGETS = Statement(
    lambda procedure: HandoffTarget.objects.filter(procedure_id=procedure, is_active=True).order_by(
        "pk"
    ),
    bind=("procedure",),
)


def active_handoff_targets(procedure: Any) -> list[HandoffTarget]:
    """Where a procedure's new cases go; needed by every send, before its transaction. Kept
    with the catalogue (`procedures.selectors.kept_for`), whose stamp covers the hand-off
    targets' table: a burst of sends reads them once per process, and the send after a change
    reads them afresh."""
    from yakusho.procedures.selectors import kept_for

    return kept_for(
        procedure, "handoff_targets", lambda: _ACTIVE_HANDOFF_TARGETS(procedure=procedure.pk)
    )


def case_of_submission(submission: Any) -> Case | None:
    return Case.objects.filter(submission=submission).first()


def open_correction(case: Case) -> Any:
    if case.state != "correction":
        return None
    return case.corrections.filter(answered_at__isnull=True, cancelled_at__isnull=True).first()
