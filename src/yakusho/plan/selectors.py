"""Reads of the plan app, with the joins each page needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import (
    AnnualReport,
    Body,
    Evaluation,
    Kpi,
    Meeting,
    Membership,
    Minutes,
    Plan,
    Policy,
    Program,
    Project,
)


def plan_current() -> Plan | None:
    """The plan in force today, else the latest one."""
    year = timezone.localdate().year
    return (
        Plan.objects.filter(start_year__lte=year, end_year__gte=year - 1)
        .order_by("-start_year")
        .first()
        or Plan.objects.order_by("-start_year").first()
    )


def plan_tree(plan: Plan) -> QuerySet[Policy]:
    """基本方針 → 事業推進計画 → 個別事業 (with department and KPIs), in order."""
    projects = Project.objects.select_related("department").prefetch_related("kpis")
    programs = Program.objects.prefetch_related(Prefetch("projects", queryset=projects))
    return plan.policies.prefetch_related(Prefetch("programs", queryset=programs))


def project_get(pk: int) -> Project | None:
    return (
        Project.objects.select_related("program__policy__plan", "department").filter(pk=pk).first()
    )


def evaluations_of_year(
    plan: Plan, year: int, *, final_only: bool = False
) -> dict[int, Evaluation]:
    rows = Evaluation.objects.filter(project__program__policy__plan=plan, fiscal_year=year)
    if final_only:
        rows = rows.filter(stage=Evaluation.Stage.FINAL)
    return {e.project_id: e for e in rows}


def evaluated_years(plan: Plan, *, final_only: bool = True) -> list[int]:
    rows = Evaluation.objects.filter(project__program__policy__plan=plan)
    if final_only:
        rows = rows.filter(stage=Evaluation.Stage.FINAL)
    return sorted(set(rows.values_list("fiscal_year", flat=True)))


def grade_counts(plan: Plan, year: int) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for grade in Evaluation.objects.filter(
        project__program__policy__plan=plan, fiscal_year=year, stage=Evaluation.Stage.FINAL
    ).values_list("grade", flat=True):
        counts[grade] = counts.get(grade, 0) + 1
    return [(g.code, g.label, counts.get(g.code, 0)) for g in plan.grades.all()]


@dataclass(frozen=True)
class KpiPoint:
    year: int
    target: Decimal | None
    actual: Decimal | None
    source: str
    source_note: str


def kpi_series(kpi: Kpi, years: list[int]) -> list[KpiPoint]:
    targets = {t.fiscal_year: t.value for t in kpi.targets.all()}
    actuals = {a.fiscal_year: a for a in kpi.actuals.all()}
    return [
        KpiPoint(
            year=year,
            target=targets.get(year),
            actual=actuals[year].value if year in actuals else None,
            source=actuals[year].get_source_display() if year in actuals else "",
            source_note=actuals[year].source_note if year in actuals else "",
        )
        for year in years
    ]


def kpis_of_plan(plan: Plan) -> QuerySet[Kpi]:
    return (
        Kpi.objects.filter(project__program__policy__plan=plan)
        .select_related("project")
        .prefetch_related("targets", "actuals")
    )


def bodies() -> QuerySet[Body]:
    return Body.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("person", "person__user").order_by(
                "term_start", "pk"
            ),
        )
    )


def expiring_memberships(*, within_days: int = 90, today: dt.date | None = None):
    """Members whose term ends within `within_days` and who have no next term yet."""
    today = today or timezone.localdate()
    limit = today + dt.timedelta(days=within_days)
    rows = Membership.objects.filter(
        term_end__gte=today, term_end__lte=limit, vacated_on__isnull=True
    ).select_related("body", "person")
    result = []
    for m in rows:
        renewed = Membership.objects.filter(
            body=m.body, person=m.person, term_start__gt=m.term_end
        ).exists()
        if not renewed:
            result.append(m)
    return result


def vacancies(*, today: dt.date | None = None) -> list[Membership]:
    today = today or timezone.localdate()
    return [
        m
        for m in Membership.objects.filter(
            vacated_on__isnull=False, successor__isnull=True
        ).select_related("body", "person")
        if m.term_end is None or m.term_end >= today
    ]


def meeting_get(pk: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("body", "presiding__person")
        .prefetch_related("items__votes__membership__person", "attendance__membership__person")
        .filter(pk=pk)
        .first()
    )


def public_minutes() -> QuerySet[Minutes]:
    return (
        Minutes.objects.filter(status=Minutes.Status.PUBLISHED)
        .select_related("meeting__body", "meeting__presiding__person", "named_signer__person")
        .order_by("-meeting__date")
    )


def public_minutes_get(pk: int) -> Minutes | None:
    return (
        public_minutes()
        .prefetch_related("meeting__items", "signatures__membership__person", "meeting__attendance")
        .filter(pk=pk)
        .first()
    )


def published_reports(plan: Plan) -> QuerySet[AnnualReport]:
    return plan.reports.filter(published_at__isnull=False).order_by("-fiscal_year")


def departments_with_projects() -> frozenset[int]:
    return frozenset(Project.objects.values_list("department_id", flat=True).distinct())
