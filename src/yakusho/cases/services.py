"""Writes of the back office: opening cases, moving them through their states, messages,
corrections, decisions with approval, issued documents and hand-offs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yakusho.accounts.models import Role
from yakusho.accounts.selectors import staff_scope
from yakusho.core.audit import audit_record
from yakusho.core.inserts import insert
from yakusho.core.japanese.calendar import add_business_days, business_days_between
from yakusho.core.japanese.kana import search_key
from yakusho.core.models import Department
from yakusho.core.services import email_queue

from .models import (
    CLOSED_STATES,
    AnswerVersion,
    Case,
    CaseEvent,
    Correction,
    Decision,
    DocumentTemplate,
    HandoffDelivery,
    HandoffTarget,
    Message,
    State,
)

# The moves staff may make by hand. Decisions (承認/却下) come only from an issued decision;
# a correction request and the resident's answer move into and out of 補正依頼中.
TRANSITIONS: dict[str, set[str]] = {
    State.RECEIVED: {State.REVIEWING, State.WITHDRAWN},
    State.REVIEWING: {State.RECEIVED, State.WITHDRAWN},
    State.CORRECTION: {State.REVIEWING, State.WITHDRAWN},
    State.APPROVED: {State.COMPLETED},
    State.REJECTED: {State.COMPLETED},
    State.COMPLETED: set(),
    State.WITHDRAWN: set(),
}


class Conflict(Exception):
    """Someone else changed the case since this page was loaded."""

    message = _(
        "ほかの職員が先にこの案件を更新しました。画面を読み込み直して、内容を確かめてからもう一度操作してください。"
    )


class IllegalTransition(Exception):
    def __init__(self, from_state: str, to_state: str):
        self.message = _("「%(from)s」から「%(to)s」には変えられません。") % {
            "from": State(from_state).label,
            "to": State(to_state).label if to_state in State.values else to_state,
        }
        super().__init__(self.message)


def _event(case: Case, kind: str, actor: Any, **fields: Any) -> CaseEvent:
    return insert(
        CaseEvent(
            case=case,
            kind=kind,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
    )


def _require_department(case: Case, actor: Any, *roles: str) -> None:
    if case.department_id not in staff_scope(actor).department_ids(*roles):
        raise PermissionDenied


# --- opening --------------------------------------------------------------------------------


def case_open(*, submission: Any, handoff_targets: list[HandoffTarget]) -> Case:
    """Open the case of a new submission, in the procedure's department, with its deadline.
    Runs inside the submission's transaction; hand-offs leave after it commits, to the
    procedure's active targets, which the caller read before its transaction."""
    from .handoff import enqueue_deliveries

    procedure = submission.procedure
    received = timezone.localtime(submission.submitted_at).date()
    case = Case(
        submission=submission,
        procedure=procedure,
        department_id=procedure.department_id,
        receipt_number=submission.receipt_number,
        applicant_name=submission.applicant_name,
        applicant_key=search_key(submission.applicant_kana)
        + " "
        + "".join(submission.applicant_name.split()),
        received_at=submission.submitted_at,
        due_date=add_business_days(received, procedure.processing_days),
        staff_assisted=submission.staff_assisted,
    )
    # New rows through prepared statements: on SQLite they are written inside the single
    # write lock, one send at a time (core.inserts).
    insert(case)
    insert(AnswerVersion(case=case, number=1, answers=submission.answers))
    _event(case, "opened", None, to_state=State.RECEIVED)
    deliveries = [
        HandoffDelivery(case=case, target=target, next_attempt_at=timezone.now())
        for target in handoff_targets
    ]
    HandoffDelivery.objects.bulk_create(deliveries)
    if deliveries:
        transaction.on_commit(
            lambda: enqueue_deliveries([d.pk for d in HandoffDelivery.objects.filter(case=case)])
        )
    return case


# --- moving -----------------------------------------------------------------------------------


def _move(
    case: Case,
    to_state: str,
    *,
    revision: int | None,
    actor: Any,
    kind: str,
    note: str = "",
    data: dict | None = None,
) -> Case:
    """Change the state under optimistic concurrency, keep the submission's status in step,
    record the event, audit it and tell the resident."""
    today = timezone.localdate()
    updates: dict[str, Any] = {
        "state": to_state,
        "revision": F("revision") + 1,
        "updated_at": timezone.now(),
    }
    if case.state == State.CORRECTION and to_state != State.CORRECTION and case.paused_since:
        # The deadline does not run while the resident is fixing their application.
        paused = business_days_between(case.paused_since, today)
        if case.due_date:
            updates["due_date"] = add_business_days(case.due_date, paused)
        updates["paused_since"] = None
    if to_state == State.CORRECTION:
        updates["paused_since"] = today
    if to_state in (State.APPROVED, State.REJECTED):
        updates["decided_at"] = timezone.now()
    if to_state in CLOSED_STATES:
        updates["closed_at"] = timezone.now()
    query = Case.objects.filter(pk=case.pk)
    if revision is not None:
        query = query.filter(revision=revision)
    if not query.update(**updates):
        raise Conflict
    from_state = case.state
    case.refresh_from_db()
    submission = case.submission
    submission.status = to_state
    submission.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    if to_state in CLOSED_STATES:
        submission.purge_after = today + dt.timedelta(days=case.procedure.retention_days)
        fields.append("purge_after")
    submission.save(update_fields=fields)
    _event(case, kind, actor, from_state=from_state, to_state=to_state, note=note, data=data or {})
    audit_record(
        action="case.transition",
        actor=actor,
        obj=case,
        data={"from": from_state, "to": to_state, "kind": kind},
    )
    transaction.on_commit(lambda: _notify_status(case.pk, to_state))
    return case


def case_transition(
    *, case: Case, to_state: str, actor: Any, revision: int, note: str = ""
) -> Case:
    """A move from the table of allowed moves, by staff of the case's department."""
    _require_department(case, actor)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("submission", "procedure")
            .get(pk=case.pk)
        )
        if to_state in TRANSITIONS.get(case.state, set()):
            return _move(
                case, to_state, revision=revision, actor=actor, kind="transition", note=note
            )
    # Outside the transaction, so the record of a refused (perhaps crafted) request stays.
    audit_record(
        action="case.transition_refused",
        actor=actor,
        obj=case,
        data={"from": case.state, "to": to_state},
    )
    raise IllegalTransition(case.state, to_state)


def case_assign(*, case: Case, assignee: Any, actor: Any, revision: int | None) -> Case:
    _require_department(case, actor)
    if assignee is not None and case.department_id not in staff_scope(assignee).department_ids():
        raise ValidationError(_("この課の案件を担当できない職員です。"))
    with transaction.atomic():
        query = Case.objects.filter(pk=case.pk)
        if revision is not None:
            query = query.filter(revision=revision)
        if not query.update(
            assignee=assignee, revision=F("revision") + 1, updated_at=timezone.now()
        ):
            raise Conflict
        case.refresh_from_db()
        _event(case, "assigned", actor, data={"assignee": assignee.pk if assignee else None})
        audit_record(
            action="case.assign",
            actor=actor,
            obj=case,
            data={"assignee": assignee.pk if assignee else None},
        )
    return case


def cases_bulk(
    *,
    cases: list[Case],
    actor: Any,
    assignee: Any = None,
    to_state: str = "",
    unassign: bool = False,
) -> tuple[int, list[str]]:
    """Assign or move many cases; returns (done, receipt numbers refused with a reason)."""
    done, refused = 0, []
    for case in cases:
        try:
            if to_state:
                case_transition(case=case, to_state=to_state, actor=actor, revision=None)
            else:
                case_assign(
                    case=case, assignee=None if unassign else assignee, actor=actor, revision=None
                )
            done += 1
        except (IllegalTransition, ValidationError, PermissionDenied, Conflict):
            refused.append(case.receipt_number)
    return done, refused


# --- messages and corrections -----------------------------------------------------------------


def message_send(*, case: Case, body: str, actor: Any) -> Message:
    _require_department(case, actor)
    with transaction.atomic():
        message = Message.objects.create(
            case=case, direction=Message.Direction.TO_RESIDENT, author=actor, body=body
        )
        _event(case, "message", actor, note=body[:500])
        audit_record(action="case.message", actor=actor, obj=case)
        transaction.on_commit(lambda: _notify_message(message.pk))
    return message


def message_from_resident(*, case: Case, body: str, user: Any) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            case=case, direction=Message.Direction.FROM_RESIDENT, author=user, body=body
        )
        _event(case, "reply", user, note=body[:500])
    return message


def correction_request(
    *, case: Case, fields: list[str], message: str, actor: Any, revision: int
) -> Correction:
    """補正依頼: name the fields to fix; the case waits (its deadline paused) for the answer."""
    from yakusho.procedures.engine import FormDefinition

    _require_department(case, actor)
    definition = FormDefinition.parse(case.submission.version.definition)
    unknown = [
        f
        for f in fields
        if f not in definition.fields or definition.fields[f].type in ("info", "file")
    ]
    if not fields or unknown:
        raise ValidationError(_("直してもらう項目を選んでください。"))
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("submission", "procedure")
            .get(pk=case.pk)
        )
        if case.state not in (State.RECEIVED, State.REVIEWING):
            raise IllegalTransition(case.state, State.CORRECTION)
        correction = Correction.objects.create(
            case=case, fields=fields, message=message, requested_by=actor
        )
        Message.objects.create(
            case=case, direction=Message.Direction.TO_RESIDENT, author=actor, body=message
        )
        _move(
            case,
            State.CORRECTION,
            revision=revision,
            actor=actor,
            kind="correction_requested",
            note=message[:500],
            data={"fields": fields},
        )
    return correction


class CorrectionClosed(Exception):
    message = _("この申請は取り下げられたか、すでに処理が終わっているため、補正できません。")


def correction_answer(*, case: Case, answers: dict[str, Any], user: Any) -> AnswerVersion:
    """The resident sends the fixed fields: a new version of the answers, back to 審査中."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("submission", "procedure")
            .get(pk=case.pk)
        )
        correction = case.corrections.filter(
            answered_at__isnull=True, cancelled_at__isnull=True
        ).first()
        if case.state != State.CORRECTION or correction is None:
            raise CorrectionClosed
        changed = {k: v for k, v in answers.items() if k in correction.fields}
        submission = case.submission
        submission.answers = {**submission.answers, **changed}
        submission.save(update_fields=["answers", "updated_at"])
        number = (
            case.answer_versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = AnswerVersion.objects.create(
            case=case, number=number, answers=submission.answers, correction=correction
        )
        correction.answered_at = timezone.now()
        correction.save(update_fields=["answered_at", "updated_at"])
        audit_record(
            action="case.corrected", actor=user, obj=case, data={"fields": sorted(changed)}
        )
        _move(
            case,
            State.REVIEWING,
            revision=None,
            actor=user,
            kind="corrected",
            data={"fields": sorted(changed), "version": number},
        )
    return version


# --- decisions and documents ------------------------------------------------------------------


def decision_draft(*, case: Case, outcome: str, reason: str, actor: Any, revision: int) -> Decision:
    """担当 proposes 承認 or 却下. Where the procedure's document needs 決裁, it waits for an
    approver; otherwise the document is issued at once."""
    _require_department(case, actor)
    if outcome not in Decision.Outcome.values:
        raise ValidationError(_("決定の内容を選んでください。"))
    if outcome == Decision.Outcome.REJECTED and not reason.strip():
        raise ValidationError(_("却下する理由を書いてください。"))
    kind = (
        DocumentTemplate.Kind.APPROVAL
        if outcome == Decision.Outcome.APPROVED
        else DocumentTemplate.Kind.REJECTION
    )
    template = case.procedure.document_templates.filter(kind=kind).first()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("submission", "procedure", "department")
            .get(pk=case.pk)
        )
        if case.revision != revision:
            raise Conflict
        if case.state not in (State.RECEIVED, State.REVIEWING):
            raise IllegalTransition(case.state, outcome)
        if case.decisions.filter(stage=Decision.Stage.AWAITING_APPROVAL).exists():
            raise ValidationError(_("決裁待ちの決定がすでにあります。"))
        needs_approval = template.requires_approval if template else True
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            reason=reason,
            drafted_by=actor,
            stage=Decision.Stage.AWAITING_APPROVAL,
        )
        _event(case, "decision_drafted", actor, note=reason[:500], data={"outcome": outcome})
        audit_record(
            action="case.decision_drafted", actor=actor, obj=case, data={"outcome": outcome}
        )
        Case.objects.filter(pk=case.pk).update(revision=F("revision") + 1)
        if not needs_approval:
            return _issue(decision, approver=actor)
    return decision


def decision_approve(*, decision: Decision, approver: Any, comment: str = "") -> Decision:
    """決裁: a 決裁者 or 所属長 of the department approves, and the document is issued."""
    case = decision.case
    _require_department(case, approver, Role.KESSAI, Role.SHOZOKUCHO)
    if decision.drafted_by_id == approver.pk:
        raise PermissionDenied(_("起案した職員は、自分の決定を決裁できません。"))
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("case").get(pk=decision.pk)
        if decision.stage != Decision.Stage.AWAITING_APPROVAL:
            raise Conflict
        decision.comment = comment
        return _issue(decision, approver=approver)


def decision_send_back(*, decision: Decision, approver: Any, comment: str) -> Decision:
    case = decision.case
    _require_department(case, approver, Role.KESSAI, Role.SHOZOKUCHO)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.stage != Decision.Stage.AWAITING_APPROVAL:
            raise Conflict
        decision.stage, decision.comment = Decision.Stage.SENT_BACK, comment
        decision.save(update_fields=["stage", "comment", "updated_at"])
        _event(case, "decision_sent_back", approver, note=comment[:500])
        audit_record(action="case.decision_sent_back", actor=approver, obj=case)
        Case.objects.filter(pk=case.pk).update(revision=F("revision") + 1)
    return decision


def _issue(decision: Decision, *, approver: Any) -> Decision:
    from .documents import issue_document

    case = Case.objects.select_related("submission", "procedure", "department").get(
        pk=decision.case_id
    )
    decision.stage = Decision.Stage.ISSUED
    decision.approved_by, decision.approved_at = approver, timezone.now()
    decision.save(update_fields=["stage", "approved_by", "approved_at", "comment", "updated_at"])
    document = issue_document(case=case, decision=decision, actor=approver)
    to_state = State.APPROVED if decision.outcome == Decision.Outcome.APPROVED else State.REJECTED
    _move(
        case,
        to_state,
        revision=None,
        actor=approver,
        kind="decided",
        data={"outcome": decision.outcome, "document": document.number},
    )
    audit_record(
        action="case.document_issued", actor=approver, obj=case, data={"number": document.number}
    )
    return decision


# --- the resident's side ------------------------------------------------------------------------


def case_withdrawn_by_resident(*, submission: Any, user: Any) -> None:
    """Called when the resident withdraws: the case follows."""
    case = Case.objects.filter(submission=submission).first()
    if case is None or case.state in CLOSED_STATES:
        return
    case.corrections.filter(answered_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    _move(case, State.WITHDRAWN, revision=None, actor=user, kind="withdrawn")


def case_payment_note(*, submission: Any, note: str) -> None:
    """The payments app reports a fee paid or lapsed; the case's history shows it."""
    case = Case.objects.filter(submission=submission).first()
    if case is not None:
        _event(case, "payment", None, note=note)


# --- notifications ----------------------------------------------------------------------------


def _resident_url(case: Case) -> str:
    from django.conf import settings

    with translation.override(case.submission.language):
        return settings.SITE_URL + reverse("procedures:submission", args=[case.receipt_number])


def _notify_status(case_id: int, state: str) -> None:
    from yakusho.procedures.selectors import localized, status_text

    case = Case.objects.select_related("submission", "procedure").get(pk=case_id)
    submission = case.submission
    if not submission.email or state == State.RECEIVED:
        return
    with translation.override(submission.language):
        name = localized(case.procedure, "name").text
        subject = _("【%(procedure)s】申請の状態が変わりました（受付番号 %(number)s）") % {
            "procedure": name,
            "number": case.receipt_number,
        }
        body = _(
            "申請の状態が「%(status)s」になりました。\n%(text)s\n\n詳しくは次のページをご覧ください。\n%(url)s\n"
        ) % {
            "status": State(state).label,
            "text": status_text(submission),
            "url": _resident_url(case),
        }
    email_queue(
        key=f"case-status:{case.pk}:{case.revision}:{state}",
        to=submission.email,
        subject=subject,
        body=body,
    )


def _notify_message(message_id: int) -> None:
    from yakusho.procedures.selectors import localized

    message = Message.objects.select_related("case__submission", "case__procedure").get(
        pk=message_id
    )
    case, submission = message.case, message.case.submission
    if not submission.email:
        return
    with translation.override(submission.language):
        subject = _("【%(procedure)s】市からお知らせがあります（受付番号 %(number)s）") % {
            "procedure": localized(case.procedure, "name").text,
            "number": case.receipt_number,
        }
        body = _(
            "申請について、市からお知らせがあります。内容は次のページでご確認ください。\n%(url)s\n"
        ) % {"url": _resident_url(case)}
    email_queue(key=f"case-message:{message.pk}", to=submission.email, subject=subject, body=body)


# --- the daily digest -----------------------------------------------------------------------


def digests_send() -> int:
    today = timezone.localdate()
    sent = 0
    for department in Department.objects.exclude(email="").filter(is_active=True):
        from .selectors import queue_counts

        counts = queue_counts(
            department_ids=[department.pk], today=today, soon=add_business_days(today, 3)
        )
        if not any(counts.values()):
            continue
        with translation.override("ja"):
            subject = _("【yakusho】%(department)s の案件（%(date)s）") % {
                "department": department.name,
                "date": today.isoformat(),
            }
            body = (
                _(
                    "新しい案件：%(new)d件\n処理中：%(open)d件\n期限切れ：%(overdue)d件\n3開庁日以内に期限：%(soon)d件\n"
                )
                % counts
            )
        email_queue(
            key=f"digest:{department.pk}:{today.isoformat()}",
            to=department.email,
            subject=subject,
            body=body,
        )
        sent += 1
    return sent
