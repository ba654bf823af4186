"""Every write of the plan app: the plan's structure, KPIs and their actuals, yearly
evaluations and their review by the ICT推進会議's levels, the mid-term re-planning, and the
bodies' members, officers, meetings, votes and minutes under the 情報化推進委員会規則.

Each refusal is a ValidationError (or PermissionDenied for who may act) with a reason a
person can act on. State changes are audited through core.audit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yakusho.accounts.models import StaffAssignment, User
from yakusho.accounts.selectors import staff_scope
from yakusho.core.audit import audit_record
from yakusho.core.models import Department

from .models import (
    INTEGER_UNITS,
    REVIEW_ORDER,
    AgendaItem,
    AnnualReport,
    Attendance,
    Body,
    Evaluation,
    EvaluationReview,
    Grade,
    Kpi,
    KpiActual,
    KpiTarget,
    Level,
    Meeting,
    Membership,
    Minutes,
    MinutesSignature,
    Officer,
    Person,
    Plan,
    Policy,
    Program,
    ProgramRevision,
    Project,
    Unit,
    Vote,
    fiscal_year_bounds,
    fiscal_year_of,
)

SDG_GOALS = range(1, 18)


# --- who may act ------------------------------------------------------------------------------


def ict_department_code() -> str:
    return getattr(settings, "YAKUSHO_PLAN_ICT_DEPARTMENT", "joho-seisaku")


def is_ict_staff(user: Any) -> bool:
    """The ICT department (情報政策課 and its sections, any role held there) or a sysadmin.
    A role in the 部 above does not count: the plan's 庶務 is the 課's work."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "kind", None) != User.Kind.STAFF or not user.is_active:
        return False
    cached = getattr(user, "_plan_ict", None)
    if cached is not None:
        return cached
    result = staff_scope(user).is_sysadmin
    if not result:
        root = Department.objects.filter(code=ict_department_code()).first()
        if root is not None:
            ids = {root.pk, *Department.objects.filter(parent=root).values_list("pk", flat=True)}
            result = StaffAssignment.objects.filter(user=user, department_id__in=ids).exists()
    user._plan_ict = result
    return result


def require_ict(user: Any) -> None:
    if not is_ict_staff(user):
        raise PermissionDenied(_("計画の管理は情報政策課の職員だけができます。"))


def may_evaluate(user: Any, project: Project) -> bool:
    """The project's owner department (any casework role there)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return project.department_id in staff_scope(user).department_ids()


# --- the plan's structure ---------------------------------------------------------------------


def _changed(obj: Any, values: dict[str, Any]) -> bool:
    return any(getattr(obj, key) != value for key, value in values.items())


def plan_upsert(
    *,
    code: str,
    name: str,
    start_year: int,
    end_year: int,
    philosophy: str,
    actor: Any,
    midterm_year: int | None = None,
    philosophy_text: str = "",
    name_translations: dict | None = None,
    philosophy_translations: dict | None = None,
    philosophy_text_translations: dict | None = None,
) -> Plan:
    if end_year < start_year:
        raise ValidationError(_("計画期間の最終年度は初年度より後にしてください。"))
    if midterm_year is not None and not start_year <= midterm_year <= end_year:
        raise ValidationError(_("中間見直しの年度は計画期間の中にしてください。"))
    values = {
        "name": name,
        "start_year": start_year,
        "end_year": end_year,
        "midterm_year": midterm_year,
        "philosophy": philosophy,
        "philosophy_text": philosophy_text,
        "name_translations": name_translations or {},
        "philosophy_translations": philosophy_translations or {},
        "philosophy_text_translations": philosophy_text_translations or {},
    }
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(code=code).first()
        if plan is not None and not _changed(plan, values):
            return plan
        plan, created = Plan.objects.update_or_create(code=code, defaults=values)
        audit_record(action="plan.created" if created else "plan.changed", actor=actor, obj=plan)
    return plan


def grades_set(*, plan: Plan, grades: list[tuple[str, str, dict]], actor: Any) -> list[Grade]:
    """The evaluation scale as data: [(code, definition, translations)], in order."""
    with transaction.atomic():
        result = []
        for order, (code, label, translations) in enumerate(grades, start=1):
            grade, _created = Grade.objects.update_or_create(
                plan=plan,
                code=code,
                defaults={"label": label, "label_translations": translations, "sort_order": order},
            )
            result.append(grade)
        Grade.objects.filter(plan=plan).exclude(code__in=[g[0] for g in grades]).delete()
    return result


def policy_upsert(
    *,
    plan: Plan,
    number: int,
    title: str,
    actor: Any,
    text: str = "",
    title_translations: dict | None = None,
    text_translations: dict | None = None,
) -> Policy:
    if actor is not None:
        require_ict(actor)
    values = {
        "title": title,
        "text": text,
        "title_translations": title_translations or {},
        "text_translations": text_translations or {},
    }
    with transaction.atomic():
        policy = Policy.objects.filter(plan=plan, number=number).first()
        if policy is not None and not _changed(policy, values):
            return policy
        policy, created = Policy.objects.update_or_create(plan=plan, number=number, defaults=values)
        audit_record(
            action="plan.policy_created" if created else "plan.policy_changed",
            actor=actor,
            obj=policy,
        )
    return policy


def _clean_goals(goals: list[int]) -> list[int]:
    cleaned = []
    for goal in goals:
        try:
            number = int(goal)
        except (TypeError, ValueError):
            number = 0
        if number not in SDG_GOALS:
            raise ValidationError(
                _("SDGsのゴールは1から17の番号で指定してください（「%(goal)s」は使えません）。")
                % {"goal": goal}
            )
        cleaned.append(number)
    return sorted(set(cleaned))


def program_create(
    *,
    policy: Policy,
    number: int,
    title: str,
    description: str,
    actor: Any,
    sdg_goals: list[int] | None = None,
    title_translations: dict | None = None,
    description_translations: dict | None = None,
) -> Program:
    """A new 事業推進計画 (the plan as adopted). Later changes go through program_revise,
    which keeps what changed and why. Returns the existing one unchanged when present."""
    if actor is not None:
        require_ict(actor)
    goals = _clean_goals(sdg_goals or [])
    with transaction.atomic():
        program = Program.objects.filter(policy__plan=policy.plan, number=number).first()
        if program is not None:
            return program
        program = Program.objects.create(
            policy=policy,
            number=number,
            title=title,
            description=description,
            sdg_goals=goals,
            title_translations=title_translations or {},
            description_translations=description_translations or {},
        )
        audit_record(action="plan.program_created", actor=actor, obj=program)
    return program


REVISABLE = ("title", "description", "sdg_goals", "policy")


def program_revise(
    *,
    program: Program,
    fiscal_year: int,
    reason: str,
    actor: Any,
    changes: dict[str, Any],
) -> Program:
    """The mid-term review re-plans a 事業推進計画: only in the plan's 中間見直し年度, with a
    reason, and every changed field kept (before → after) in a new version."""
    require_ict(actor)
    plan = program.policy.plan
    if plan.midterm_year is None or fiscal_year != plan.midterm_year:
        raise ValidationError(
            _(
                "事業推進計画の見直しは中間見直しの年度（%(year)s年度）に行います。"
                "毎年度の見直しは個別事業で行ってください。"
            )
            % {"year": plan.midterm_year or "—"}
        )
    if not reason.strip():
        raise ValidationError(_("見直しの理由を書いてください。"))
    unknown = set(changes) - set(REVISABLE)
    if unknown:
        raise ValidationError(
            _("変えられない項目があります：%(fields)s") % {"fields": "、".join(sorted(unknown))}
        )
    if "sdg_goals" in changes:
        changes["sdg_goals"] = _clean_goals(changes["sdg_goals"])
    if "policy" in changes and changes["policy"].plan_id != plan.pk:
        raise ValidationError(_("別の計画の基本方針には移せません。"))
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        diff = {}
        for key, value in changes.items():
            before = getattr(program, key)
            if before != value:
                diff[key] = {
                    "before": before.title if key == "policy" else before,
                    "after": value.title if key == "policy" else value,
                }
                setattr(program, key, value)
        if not diff:
            raise ValidationError(_("変更がありません。"))
        if not ProgramRevision.objects.filter(program=program).exists():
            # Keep the adopted text as version 1, so the history starts from the plan itself.
            ProgramRevision.objects.create(
                program=program,
                version=1,
                fiscal_year=plan.start_year,
                changes={},
                reason=_("計画策定時"),
                changed_by=None,
            )
        program.version += 1
        program.save()
        revision = ProgramRevision.objects.create(
            program=program,
            version=program.version,
            fiscal_year=fiscal_year,
            changes=diff,
            reason=reason.strip(),
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="plan.program_revised",
            actor=actor,
            obj=program,
            data={"version": program.version, "changes": diff, "reason": revision.reason},
        )
    return program


def project_upsert(
    *,
    program: Program,
    code: str,
    name: str,
    department: Department,
    actor: Any,
    description: str = "",
    sort_order: int = 0,
    name_translations: dict | None = None,
    description_translations: dict | None = None,
    is_active: bool = True,
) -> Project:
    if actor is not None:
        require_ict(actor)
    values = {
        "program": program,
        "name": name,
        "department": department,
        "description": description,
        "sort_order": sort_order,
        "name_translations": name_translations or {},
        "description_translations": description_translations or {},
        "is_active": is_active,
    }
    with transaction.atomic():
        project = Project.objects.filter(code=code).first()
        if project is not None and not _changed(project, values):
            return project
        project, created = Project.objects.update_or_create(code=code, defaults=values)
        audit_record(
            action="plan.project_created" if created else "plan.project_changed",
            actor=actor,
            obj=project,
        )
    return project


# --- KPIs ------------------------------------------------------------------------------------


def parse_value(raw: Any, unit: str) -> Decimal:
    """A KPI value in its unit: counts, yen, people and procedures are whole numbers of zero
    or more; a percentage is 0–100; days are zero or more."""
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("「%(value)s」は数値ではありません。") % {"value": raw}) from None
    if not value.is_finite():
        raise ValidationError(_("「%(value)s」は数値ではありません。") % {"value": raw})
    if value < 0:
        raise ValidationError(_("値は0以上にしてください。"))
    if unit == Unit.PERCENT and value > 100:
        raise ValidationError(
            _("単位が「%%」の指標に%(value)sは入れられません（0から100まで）。") % {"value": value}
        )
    if unit in INTEGER_UNITS and value != value.to_integral_value():
        raise ValidationError(
            _("単位が「%(unit)s」の指標は整数で入れてください（%(value)sは使えません）。")
            % {"unit": unit, "value": value}
        )
    if unit not in Unit.values:
        raise ValidationError(_("単位「%(unit)s」は使えません。") % {"unit": unit})
    return value.quantize(Decimal("0.01"))


def _check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(
            _("%(year)s年度は計画期間（%(start)s〜%(end)s年度）の外です。")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )


def kpi_upsert(
    *,
    project: Project,
    name: str,
    unit: str,
    actor: Any,
    metric: str = "",
    metric_params: dict | None = None,
    higher_is_better: bool = True,
    baseline: Any = None,
    targets: dict[int, Any] | None = None,
    sort_order: int = 0,
    name_translations: dict | None = None,
) -> Kpi:
    from .metrics import METRICS

    if actor is not None:
        require_ict(actor)
    if unit not in Unit.values:
        raise ValidationError(_("単位「%(unit)s」は使えません。") % {"unit": unit})
    if metric:
        if metric not in METRICS:
            raise ValidationError(_("計測の指標「%(metric)s」はありません。") % {"metric": metric})
        if METRICS[metric].unit != unit:
            raise ValidationError(
                _(
                    "計測の指標「%(metric)s」の単位は「%(expected)s」です（「%(unit)s」ではありません）。"
                )
                % {"metric": metric, "expected": METRICS[metric].unit, "unit": unit}
            )
    plan = project.program.policy.plan
    with transaction.atomic():
        kpi, created = Kpi.objects.update_or_create(
            project=project,
            name=name,
            defaults={
                "unit": unit,
                "metric": metric,
                "metric_params": metric_params or {},
                "higher_is_better": higher_is_better,
                "baseline": parse_value(baseline, unit) if baseline is not None else None,
                "sort_order": sort_order,
                "name_translations": name_translations or {},
            },
        )
        for year, value in (targets or {}).items():
            _check_year(plan, int(year))
            KpiTarget.objects.update_or_create(
                kpi=kpi, fiscal_year=int(year), defaults={"value": parse_value(value, unit)}
            )
        if created:
            audit_record(action="plan.kpi_created", actor=actor, obj=kpi)
    return kpi


def kpi_actual_record(
    *,
    kpi: Kpi,
    fiscal_year: int,
    value: Any,
    unit: str,
    source_note: str,
    actor: Any,
) -> KpiActual:
    """An actual entered by hand by the owner department (or the ICT department), in the
    KPI's unit, with where the number came from."""
    project = kpi.project
    if not (may_evaluate(actor, project) or is_ict_staff(actor)):
        raise PermissionDenied(_("この個別事業の実績は担当課が入力します。"))
    if unit != kpi.unit:
        raise ValidationError(
            _("この指標の単位は「%(expected)s」です。「%(unit)s」の値は入れられません。")
            % {"expected": kpi.unit, "unit": unit}
        )
    number = parse_value(value, kpi.unit)
    _check_year(project.program.policy.plan, fiscal_year)
    if not source_note.strip():
        raise ValidationError(_("手入力の実績には出典（どこから得た数値か）を書いてください。"))
    return _actual_store(kpi, fiscal_year, number, KpiActual.Source.MANUAL, source_note, actor)


def _actual_store(
    kpi: Kpi, fiscal_year: int, value: Decimal, source: str, note: str, actor: Any
) -> KpiActual:
    with transaction.atomic():
        previous = KpiActual.objects.filter(kpi=kpi, fiscal_year=fiscal_year).first()
        if (
            previous is not None
            and previous.value == value
            and previous.source == source
            and previous.source_note == note.strip()
        ):
            return previous
        actual, _created = KpiActual.objects.update_or_create(
            kpi=kpi,
            fiscal_year=fiscal_year,
            defaults={
                "value": value,
                "source": source,
                "source_note": note.strip()[:300],
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit_record(
            action="plan.kpi_actual",
            actor=actor,
            obj=actual,
            data={
                "kpi": kpi.pk,
                "year": fiscal_year,
                "value": str(value),
                "before": str(previous.value) if previous else None,
                "source": source,
            },
        )
    return actual


def kpi_actual_measure(*, kpi: Kpi, fiscal_year: int, actor: Any) -> KpiActual | None:
    """Measure a live KPI for a fiscal year from yakusho's own data and store it. Returns None
    when the metric has nothing to measure (e.g. the app it reads is not installed)."""
    from .metrics import METRICS

    if not kpi.metric:
        raise ValidationError(_("この指標は自動では計測しません。実績を手入力してください。"))
    if actor is not None and not (may_evaluate(actor, kpi.project) or is_ict_staff(actor)):
        raise PermissionDenied(_("この個別事業の実績は担当課が入力します。"))
    _check_year(kpi.project.program.policy.plan, fiscal_year)
    metric = METRICS[kpi.metric]
    start, end = fiscal_year_bounds(fiscal_year)
    result = metric.measure(start, end, **kpi.metric_params)
    if result is None:
        return None
    value = parse_value(result.value, kpi.unit)
    note = _("yakusho のデータから計測（%(metric)s、%(start)s〜%(end)s、%(basis)s）") % {
        "metric": metric.key,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "basis": result.basis,
    }
    return _actual_store(kpi, fiscal_year, value, KpiActual.Source.METRIC, note, actor)


# --- yearly evaluation --------------------------------------------------------------------------


def evaluation_save(
    *,
    project: Project,
    fiscal_year: int,
    progress: str,
    grade: str,
    actor: Any,
    issues: str = "",
    next_actions: str = "",
) -> Evaluation:
    """The owner department enters (or corrects, until it is submitted) a year's evaluation."""
    if not may_evaluate(actor, project):
        raise PermissionDenied(_("この個別事業の評価は担当課だけが入力できます。"))
    plan = project.program.policy.plan
    _check_year(plan, fiscal_year)
    grades = dict(plan.grades.values_list("code", "label"))
    if grade not in grades:
        raise ValidationError(
            _("評価「%(grade)s」は使えません。%(scale)s のいずれかを選んでください。")
            % {"grade": grade, "scale": "・".join(grades) or "—"}
        )
    if not progress.strip():
        raise ValidationError(_("進捗状況を書いてください。"))
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .filter(project=project, fiscal_year=fiscal_year)
            .first()
        )
        if evaluation is not None and not evaluation.editable:
            raise ValidationError(
                _("この評価は審査に進んでいるため直せません（%(stage)s）。")
                % {"stage": evaluation.get_stage_display()}
            )
        values = {
            "progress": progress.strip(),
            "grade": grade,
            "issues": issues.strip(),
            "next_actions": next_actions.strip(),
        }
        if evaluation is None:
            evaluation = Evaluation.objects.create(
                project=project, fiscal_year=fiscal_year, entered_by=actor, **values
            )
            action = "plan.evaluation_created"
        else:
            for key, value in values.items():
                setattr(evaluation, key, value)
            evaluation.entered_by = actor
            evaluation.revision += 1
            evaluation.save()
            action = "plan.evaluation_changed"
        audit_record(
            action=action, actor=actor, obj=evaluation, data={"grade": grade, "year": fiscal_year}
        )
    return evaluation


def evaluation_submit(*, evaluation: Evaluation, actor: Any) -> Evaluation:
    if not may_evaluate(actor, evaluation.project):
        raise PermissionDenied(_("この個別事業の評価は担当課だけが提出できます。"))
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not evaluation.editable:
            raise ValidationError(_("この評価はすでに提出されています。"))
        evaluation.stage = Evaluation.Stage.CHOSEI
        evaluation.save(update_fields=["stage", "updated_at"])
        audit_record(action="plan.evaluation_submitted", actor=actor, obj=evaluation)
    return evaluation


def may_review(user: Any, level: str, on: dt.date | None = None) -> tuple[bool, bool]:
    """(may record, on behalf): a current member of the level's body with a staff account
    records for the level; the ICT department records on the level's behalf."""
    on = on or timezone.localdate()
    if getattr(user, "is_authenticated", False):
        for membership in Membership.objects.filter(
            body__kind=level, person__user=user
        ).select_related("body"):
            if membership.serves_on(on):
                return True, False
    if is_ict_staff(user):
        return True, True
    return False, False


def evaluation_review(
    *,
    evaluation: Evaluation,
    level: str,
    decision: str,
    actor: Any,
    comment: str = "",
    meeting: Meeting | None = None,
) -> Evaluation:
    """One level's review, in the order 調整部会 → 幹事会 → 本部会; 本部会's approval makes the
    evaluation final (published). A return sends it back to the owner department."""
    if level not in Level.values:
        raise ValidationError(_("審査する会議が正しくありません。"))
    allowed, on_behalf = may_review(actor, level)
    if not allowed:
        raise PermissionDenied(
            _("%(level)sの審査は、その構成員か情報政策課の職員が記録します。")
            % {"level": Level(level).label}
        )
    if decision not in EvaluationReview.Decision.values:
        raise ValidationError(_("審査の結果が正しくありません。"))
    if decision == EvaluationReview.Decision.RETURNED and not comment.strip():
        raise ValidationError(_("差し戻す理由を書いてください。"))
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.stage != level:
            raise ValidationError(
                _("この評価は今「%(stage)s」です。%(level)sの審査はできません。")
                % {"stage": evaluation.get_stage_display(), "level": Level(level).label}
            )
        EvaluationReview.objects.create(
            evaluation=evaluation,
            level=level,
            decision=decision,
            comment=comment.strip(),
            reviewer=actor if getattr(actor, "is_authenticated", False) else None,
            on_behalf=on_behalf,
            meeting=meeting,
        )
        if decision == EvaluationReview.Decision.RETURNED:
            evaluation.stage = Evaluation.Stage.RETURNED
        else:
            index = REVIEW_ORDER.index(Level(level))
            evaluation.stage = (
                REVIEW_ORDER[index + 1] if index + 1 < len(REVIEW_ORDER) else Evaluation.Stage.FINAL
            )
        evaluation.save(update_fields=["stage", "updated_at"])
        audit_record(
            action="plan.evaluation_reviewed",
            actor=actor,
            obj=evaluation,
            data={"level": level, "decision": decision, "on_behalf": on_behalf},
        )
    return evaluation


def report_publish(*, plan: Plan, fiscal_year: int, actor: Any) -> AnnualReport:
    """Produce the year's report (PDF signed with the city's key) and publish it; the HTML
    page on the residents' site shows the same content."""
    from django.core.files.base import ContentFile

    from .documents import report_pdf

    require_ict(actor)
    _check_year(plan, fiscal_year)
    pdf = report_pdf(plan=plan, fiscal_year=fiscal_year)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(
            plan=plan, fiscal_year=fiscal_year
        ).first() or AnnualReport(plan=plan, fiscal_year=fiscal_year)
        report.pdf.save(f"{plan.code}-{fiscal_year}.pdf", ContentFile(pdf), save=False)
        report.sha256 = digest
        report.published_at = timezone.now()
        report.published_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save()
        audit_record(
            action="plan.report_published",
            actor=actor,
            obj=report,
            data={"year": fiscal_year, "sha256": digest},
        )
    return report


# --- bodies and members -----------------------------------------------------------------------


def body_upsert(
    *,
    code: str,
    kind: str,
    name: str,
    actor: Any,
    description: str = "",
    max_members: int | None = None,
    term_years: int | None = None,
    officers_elected: bool = False,
    chair_title: str = "会長",
    sort_order: int = 0,
    name_translations: dict | None = None,
) -> Body:
    if actor is not None:
        require_ict(actor)
    if kind not in Body.Kind.values:
        raise ValidationError(_("会議体の種類が正しくありません。"))
    values = {
        "kind": kind,
        "name": name,
        "description": description,
        "max_members": max_members,
        "term_years": term_years,
        "officers_elected": officers_elected,
        "chair_title": chair_title,
        "sort_order": sort_order,
        "name_translations": name_translations or {},
    }
    with transaction.atomic():
        body = Body.objects.filter(code=code).first()
        if body is not None and not _changed(body, values):
            return body
        body, created = Body.objects.update_or_create(code=code, defaults=values)
        audit_record(
            action="plan.body_created" if created else "plan.body_changed", actor=actor, obj=body
        )
    return body


def person_upsert(*, name: str, affiliation: str = "", user: User | None = None) -> Person:
    if user is not None:
        person, _created = Person.objects.update_or_create(
            user=user, defaults={"name": name, "affiliation": affiliation}
        )
        return person
    person = Person.objects.filter(name=name, affiliation=affiliation, user__isnull=True).first()
    return person or Person.objects.create(name=name, affiliation=affiliation)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end_for(body: Body, start: dt.date) -> dt.date | None:
    """第3条: a term of `term_years` years from the day of appointment."""
    if not body.term_years:
        return None
    return _add_years(start, body.term_years) - dt.timedelta(days=1)


def members_on(body: Body, day: dt.date) -> list[Membership]:
    return [
        m
        for m in body.memberships.select_related("person").filter(term_start__lte=day)
        if m.serves_on(day)
    ]


def _check_seats(body: Body, start: dt.date, end: dt.date | None, *, ignore: int | None) -> None:
    """第2条: no day in the new term may have more members than the body's seats."""
    if not body.max_members:
        return
    others = [m for m in body.memberships.all() if m.pk != ignore]
    days = {start} | {m.term_start for m in others if m.term_start > start}
    if end is not None:
        days = {d for d in days if d <= end}
    for day in sorted(days):
        seated = sum(1 for m in others if m.serves_on(day))
        if seated >= body.max_members:
            raise ValidationError(
                _(
                    "%(body)sの委員は%(seats)s名です。%(date)s時点で既に%(count)s名が在任しているため、"
                    "これ以上委嘱できません。"
                )
                % {
                    "body": body.name,
                    "seats": body.max_members,
                    "date": day.isoformat(),
                    "count": seated,
                }
            )


def _check_overlap(body: Body, person: Person, start: dt.date, end: dt.date | None) -> None:
    for other in body.memberships.filter(person=person):
        last = other.last_day
        if (last is None or last >= start) and (end is None or other.term_start <= end):
            raise ValidationError(
                _("%(name)sさんは%(start)sからの任期中です。再任は任期が終わった翌日からです。")
                % {"name": person.name, "start": other.term_start.isoformat()}
            )


def member_appoint(
    *,
    body: Body,
    person: Person,
    category: str,
    term_start: dt.date,
    actor: Any,
    term_end: dt.date | None = None,
    position: str = "",
    appointed_by: str = "",
) -> Membership:
    """Appoint (委嘱) a member for a term. On a body with a fixed term, the term is exactly
    that long; a reappointment is a new term that starts after the last one."""
    if actor is not None:
        require_ict(actor)
    if category not in Membership.Category.values:
        raise ValidationError(_("委員の区分が正しくありません。"))
    expected = term_end_for(body, term_start)
    if expected is not None:
        if term_end is not None and term_end != expected:
            raise ValidationError(
                _("%(body)sの委員の任期は%(years)s年です（%(start)sからなら%(end)sまで）。")
                % {
                    "body": body.name,
                    "years": body.term_years,
                    "start": term_start.isoformat(),
                    "end": expected.isoformat(),
                }
            )
        term_end = expected
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()
        _check_overlap(body, person, term_start, term_end)
        _check_seats(body, term_start, term_end, ignore=None)
        membership = Membership.objects.create(
            body=body,
            person=person,
            category=category,
            position=position,
            term_start=term_start,
            term_end=term_end,
            appointed_by=appointed_by,
        )
        audit_record(
            action="plan.member_appointed",
            actor=actor,
            obj=membership,
            data={"body": body.code, "start": term_start, "end": term_end},
        )
    return membership


def member_reappoint(*, membership: Membership, actor: Any) -> Membership:
    """第3条第1項ただし書: a new term from the day after the current one ends."""
    membership = Membership.objects.select_related("body", "person").get(pk=membership.pk)
    if membership.term_end is None:
        raise ValidationError(_("任期の定めのない構成員は再任の手続きがありません。"))
    if membership.vacated_on is not None:
        raise ValidationError(_("欠けた委員は再任できません。新たに委嘱してください。"))
    return member_appoint(
        body=membership.body,
        person=membership.person,
        category=membership.category,
        position=membership.position,
        term_start=membership.term_end + dt.timedelta(days=1),
        appointed_by=membership.appointed_by,
        actor=actor,
    )


def member_vacate(*, membership: Membership, on: dt.date, reason: str, actor: Any) -> Membership:
    """A member leaves before the term ends (辞任など); the seat is vacant from `on`."""
    require_ict(actor)
    if not reason.strip():
        raise ValidationError(_("欠けた理由を書いてください。"))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.vacated_on is not None:
            raise ValidationError(_("この委員は既に欠けています。"))
        if on <= membership.term_start or (membership.term_end and on > membership.term_end):
            raise ValidationError(_("欠けた日は任期の中の日にしてください。"))
        membership.vacated_on = on
        membership.save(update_fields=["vacated_on"])
        audit_record(
            action="plan.member_vacated",
            actor=actor,
            obj=membership,
            data={"on": on, "reason": reason.strip()},
        )
    return membership


def member_replace(
    *,
    predecessor: Membership,
    person: Person,
    category: str,
    term_start: dt.date,
    actor: Any,
    term_end: dt.date | None = None,
    appointed_by: str = "",
) -> Membership:
    """第3条第2項: a replacement (補欠の委員) serves the rest of the predecessor's term, so the
    term ends when the predecessor's would have; a later end is refused."""
    require_ict(actor)
    predecessor = Membership.objects.select_related("body").get(pk=predecessor.pk)
    if predecessor.vacated_on is None:
        raise ValidationError(_("前任の委員が欠けていないため、補欠の委員は委嘱できません。"))
    if Membership.objects.filter(predecessor=predecessor).exists():
        raise ValidationError(_("この委員の補欠は既に委嘱されています。"))
    if term_start < predecessor.vacated_on:
        raise ValidationError(_("補欠の委員の任期は、前任者が欠けた日以後に始まります。"))
    end = predecessor.term_end
    if term_end is None:
        term_end = end
    if end is not None and term_end > end:
        raise ValidationError(
            _(
                "補欠の委員の任期は前任者の残任期間です。%(end)sより後まではできません"
                "（指定：%(given)s）。"
            )
            % {"end": end.isoformat(), "given": term_end.isoformat()}
        )
    if end is not None and term_start > end:
        raise ValidationError(_("前任者の任期が既に終わっています。新たに委嘱してください。"))
    body = predecessor.body
    with transaction.atomic():
        _check_overlap(body, person, term_start, term_end)
        _check_seats(body, term_start, term_end, ignore=None)
        membership = Membership.objects.create(
            body=body,
            person=person,
            category=category,
            position=predecessor.position,
            term_start=term_start,
            term_end=term_end,
            predecessor=predecessor,
            appointed_by=appointed_by,
        )
        audit_record(
            action="plan.member_replaced",
            actor=actor,
            obj=membership,
            data={"predecessor": predecessor.pk, "end": term_end},
        )
    return membership


def officer_on(body: Body, office: str, day: dt.date) -> Membership | None:
    """Who holds an office on a day: the latest election whose member still serves."""
    for officer in body.officers.filter(office=office, since__lte=day).select_related(
        "membership__person"
    ):
        return officer.membership if officer.membership.serves_on(day) else None
    return None


def officer_elect(
    *,
    body: Body,
    office: str,
    membership: Membership,
    since: dt.date,
    actor: Any,
    meeting: Meeting | None = None,
    votes_for: int | None = None,
) -> Officer:
    """第4条: 会長 and 副会長, one each, chosen by the members among themselves (互選) at a
    meeting that is open; the elected must be a member then and win a majority of those
    present. On a body whose officers are set by position (充て職) the election is a record."""
    require_ict(actor)
    if office not in Officer.Office.values:
        raise ValidationError(_("役職が正しくありません。"))
    if membership.body_id != body.pk or not membership.serves_on(since):
        raise ValidationError(
            _("%(name)sさんは%(date)s時点で%(body)sの委員ではないため、選べません。")
            % {"name": membership.person.name, "date": since.isoformat(), "body": body.name}
        )
    electors = None
    if meeting is not None:
        meeting = Meeting.objects.get(pk=meeting.pk)
    if body.officers_elected:
        if meeting is None or meeting.body_id != body.pk or meeting.status != Meeting.Status.OPEN:
            raise ValidationError(_("会長・副会長は、開会中の会議で委員の互選により定めます。"))
        if meeting.date != since:
            raise ValidationError(_("互選で選ばれた日は会議の開催日です。"))
        electors = meeting.attendance.filter(present=True).count()
        if votes_for is None or votes_for * 2 <= electors:
            raise ValidationError(
                _("互選には出席委員（%(electors)s名）の過半数の支持が必要です（%(votes)s票）。")
                % {"electors": electors, "votes": votes_for if votes_for is not None else 0}
            )
        if votes_for > electors:
            raise ValidationError(_("得票が出席委員の数を超えています。"))
    other = Officer.Office.VICE_CHAIR if office == Officer.Office.CHAIR else Officer.Office.CHAIR
    if officer_on(body, other, since) == membership:
        raise ValidationError(_("会長と副会長は別の委員にしてください。"))
    with transaction.atomic():
        officer = Officer.objects.create(
            body=body,
            office=office,
            membership=membership,
            method=Officer.Method.ELECTION if body.officers_elected else Officer.Method.POSITION,
            since=since,
            meeting=meeting,
            votes_for=votes_for,
            electors=electors,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="plan.officer_elected",
            actor=actor,
            obj=officer,
            data={"office": office, "membership": membership.pk, "votes": votes_for},
        )
    return officer


# --- meetings -------------------------------------------------------------------------------------


def meeting_schedule(
    *,
    body: Body,
    date: dt.date,
    actor: Any,
    number: int | None = None,
    place: str = "",
    items: list[tuple[str, str, str]] | None = None,
) -> Meeting:
    """第5条第1項: called by the chair; the ICT department (庶務, 第9条) schedules it.
    Items are (kind, title, description). Every meeting starts public (第6条)."""
    require_ict(actor)
    with transaction.atomic():
        if number is None:
            last = body.meetings.order_by("-number").values_list("number", flat=True).first()
            number = (last or 0) + 1
        meeting = Meeting.objects.create(body=body, number=number, date=date, place=place)
        for kind, title, description in items or []:
            agenda_item_add(
                meeting=meeting, kind=kind, title=title, description=description, actor=actor
            )
        audit_record(action="plan.meeting_scheduled", actor=actor, obj=meeting)
    return meeting


def agenda_item_add(
    *, meeting: Meeting, kind: str, title: str, actor: Any, description: str = ""
) -> AgendaItem:
    require_ict(actor)
    if kind not in AgendaItem.Kind.values:
        raise ValidationError(_("議題の種類が正しくありません。"))
    if not title.strip():
        raise ValidationError(_("議題を書いてください。"))
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status == Meeting.Status.ENDED:
        raise ValidationError(_("閉会した会議には議題を足せません。"))
    last = meeting.items.order_by("-number").values_list("number", flat=True).first()
    return AgendaItem.objects.create(
        meeting=meeting,
        number=(last or 0) + 1,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
    )


def attendance_record(
    *, meeting: Meeting, present: list[Membership], actor: Any, guests: str = ""
) -> list[Attendance]:
    """Who came: every member serving on the meeting date gets a row, present or absent.
    Someone who is not a member that day cannot be counted."""
    require_ict(actor)
    meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("出欠は開会の前に記録します。"))
    seated = {m.pk: m for m in members_on(meeting.body, meeting.date)}
    for membership in present:
        if membership.pk not in seated:
            raise ValidationError(
                _("%(name)sさんは%(date)s時点で委員ではないため、出席に数えられません。")
                % {"name": membership.person.name, "date": meeting.date.isoformat()}
            )
    present_ids = {m.pk for m in present}
    with transaction.atomic():
        Attendance.objects.filter(meeting=meeting).delete()
        rows = Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, membership_id=pk, present=pk in present_ids)
                for pk in seated
            ]
        )
        if guests != meeting.guests:
            meeting.guests = guests.strip()
            meeting.save(update_fields=["guests", "updated_at"])
        audit_record(
            action="plan.attendance",
            actor=actor,
            obj=meeting,
            data={"present": sorted(present_ids), "members": sorted(seated)},
        )
    return rows


def quorum(meeting: Meeting) -> tuple[int, int, bool]:
    """(present, members, reached): 第5条第2項, a majority (過半数) of the members serving on
    the meeting date."""
    members = len(members_on(meeting.body, meeting.date))
    present = meeting.attendance.filter(present=True).count()
    return present, members, members > 0 and present * 2 > members


def meeting_open(*, meeting: Meeting, actor: Any) -> Meeting:
    """Open the meeting only with a quorum; the chair presides (第5条第1項), the vice-chair
    in the chair's absence (第4条第3項)."""
    require_ict(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.PLANNED:
            raise ValidationError(_("この会議は開会できる状態ではありません。"))
        present, members, reached = quorum(meeting)
        if not reached:
            audit_record(
                action="plan.meeting_open_refused",
                actor=actor,
                obj=meeting,
                data={"present": present, "members": members},
            )
            raise ValidationError(
                _(
                    "委員の過半数の出席がないため、会議を開けません"
                    "（委員%(members)s名のうち出席%(present)s名。%(needed)s名以上の出席が必要です）。"
                )
                % {"members": members, "present": present, "needed": members // 2 + 1}
            )
        present_ids = set(
            meeting.attendance.filter(present=True).values_list("membership_id", flat=True)
        )
        presiding = None
        for office in (Officer.Office.CHAIR, Officer.Office.VICE_CHAIR):
            holder = officer_on(meeting.body, office, meeting.date)
            if holder is not None and holder.pk in present_ids:
                presiding = holder
                break
        # Only the first meeting after appointments, which elects the officers, runs
        # without them; the ICT department chairs it (仮議長) until the election.
        if presiding is None and meeting.body.officers_elected and meeting.body.officers.exists():
            raise ValidationError(_("会長も副会長も出席していないため、議長を務める人がいません。"))
        meeting.presiding = presiding
        meeting.status = Meeting.Status.OPEN
        meeting.opened_at = timezone.now()
        meeting.save(update_fields=["presiding", "status", "opened_at", "updated_at"])
        audit_record(
            action="plan.meeting_opened",
            actor=actor,
            obj=meeting,
            data={
                "present": present,
                "members": members,
                "presiding": getattr(presiding, "pk", None),
            },
        )
    return meeting


def presiding_set(*, meeting: Meeting, actor: Any) -> Meeting:
    """After an election at an open meeting, the new chair takes the chair."""
    require_ict(actor)
    meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
    holder = officer_on(meeting.body, Officer.Office.CHAIR, meeting.date)
    if holder is None or not meeting.attendance.filter(membership=holder, present=True).exists():
        raise ValidationError(_("出席している会長がいません。"))
    meeting.presiding = holder
    meeting.save(update_fields=["presiding", "updated_at"])
    return meeting


def vote_record(*, item: AgendaItem, membership: Membership, choice: str, actor: Any) -> Vote:
    """A member's vote on an item (第5条第3項): only members present at the open meeting whose
    term covers the meeting date; the chair (議長) does not vote but decides a tie."""
    require_ict(actor)
    meeting = Meeting.objects.select_related("body").get(pk=item.meeting_id)
    membership = Membership.objects.select_related("person").get(pk=membership.pk)
    if choice not in Vote.Choice.values:
        raise ValidationError(_("表決は賛成・反対・棄権のいずれかです。"))
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("表決は開会中の会議でだけ記録できます。"))
    if item.kind == AgendaItem.Kind.REPORT:
        raise ValidationError(_("報告事項は議決しません。"))
    if item.result:
        raise ValidationError(_("この議題の議決は終わっています。"))
    if membership.body_id != meeting.body_id:
        raise ValidationError(
            _("%(name)sさんは%(body)sの委員ではないため、表決に加われません。")
            % {"name": membership.person.name, "body": meeting.body.name}
        )
    if not membership.serves_on(meeting.date):
        raise ValidationError(
            _("%(name)sさんの任期は%(date)sの会議の時点で終わっているため、表決に加われません。")
            % {"name": membership.person.name, "date": meeting.date.isoformat()}
            if membership.term_start <= meeting.date
            else _("%(name)sさんの任期はまだ始まっていないため、表決に加われません。")
            % {"name": membership.person.name}
        )
    if not meeting.attendance.filter(membership=membership, present=True).exists():
        raise ValidationError(
            _("%(name)sさんは出席していないため、表決に加われません。")
            % {"name": membership.person.name}
        )
    if meeting.presiding_id == membership.pk:
        raise ValidationError(_("議長は表決に加わりません。可否同数のときに議長として決します。"))
    with transaction.atomic():
        vote, _created = Vote.objects.update_or_create(
            item=item,
            membership=membership,
            defaults={
                "choice": choice,
                "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit_record(
            action="plan.vote", actor=actor, obj=vote, data={"item": item.pk, "choice": choice}
        )
    return vote


def tally(item: AgendaItem) -> dict[str, int]:
    counts = {choice: 0 for choice in Vote.Choice.values}
    for choice in item.votes.values_list("choice", flat=True):
        counts[choice] += 1
    meeting = item.meeting
    present = meeting.attendance.filter(present=True).count()
    voters = present - (1 if meeting.presiding_id else 0)
    return {**counts, "voters": voters}


def item_decide(*, item: AgendaItem, actor: Any, casting_vote: str = "") -> AgendaItem:
    """第5条第3項: decided by a majority (過半数) of the members present, the chair not voting;
    on a tie (可否同数) the chair decides. A carried motion to close the meeting makes it
    non-public (第6条ただし書)."""
    require_ict(actor)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        meeting = item.meeting
        if meeting.status != Meeting.Status.OPEN:
            raise ValidationError(_("議決は開会中の会議でだけできます。"))
        if item.kind == AgendaItem.Kind.REPORT:
            raise ValidationError(_("報告事項は議決しません。"))
        if item.result:
            raise ValidationError(_("この議題の議決は終わっています。"))
        counts = tally(item)
        ayes, nays, voters = counts["aye"], counts["nay"], counts["voters"]
        if ayes + nays + counts["abstain"] == 0:
            raise ValidationError(_("表決がまだ記録されていません。"))
        cast = ""
        if ayes * 2 > voters:
            result = AgendaItem.Result.CARRIED
        elif ayes == nays:
            if meeting.presiding_id is None:
                raise ValidationError(_("可否同数ですが、決する議長がいません。"))
            if casting_vote not in (Vote.Choice.AYE, Vote.Choice.NAY):
                raise ValidationError(
                    _("可否同数（賛成%(ayes)s・反対%(nays)s）です。議長が可否を決してください。")
                    % {"ayes": ayes, "nays": nays}
                )
            cast = casting_vote
            result = (
                AgendaItem.Result.CARRIED if cast == Vote.Choice.AYE else AgendaItem.Result.REJECTED
            )
        else:
            result = AgendaItem.Result.REJECTED
        if casting_vote and not cast:
            raise ValidationError(_("可否同数ではないため、議長が決することはできません。"))
        item.result = result
        item.ayes, item.nays, item.abstentions = ayes, nays, counts["abstain"]
        item.casting_vote = cast
        item.decided_at = timezone.now()
        item.save()
        if item.kind == AgendaItem.Kind.CLOSE_MEETING and result == AgendaItem.Result.CARRIED:
            meeting.is_public = False
            meeting.closed_reason = item.description or item.title
            meeting.save(update_fields=["is_public", "closed_reason", "updated_at"])
        audit_record(
            action="plan.item_decided",
            actor=actor,
            obj=item,
            data={
                "result": result,
                "ayes": ayes,
                "nays": nays,
                "abstentions": counts["abstain"],
                "voters": voters,
                "casting_vote": cast,
            },
        )
    return item


def meeting_end(*, meeting: Meeting, actor: Any) -> Meeting:
    require_ict(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.OPEN:
            raise ValidationError(_("開会中の会議ではありません。"))
        meeting.status = Meeting.Status.ENDED
        meeting.ended_at = timezone.now()
        meeting.save(update_fields=["status", "ended_at", "updated_at"])
        audit_record(action="plan.meeting_ended", actor=actor, obj=meeting)
    return meeting


# --- minutes ------------------------------------------------------------------------------------


def minutes_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minutes_draft(*, meeting: Meeting, text: str, actor: Any) -> Minutes:
    """第7条第1項: the points of the proceedings, written by the 庶務 after the meeting; they
    can change until the first signature."""
    require_ict(actor)
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status != Meeting.Status.ENDED:
        raise ValidationError(_("議事録は閉会後に作成します。"))
    if not text.strip():
        raise ValidationError(_("議事の要点を書いてください。"))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is not None and minutes.status != Minutes.Status.DRAFT:
            raise ValidationError(_("署名が始まった議事録は直せません。"))
        if minutes is None:
            minutes = Minutes.objects.create(meeting=meeting, text=text.strip())
        else:
            minutes.text = text.strip()
            minutes.save(update_fields=["text", "updated_at"])
        audit_record(action="plan.minutes_drafted", actor=actor, obj=minutes)
    return minutes


def _acts_for(actor: Any, membership: Membership) -> bool | None:
    """True when staff act on the member's behalf, False when it is the member themselves,
    None when the actor may do neither."""
    if getattr(actor, "is_authenticated", False) and membership.person.user_id == actor.pk:
        return False
    if is_ict_staff(actor):
        return True
    return None


def minutes_name_signer(*, minutes: Minutes, membership: Membership, actor: Any) -> Minutes:
    """第7条第2項: the chair names one member to sign beside them."""
    minutes = Minutes.objects.select_related("meeting__presiding__person").get(pk=minutes.pk)
    meeting = minutes.meeting
    chair = meeting.presiding
    if chair is None:
        raise ValidationError(_("議長が記録されていない会議です。"))
    on_behalf = _acts_for(actor, chair)
    if on_behalf is None:
        raise PermissionDenied(_("署名する委員は会長が指名します。"))
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(_("署名が始まった後は、署名する委員を変えられません。"))
    if membership.body_id != meeting.body_id or not membership.serves_on(meeting.date):
        raise ValidationError(
            _("%(name)sさんは会議の日に委員ではないため、署名する委員に指名できません。")
            % {"name": membership.person.name}
        )
    if membership.pk == chair.pk:
        raise ValidationError(_("会長のほかに委員1名を指名してください。"))
    if not meeting.attendance.filter(membership=membership, present=True).exists():
        raise ValidationError(_("会議に出席した委員を指名してください。"))
    with transaction.atomic():
        minutes.named_signer = membership
        minutes.save(update_fields=["named_signer", "updated_at"])
        audit_record(
            action="plan.minutes_signer_named",
            actor=actor,
            obj=minutes,
            data={"membership": membership.pk, "on_behalf_of_chair": on_behalf},
        )
    return minutes


def minutes_sign(*, minutes: Minutes, membership: Membership, actor: Any) -> MinutesSignature:
    """An electronic signature (who, when, SHA-256 of the text) by the chair or the member the
    chair named; anyone else is refused. A member with a staff account signs themselves; for
    an outside member, the ICT department records the signature on their behalf."""
    minutes = Minutes.objects.select_related("meeting").get(pk=minutes.pk)
    meeting = minutes.meeting
    if membership.pk == meeting.presiding_id:
        role = MinutesSignature.Role.CHAIR
    elif minutes.named_signer_id is not None and membership.pk == minutes.named_signer_id:
        role = MinutesSignature.Role.NAMED
    else:
        raise ValidationError(
            _("%(name)sさんは議長でも議長が指名した委員でもないため、議事録に署名できません。")
            % {"name": membership.person.name}
        )
    on_behalf = _acts_for(actor, membership)
    if on_behalf is None:
        raise PermissionDenied(_("署名は本人か、本人に代わって情報政策課が記録します。"))
    if minutes.named_signer_id is None:
        raise ValidationError(_("先に会長が署名する委員を指名してください。"))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.status not in (Minutes.Status.DRAFT, Minutes.Status.SIGNING):
            raise ValidationError(_("この議事録の署名は終わっています。"))
        if minutes.signatures.filter(role=role).exists():
            raise ValidationError(_("既に署名しています。"))
        digest = minutes_digest(minutes.text)
        signature = MinutesSignature.objects.create(
            minutes=minutes,
            membership=membership,
            role=role,
            sha256=digest,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            on_behalf=on_behalf,
        )
        minutes.sha256 = digest
        minutes.status = (
            Minutes.Status.SIGNED if minutes.signatures.count() == 2 else Minutes.Status.SIGNING
        )
        minutes.save(update_fields=["sha256", "status", "updated_at"])
        audit_record(
            action="plan.minutes_signed",
            actor=actor,
            obj=minutes,
            data={
                "role": role,
                "membership": membership.pk,
                "sha256": digest,
                "on_behalf": on_behalf,
            },
        )
    return signature


def minutes_publish(*, minutes: Minutes, actor: Any) -> Minutes:
    """Published once both signatures cover the text as it stands. A closed meeting's minutes
    are kept (第8条): the residents' site shows only that it met, closed, and its results."""
    require_ict(actor)
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.status != Minutes.Status.SIGNED:
            raise ValidationError(_("会長と指名された委員の署名がそろってから公開します。"))
        digest = minutes_digest(minutes.text)
        if any(s.sha256 != digest for s in minutes.signatures.all()):
            raise ValidationError(_("署名の後に議事録の内容が変わっています。公開できません。"))
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
        minutes.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(action="plan.minutes_published", actor=actor, obj=minutes)
    return minutes


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
