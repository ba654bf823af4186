"""Residents' pages: the plan, its yearly evaluations and reports, and public minutes."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .charts import fiscal_label, kpi_chart
from .models import Plan


def _plan() -> Plan:
    plan = selectors.plan_current()
    if plan is None or not plan.is_published:
        raise Http404
    return plan


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("ホーム"), reverse("portal:home")),
        (_("ICT活用推進計画"), reverse("plan:index")),
        *items,
    ]


def index(request: HttpRequest) -> HttpResponse:
    plan = _plan()
    years = selectors.evaluated_years(plan)
    return render(
        request,
        "plan/index.html",
        {
            "plan": plan,
            "policies": selectors.plan_tree(plan),
            "years": [(y, fiscal_label(y)) for y in years],
            "reports": selectors.published_reports(plan),
            "period": (fiscal_label(plan.start_year), fiscal_label(plan.end_year)),
            "midterm": fiscal_label(plan.midterm_year) if plan.midterm_year else "",
            "breadcrumbs": [(_("ホーム"), reverse("portal:home")), (_("ICT活用推進計画"), "")],
        },
    )


def report_context(plan: Plan, year: int) -> dict:
    evaluations = selectors.evaluations_of_year(plan, year, final_only=True)
    policies = []
    for policy in selectors.plan_tree(plan):
        programs = []
        for program in policy.programs.all():
            projects = []
            for project in program.projects.all():
                kpis = []
                for kpi in project.kpis.all():
                    points = selectors.kpi_series(kpi, plan.years)
                    kpis.append(
                        {
                            "kpi": kpi,
                            "points": [(p, fiscal_label(p.year)) for p in points],
                            "chart": kpi_chart(
                                name=kpi.name, unit=str(kpi.get_unit_display()), points=points
                            ),
                        }
                    )
                projects.append(
                    {"project": project, "evaluation": evaluations.get(project.pk), "kpis": kpis}
                )
            programs.append({"program": program, "projects": projects})
        policies.append({"policy": policy, "programs": programs})
    return {
        "plan": plan,
        "year": year,
        "year_label": fiscal_label(year),
        "policies": policies,
        "grades": selectors.grade_counts(plan, year),
    }


def year(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan()
    if year not in selectors.evaluated_years(plan):
        raise Http404
    context = report_context(plan, year)
    context["report"] = plan.reports.filter(fiscal_year=year, published_at__isnull=False).first()
    context["breadcrumbs"] = _crumbs((context["year_label"], ""))
    return render(request, "plan/year.html", context)


def report_pdf(request: HttpRequest, year: int) -> FileResponse:
    plan = _plan()
    report = plan.reports.filter(fiscal_year=year, published_at__isnull=False).first()
    if report is None:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{plan.code}-{year}.pdf",
    )


def minutes_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plan/minutes_list.html",
        {
            "minutes_list": selectors.public_minutes(),
            "breadcrumbs": _crumbs((_("会議の記録"), "")),
        },
    )


def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = selectors.public_minutes_get(pk)
    if minutes is None:
        raise Http404
    meeting = minutes.meeting
    return render(
        request,
        "plan/minutes_detail.html",
        {
            "minutes": minutes,
            "meeting": meeting,
            "present": [a for a in meeting.attendance.all() if a.present],
            "breadcrumbs": _crumbs(
                (_("会議の記録"), reverse("plan:minutes")),
                (f"{meeting.body.name} 第{meeting.number}回", ""),
            ),
        },
    )
