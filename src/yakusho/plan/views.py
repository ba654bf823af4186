"""Staff pages of the plan: the structure with each year's evaluation status, a 個別事業's
evaluation and KPIs, the mid-term re-planning, bodies and members, meetings and minutes.
Views stay thin: each POST calls one service and reports its refusal in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakusho.core.audit import audit_record
from yakusho.core.network import client_ip
from yakusho.office.permissions import staff_required

from . import selectors, services
from .charts import fiscal_label, kpi_chart
from .models import (
    REVIEW_ORDER,
    Body,
    Evaluation,
    Kpi,
    Level,
    Meeting,
    Membership,
    Minutes,
    Program,
    Unit,
    Vote,
)


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("職員ポータル"), reverse("office:dashboard")),
        (_("ICT活用推進計画"), reverse("office_plan:index")),
        *items,
    ]


def _ict(request: HttpRequest) -> None:
    if not services.is_ict_staff(request.user):
        raise PermissionDenied


def _act(request: HttpRequest, action: Callable[[], object], success: str, to: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("この操作はできません。"))
    else:
        messages.success(request, success)
    return redirect(to)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_current()
    if plan is None:
        raise Http404
    ict = services.is_ict_staff(request.user)
    year = _int(request.GET.get("year"))
    if year not in plan.years:
        year = min(max(services.current_fiscal_year() - 1, plan.start_year), plan.end_year)
    evaluations = selectors.evaluations_of_year(plan, year)
    policies = selectors.plan_tree(plan)
    rows = []
    for policy in policies:
        for program in policy.programs.all():
            for project in program.projects.all():
                mine = services.may_evaluate(request.user, project)
                if ict or mine:
                    rows.append((policy, program, project, evaluations.get(project.pk), mine))
    if not rows and not ict:
        raise PermissionDenied
    return render(
        request,
        "plan/office/index.html",
        {
            "plan": plan,
            "ict": ict,
            "year": year,
            "year_label": fiscal_label(year),
            "years": [(y, fiscal_label(y)) for y in plan.years],
            "rows": rows,
            "programs": Program.objects.filter(policy__plan=plan).select_related("policy"),
            "report": plan.reports.filter(fiscal_year=year).first(),
            "expiring": selectors.expiring_memberships() if ict else [],
            "vacancies": selectors.vacancies() if ict else [],
            "breadcrumbs": [
                (_("職員ポータル"), reverse("office:dashboard")),
                (_("ICT活用推進計画"), ""),
            ],
        },
    )


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk)
    if project is None:
        raise Http404
    ict = services.is_ict_staff(request.user)
    mine = services.may_evaluate(request.user, project)
    if not (ict or mine):
        raise PermissionDenied
    plan = project.program.policy.plan
    year = _int(request.GET.get("year"))
    if year not in plan.years:
        year = min(max(services.current_fiscal_year() - 1, plan.start_year), plan.end_year)
    evaluations = {
        e.fiscal_year: e for e in project.evaluations.prefetch_related("reviews__reviewer")
    }
    evaluation = evaluations.get(year)
    reviewable = None
    if evaluation is not None and evaluation.stage in Level.values:
        allowed, on_behalf = services.may_review(request.user, evaluation.stage)
        if allowed:
            reviewable = (Level(evaluation.stage), on_behalf)
    kpis = []
    for kpi in project.kpis.prefetch_related("targets", "actuals"):
        points = selectors.kpi_series(kpi, plan.years)
        kpis.append(
            {
                "kpi": kpi,
                "points": [(p, fiscal_label(p.year)) for p in points],
                "chart": kpi_chart(name=kpi.name, unit=str(kpi.get_unit_display()), points=points),
            }
        )
    return render(
        request,
        "plan/office/project.html",
        {
            "project": project,
            "plan": plan,
            "year": year,
            "year_label": fiscal_label(year),
            "years": [(y, fiscal_label(y)) for y in plan.years],
            "evaluation": evaluation,
            "history": [(fiscal_label(y), e) for y, e in sorted(evaluations.items())],
            "grades": plan.grades.all(),
            "mine": mine,
            "ict": ict,
            "reviewable": reviewable,
            "levels": [Level(level).label for level in REVIEW_ORDER],
            "kpis": kpis,
            "units": Unit.choices,
            "breadcrumbs": _crumbs((project.name, "")),
        },
    )


def _project_url(project_id: int, year: int | str) -> str:
    return reverse("office_plan:project", args=[project_id]) + f"?year={year}"


@staff_required
@require_POST
def evaluation_save(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk) or _404()
    year = _int(request.POST.get("year")) or 0
    submit = request.POST.get("action") == "submit"

    def action() -> None:
        evaluation = services.evaluation_save(
            project=project,
            fiscal_year=year,
            progress=request.POST.get("progress", "")[:4000],
            grade=request.POST.get("grade", ""),
            issues=request.POST.get("issues", "")[:4000],
            next_actions=request.POST.get("next_actions", "")[:4000],
            actor=request.user,
        )
        if submit:
            services.evaluation_submit(evaluation=evaluation, actor=request.user)

    return _act(
        request,
        action,
        _("評価を提出しました。") if submit else _("評価を保存しました。"),
        _project_url(project.pk, year),
    )


@staff_required
@require_POST
def evaluation_review(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(Evaluation, pk=pk)
    return _act(
        request,
        lambda: services.evaluation_review(
            evaluation=evaluation,
            level=evaluation.stage,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", "")[:2000],
            actor=request.user,
        ),
        _("審査の結果を記録しました。"),
        _project_url(evaluation.project_id, evaluation.fiscal_year),
    )


@staff_required
@require_POST
def kpi_actual(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi.objects.select_related("project__program__policy__plan"), pk=pk)
    year = _int(request.POST.get("year")) or 0
    if request.POST.get("action") == "measure":

        def action() -> None:
            if services.kpi_actual_measure(kpi=kpi, fiscal_year=year, actor=request.user) is None:
                raise ValidationError(_("この年度には計測できるデータがありません。"))
    else:

        def action() -> None:
            services.kpi_actual_record(
                kpi=kpi,
                fiscal_year=year,
                value=request.POST.get("value", ""),
                unit=request.POST.get("unit", ""),
                source_note=request.POST.get("source_note", "")[:300],
                actor=request.user,
            )

    return _act(request, action, _("実績を記録しました。"), _project_url(kpi.project_id, year))


def _404():
    raise Http404


@staff_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _ict(request)
    program = get_object_or_404(Program.objects.select_related("policy__plan"), pk=pk)
    plan = program.policy.plan
    if request.method == "POST":
        goals = [
            g for g in request.POST.get("sdg_goals", "").replace("、", ",").split(",") if g.strip()
        ]
        return _act(
            request,
            lambda: services.program_revise(
                program=program,
                fiscal_year=_int(request.POST.get("year")) or 0,
                reason=request.POST.get("reason", "")[:2000],
                changes={
                    "title": request.POST.get("title", program.title).strip()[:200],
                    "description": request.POST.get("description", program.description).strip(),
                    "sdg_goals": goals,
                },
                actor=request.user,
            ),
            _("事業推進計画を見直しました。"),
            reverse("office_plan:program", args=[program.pk]),
        )
    return render(
        request,
        "plan/office/program.html",
        {
            "program": program,
            "plan": plan,
            "midterm_label": fiscal_label(plan.midterm_year) if plan.midterm_year else "",
            "revisions": program.revisions.select_related("changed_by").order_by("-version"),
            "breadcrumbs": _crumbs((program.title, "")),
        },
    )


@staff_required
@require_POST
def report_publish(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_current() or _404()
    year = _int(request.POST.get("year")) or 0
    return _act(
        request,
        lambda: services.report_publish(plan=plan, fiscal_year=year, actor=request.user),
        _("年次報告を作成し、公開しました。"),
        reverse("office_plan:index") + f"?year={year}",
    )


# --- bodies and meetings --------------------------------------------------------------------------


@staff_required
def bodies(request: HttpRequest) -> HttpResponse:
    _ict(request)
    today = timezone.localdate()
    listing = []
    for body in selectors.bodies():
        chair = services.officer_on(body, "chair", today)
        vice = services.officer_on(body, "vice_chair", today)
        listing.append(
            {
                "body": body,
                "current": [m for m in body.memberships.all() if m.serves_on(today)],
                "past": [m for m in body.memberships.all() if not m.serves_on(today)],
                "chair": chair,
                "vice": vice,
                "meetings": body.meetings.all()[:10],
            }
        )
    return render(
        request,
        "plan/office/bodies.html",
        {
            "listing": listing,
            "today": today,
            "expiring": selectors.expiring_memberships(),
            "vacancies": selectors.vacancies(),
            "categories": Membership.Category.choices,
            "breadcrumbs": _crumbs((_("会議体と委員"), "")),
        },
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@staff_required
@require_POST
def member_action(request: HttpRequest) -> HttpResponse:
    _ict(request)
    action = request.POST.get("action", "")
    to = reverse("office_plan:bodies")

    def run() -> None:
        start = _date(request.POST.get("term_start"))
        if action == "appoint":
            body = get_object_or_404(Body, pk=_int(request.POST.get("body")))
            if start is None:
                raise ValidationError(_("任期の始まりを日付で入れてください。"))
            services.member_appoint(
                body=body,
                person=services.person_upsert(
                    name=request.POST.get("name", "").strip()[:60]
                    or _raise(_("氏名を入れてください。")),
                    affiliation=request.POST.get("affiliation", "").strip()[:120],
                ),
                category=request.POST.get("category", ""),
                term_start=start,
                term_end=_date(request.POST.get("term_end")),
                appointed_by=_("市長"),
                actor=request.user,
            )
        elif action == "reappoint":
            services.member_reappoint(
                membership=get_object_or_404(Membership, pk=_int(request.POST.get("membership"))),
                actor=request.user,
            )
        elif action == "vacate":
            on = _date(request.POST.get("on")) or _raise(_("欠けた日を入れてください。"))
            services.member_vacate(
                membership=get_object_or_404(Membership, pk=_int(request.POST.get("membership"))),
                on=on,
                reason=request.POST.get("reason", "")[:200],
                actor=request.user,
            )
        elif action == "replace":
            predecessor = get_object_or_404(Membership, pk=_int(request.POST.get("membership")))
            services.member_replace(
                predecessor=predecessor,
                person=services.person_upsert(
                    name=request.POST.get("name", "").strip()[:60]
                    or _raise(_("氏名を入れてください。")),
                    affiliation=request.POST.get("affiliation", "").strip()[:120],
                ),
                category=request.POST.get("category", ""),
                term_start=start or _raise(_("任期の始まりを日付で入れてください。")),
                term_end=_date(request.POST.get("term_end")),
                appointed_by=_("市長"),
                actor=request.user,
            )
        else:
            raise ValidationError(_("この操作はできません。"))

    return _act(request, run, _("委員の記録を更新しました。"), to)


def _raise(message: str):
    raise ValidationError(message)


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _ict(request)
    meeting = selectors.meeting_get(pk) or _404()
    minutes = Minutes.objects.filter(meeting=meeting).prefetch_related("signatures").first()
    if not meeting.is_public:
        audit_record(
            action="plan.closed_meeting_view",
            actor=request.user,
            obj=meeting,
            ip_address=client_ip(request),
        )
    present, members, reached = services.quorum(meeting)
    seated = services.members_on(meeting.body, meeting.date)
    attending = {a.membership_id for a in meeting.attendance.all() if a.present}
    return render(
        request,
        "plan/office/meeting.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "seated": seated,
            "attending": attending,
            "quorum": {
                "present": present,
                "members": members,
                "reached": reached,
                "needed": members // 2 + 1,
            },
            "voters": [m for m in seated if m.pk in attending and m.pk != meeting.presiding_id],
            "choices": Vote.Choice.choices,
            "signers": [m for m in seated if m.pk in attending and m.pk != meeting.presiding_id],
            "breadcrumbs": _crumbs(
                (_("会議体と委員"), reverse("office_plan:bodies")),
                (f"{meeting.body.name} 第{meeting.number}回", ""),
            ),
        },
    )


@staff_required
@require_POST
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    _ict(request)
    body = get_object_or_404(Body, pk=_int(request.POST.get("body")))
    holder: dict = {}

    def run() -> None:
        day = _date(request.POST.get("date")) or _raise(_("開催日を日付で入れてください。"))
        holder["meeting"] = services.meeting_schedule(
            body=body, date=day, place=request.POST.get("place", "")[:120], actor=request.user
        )

    response = _act(request, run, _("会議を登録しました。"), reverse("office_plan:bodies"))
    if "meeting" in holder:
        return redirect("office_plan:meeting", pk=holder["meeting"].pk)
    return response


@staff_required
@require_POST
def meeting_action(request: HttpRequest, pk: int) -> HttpResponse:
    _ict(request)
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    action = request.POST.get("action", "")
    user = request.user

    def minutes() -> Minutes:
        return get_object_or_404(Minutes, meeting=meeting)

    def member(name: str = "membership") -> Membership:
        return get_object_or_404(Membership, pk=_int(request.POST.get(name)), body=meeting.body)

    def run() -> None:
        if action == "item":
            services.agenda_item_add(
                meeting=meeting,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", "")[:200],
                description=request.POST.get("description", ""),
                actor=user,
            )
        elif action == "attendance":
            ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
            services.attendance_record(
                meeting=meeting,
                present=list(Membership.objects.filter(pk__in=ids)),
                guests=request.POST.get("guests", "")[:1000],
                actor=user,
            )
        elif action == "open":
            services.meeting_open(meeting=meeting, actor=user)
        elif action == "vote":
            item = get_object_or_404(meeting.items, pk=_int(request.POST.get("item")))
            for key, value in request.POST.items():
                if key.startswith("vote-") and value:
                    services.vote_record(
                        item=item,
                        membership=get_object_or_404(Membership, pk=_int(key[5:])),
                        choice=value,
                        actor=user,
                    )
        elif action == "decide":
            item = get_object_or_404(meeting.items, pk=_int(request.POST.get("item")))
            services.item_decide(
                item=item, casting_vote=request.POST.get("casting_vote", ""), actor=user
            )
        elif action == "end":
            services.meeting_end(meeting=meeting, actor=user)
        elif action == "minutes":
            services.minutes_draft(meeting=meeting, text=request.POST.get("text", ""), actor=user)
        elif action == "name_signer":
            services.minutes_name_signer(minutes=minutes(), membership=member(), actor=user)
        elif action == "sign":
            services.minutes_sign(minutes=minutes(), membership=member(), actor=user)
        elif action == "publish":
            services.minutes_publish(minutes=minutes(), actor=user)
        else:
            raise ValidationError(_("この操作はできません。"))

    return _act(
        request, run, _("記録しました。"), reverse("office_plan:meeting", args=[meeting.pk])
    )
