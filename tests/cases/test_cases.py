"""Cases: opened with every submission, moved by the table of allowed moves, corrected,
decided, approved, documented and signed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yakusho.cases import services
from yakusho.cases.models import Case, CaseEvent, Decision, State
from yakusho.cases.selectors import QueueFilters, answer_diff, procedure_stats, queue
from yakusho.core.audit import audit_verify
from yakusho.core.japanese.calendar import add_business_days
from yakusho.core.models import AuditRecord
from yakusho.core.signing import verify_pdf

pytestmark = pytest.mark.django_db


def test_every_submission_opens_a_case_with_its_deadline(submit):
    submission = submit()
    case = submission.case
    assert case.department.code == "kodomo"
    assert case.state == State.RECEIVED
    received = timezone.localtime(submission.submitted_at).date()
    assert case.due_date == add_business_days(received, 10)
    assert case.answer_versions.get().answers == submission.answers
    assert CaseEvent.objects.filter(case=case, kind="opened").exists()


def test_allowed_moves_only_and_refusals_are_audited(submit, tanto):
    case = submit().case
    case = services.case_transition(
        case=case, to_state=State.REVIEWING, actor=tanto, revision=case.revision
    )
    assert case.submission.status == State.REVIEWING
    with pytest.raises(services.IllegalTransition):
        services.case_transition(
            case=case, to_state=State.APPROVED, actor=tanto, revision=case.revision
        )
    assert AuditRecord.objects.filter(action="case.transition_refused").exists()


def test_second_change_from_a_stale_page_is_a_conflict(submit, tanto, kodomo):
    from yakusho.accounts.models import Role

    from ..factories import StaffFactory, assign

    other = StaffFactory()
    assign(other, kodomo, Role.TANTO)
    case = submit().case
    seen = case.revision  # both opened the page now
    services.case_assign(case=case, assignee=tanto, actor=tanto, revision=seen)
    with pytest.raises(services.Conflict):
        services.case_transition(case=case, to_state=State.REVIEWING, actor=other, revision=seen)
    case.refresh_from_db()
    assert case.state == State.RECEIVED
    assert case.assignee == tanto


def test_other_departments_cannot_touch_a_case(submit):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    outsider = StaffFactory()
    assign(
        outsider,
        Department.objects.create(code="kankyo", name="環境課", level="bu"),
        Role.SHOZOKUCHO,
    )
    case = submit().case
    with pytest.raises(PermissionDenied):
        services.case_transition(
            case=case, to_state=State.REVIEWING, actor=outsider, revision=case.revision
        )
    assert not queue(outsider, QueueFilters()).exists()


def test_correction_pauses_the_deadline_and_keeps_both_versions(submit, tanto, resident):
    case = submit(children=2).case
    due = case.due_date
    services.correction_request(
        case=case,
        fields=["children"],
        message="人数を確かめてください。",
        actor=tanto,
        revision=case.revision,
    )
    case.refresh_from_db()
    assert case.state == State.CORRECTION
    assert case.paused_since == timezone.localdate()
    Case.objects.filter(pk=case.pk).update(paused_since=timezone.localdate() - dt.timedelta(days=7))
    case.refresh_from_db()
    services.correction_answer(case=case, answers={"children": 3, "note": "ignored"}, user=resident)
    case.refresh_from_db()
    assert case.state == State.REVIEWING
    assert case.due_date > due  # pushed back by the business days it waited
    assert case.submission.answers["children"] == 3
    assert case.submission.answers["note"] == ""  # only the named fields change
    older, newer = case.answer_versions.all()
    [change] = answer_diff(case, older, newer)
    assert (change.label, change.before, change.after) == ("子の人数", "2", "3")


def test_correction_after_withdrawal_is_refused(submit, tanto, resident):
    from yakusho.procedures.services import submission_withdraw

    submission = submit()
    case = submission.case
    services.correction_request(
        case=case, fields=["children"], message="確認", actor=tanto, revision=case.revision
    )
    submission_withdraw(submission=submission, user=resident)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    with pytest.raises(services.CorrectionClosed):
        services.correction_answer(case=case, answers={"children": 1}, user=resident)


def test_decision_needs_another_approver_and_issues_a_signed_pdf(submit, tanto, kessai):
    case = submit().case
    decision = services.decision_draft(
        case=case,
        outcome=Decision.Outcome.APPROVED,
        reason="要件を満たしています。",
        actor=tanto,
        revision=case.revision,
    )
    assert decision.stage == Decision.Stage.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=decision, approver=tanto)  # a caseworker cannot approve
    services.decision_approve(decision=decision, approver=kessai, comment="了")
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert case.submission.status == State.APPROVED
    document = case.documents.get()
    assert document.number.endswith("第1号")
    pdf = document.file.read()
    checked = verify_pdf(pdf)
    assert checked.valid
    assert checked.trusted
    assert checked.intact
    tampered = pdf.replace(b"/Title", b"/Titlx", 1)
    assert not verify_pdf(tampered).valid
    second = submit().case
    services.decision_draft(
        case=second,
        outcome=Decision.Outcome.REJECTED,
        reason="所得が基準を超えています。",
        actor=tanto,
        revision=second.revision,
    )
    services.decision_approve(decision=second.decisions.get(), approver=kessai)
    assert second.documents.get().number.endswith("第2号")
    assert audit_verify().ok


def test_rejection_needs_a_reason(submit, tanto):
    from django.core.exceptions import ValidationError

    case = submit().case
    with pytest.raises(ValidationError):
        services.decision_draft(
            case=case, outcome="rejected", reason=" ", actor=tanto, revision=case.revision
        )


def test_send_back_then_redraft(submit, tanto, kessai):
    case = submit().case
    decision = services.decision_draft(
        case=case, outcome="approved", reason="", actor=tanto, revision=case.revision
    )
    services.decision_send_back(
        decision=decision, approver=kessai, comment="添付を確認してください"
    )
    case.refresh_from_db()
    assert case.state == State.RECEIVED
    services.decision_draft(
        case=case, outcome="approved", reason="確認済み", actor=tanto, revision=case.revision
    )


def test_template_with_a_missing_answer_blocks_publishing(procedure):
    from yakusho.cases.models import DocumentTemplate
    from yakusho.procedures import services as procedure_services
    from yakusho.procedures.engine import DefinitionError

    from .conftest import FORM

    DocumentTemplate.objects.create(
        procedure=procedure,
        kind="approval",
        title="決定通知書",
        body="子の人数：{{回答:children}}、配偶者：{{回答:spouse}}",
    )
    version = procedure_services.form_version_save(procedure=procedure, definition=FORM)
    with pytest.raises(DefinitionError) as info:
        procedure_services.form_version_publish(version=version)
    assert "spouse" in str(info.value)


def test_queue_filters_search_and_sort(submit, tanto):
    first, second = submit().case, submit().case
    services.case_assign(case=second, assignee=tanto, actor=tanto, revision=second.revision)
    assert list(queue(tanto, QueueFilters(assignee="me"))) == [second]
    assert list(queue(tanto, QueueFilters(q=first.receipt_number.lower()))) == [first]
    assert set(queue(tanto, QueueFilters(q="ﾊﾀﾞﾉ"))) == {first, second}
    assert set(queue(tanto, QueueFilters(q="秦野 太郎"))) == {first, second}
    Case.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    assert list(queue(tanto, QueueFilters(overdue=True))) == [first]


def test_stats_per_month(submit, tanto, kessai):
    case = submit().case
    services.decision_draft(
        case=case, outcome="approved", reason="", actor=tanto, revision=case.revision
    )
    services.decision_approve(decision=case.decisions.get(), approver=kessai)
    submit()
    [month] = procedure_stats(case.procedure_id)
    assert month.received == 2
    assert month.online == 2
    assert month.median_days is not None
