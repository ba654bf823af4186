"""Casework through the office's pages, as staff click through it, and the resident's side."""

import pytest

from yakusho.cases.models import Case, State
from yakusho.core.models import AuditRecord
from yakusho.core.signing import verify_pdf

pytestmark = pytest.mark.django_db


def test_find_correct_decide_approve_and_the_resident_downloads_the_signed_pdf(
    submit, tanto, kessai, resident, staff_client, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    submission = submit(children=2)
    case = submission.case
    office = staff_client(tanto)
    queue = office.get("/ja/office/cases/").content.decode()
    assert case.receipt_number in queue
    assert AuditRecord.objects.filter(action="case.list", actor_id=tanto.pk).exists()
    page = office.get(f"/ja/office/cases/{case.pk}/").content.decode()
    assert "ハダノ タロウ" in page
    assert AuditRecord.objects.filter(action="case.view", object_id=str(case.pk)).exists()
    office.post(
        f"/ja/office/cases/{case.pk}/correction/",
        {
            "revision": case.revision,
            "fields_": ["children"],
            "message": "子の人数を確かめてください。",
        },
    )
    case.refresh_from_db()
    assert case.state == State.CORRECTION
    # The resident fixes only that field from their submission page.
    client.force_login(resident)
    mine = client.get(f"/ja/submissions/{submission.receipt_number}/").content.decode()
    assert "子の人数を確かめてください。" in mine
    assert 'name="children"' in mine
    assert 'name="note"' not in mine
    client.post(
        f"/ja/submissions/{submission.receipt_number}/", {"correction": "1", "children": "3"}
    )
    case.refresh_from_db()
    assert case.state == State.REVIEWING
    page = office.get(f"/ja/office/cases/{case.pk}/").content.decode()
    assert "<del>2</del>" in page
    assert "<ins>3</ins>" in page
    office.post(
        f"/ja/office/cases/{case.pk}/decision/",
        {"revision": case.revision, "outcome": "approved", "reason": "要件を満たしています。"},
    )
    decision = case.decisions.get()
    approver = staff_client(kessai)
    approver.post(f"/ja/office/cases/{case.pk}/decisions/{decision.pk}/", {"action": "approve"})
    case.refresh_from_db()
    assert case.state == State.APPROVED
    document = case.documents.get()
    mine = client.get(f"/ja/submissions/{submission.receipt_number}/").content.decode()
    assert document.number in mine
    pdf = b"".join(
        client.get(
            f"/ja/submissions/{submission.receipt_number}/documents/{document.pk}.pdf"
        ).streaming_content
    )
    assert verify_pdf(pdf).valid
    # Anyone can check it on the public page.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    result = (
        Client()
        .post("/ja/documents/verify/", {"file": SimpleUploadedFile("n.pdf", pdf)})
        .content.decode()
    )
    assert "本物です" in result
    assert document.number in result
    forged = Client().post(
        "/ja/documents/verify/",
        {"file": SimpleUploadedFile("n.pdf", pdf.replace(b"/Title", b"/Titlx", 1))},
    )
    assert "確かめられませんでした" in forged.content.decode()


def test_crafted_illegal_transition_is_refused_and_audited(submit, tanto, staff_client):
    case = submit().case
    office = staff_client(tanto)
    page = office.post(
        f"/ja/office/cases/{case.pk}/transition/",
        {"revision": case.revision, "to_state": "approved"},
        follow=True,
    ).content.decode()
    assert "には変えられません" in page
    assert AuditRecord.objects.filter(action="case.transition_refused").exists()
    case.refresh_from_db()
    assert case.state == State.RECEIVED


def test_two_staff_at_once_the_second_is_told(submit, tanto, kodomo, staff_client):
    from yakusho.accounts.models import Role

    from ..factories import StaffFactory, assign

    other = StaffFactory()
    assign(other, kodomo, Role.TANTO)
    case = submit().case
    first, second = staff_client(tanto), staff_client(other)
    revision = case.revision
    first.post(f"/ja/office/cases/{case.pk}/assign/", {"revision": revision, "assignee": "me"})
    page = second.post(
        f"/ja/office/cases/{case.pk}/transition/",
        {"revision": revision, "to_state": "reviewing"},
        follow=True,
    ).content.decode()
    assert "ほかの職員が先に" in page
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.RECEIVED, tanto)


def test_bulk_assign_asks_for_confirmation(submit, tanto, staff_client):
    cases = [submit().case for _ in range(3)]
    office = staff_client(tanto)
    ids = [c.pk for c in cases]
    confirm = office.post(
        "/ja/office/cases/bulk/", {"cases": ids, "action": "assign", "assignee": tanto.pk}
    )
    assert "まとめて変更してよいですか" in confirm.content.decode()
    assert not Case.objects.filter(assignee=tanto).exists()
    office.post(
        "/ja/office/cases/bulk/",
        {"cases": ids, "action": "assign", "assignee": tanto.pk, "confirm": "1"},
    )
    assert Case.objects.filter(assignee=tanto).count() == 3


def test_another_departments_case_is_404(submit, staff_client):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    outsider = StaffFactory()
    assign(
        outsider, Department.objects.create(code="kankyo", name="環境課", level="bu"), Role.TANTO
    )
    case = submit().case
    office = staff_client(outsider)
    assert office.get(f"/ja/office/cases/{case.pk}/").status_code == 404
    assert case.receipt_number not in office.get("/ja/office/cases/").content.decode()


def test_counter_mode_is_marked_and_audited(procedure, tanto, staff_client):
    from ..factories import resident_record

    record = resident_record(atena_number="880001")
    office = staff_client(tanto)
    response = office.post(
        f"/ja/office/counter/residents/{record.pk}/apply/", {"procedure": procedure.code}
    )
    step_url = response["Location"]
    page = office.get(step_url).content.decode()
    assert "秦野 太郎" in page  # from the registry
    response = office.post(
        step_url,
        {"applicant__name": "秦野 太郎", "applicant__kana": "ハダノ タロウ", "children": "1"},
    )
    check_url = response["Location"]
    screen = office.get(check_url + "?screen=resident").content.decode()
    assert "申請内容のご確認" in screen
    page = office.post(check_url, {}, follow=True).content.decode()
    assert "チェックを入れてください" in page
    response = office.post(check_url, {"confirmed": "on"})
    case = Case.objects.get()
    assert response["Location"] == f"/ja/office/cases/{case.pk}/"
    assert case.staff_assisted
    assert case.submission.staff_assisted
    assert AuditRecord.objects.filter(action="counter.start", object_id=str(record.pk)).exists()
    record_audit = AuditRecord.objects.get(action="submission.create")
    assert record_audit.actor_id == tanto.pk
    assert record_audit.data["staff_assisted"] is True


def test_counter_for_another_departments_procedure_returns_to_the_resident(procedure, staff_client):
    """The 戸籍住民課 counter takes a こども政策課 application: it is sent, and the member of
    staff, who may not open that department's cases, goes back to the resident."""
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign, resident_record

    madoguchi = StaffFactory()
    koseki = Department.objects.create(code="koseki", name="戸籍住民課", level="bu")
    assign(madoguchi, koseki, Role.TANTO)
    record = resident_record(atena_number="880002")
    office = staff_client(madoguchi)
    step_url = office.post(
        f"/ja/office/counter/residents/{record.pk}/apply/", {"procedure": procedure.code}
    )["Location"]
    check_url = office.post(
        step_url,
        {"applicant__name": "秦野 太郎", "applicant__kana": "ハダノ タロウ", "children": "1"},
    )["Location"]
    response = office.post(check_url, {"confirmed": "on"}, follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"/ja/office/counter/residents/{record.pk}/apply/"
    assert case.receipt_number in response.content.decode()
    assert office.get(f"/ja/office/cases/{case.pk}/").status_code == 404


def test_department_heads_see_statistics(submit, kodomo, staff_client):
    from yakusho.accounts.models import Role

    from ..factories import StaffFactory, assign

    head = StaffFactory()
    assign(head, kodomo, Role.SHOZOKUCHO)
    submit()
    page = staff_client(head).get("/ja/office/cases/stats/").content.decode()
    assert "児童手当" in page
    assert "100%" in page
