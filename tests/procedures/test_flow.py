"""A resident's journey: start, prefilled steps, save and resume, check, submit once, track."""

import html
import json
import re

import pytest
from django.core import mail

from yakusho.core.models import AuditRecord
from yakusho.procedures.models import Draft, Submission
from yakusho.procedures.receipt import normalize_receipt_number

from ..factories import UserFactory, resident_record
from .sample_definitions import BENEFIT, COPIES, MARKED

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    me = resident_record(atena_number="700001", household_number="H7")
    resident_record(
        atena_number="700002",
        household_number="H7",
        name="秦野 花子",
        name_kana="ハダノ ハナコ",
        relation="妻",
    )
    user = UserFactory(username="taro@example.jp", assurance="verified", resident=me)
    client.force_login(user)
    return user


def _start(client, procedure):
    response = client.post(f"/ja/procedures/{procedure.code}/start/")
    assert response.status_code == 302
    key = re.search(r"/apply/([0-9a-f-]+)/", response["Location"]).group(1)
    return key, response["Location"]


def test_verified_resident_sees_registry_values_locked_and_marked(client, resident, make_procedure):
    procedure = make_procedure(BENEFIT)
    _key, first = _start(client, procedure)
    page = client.get(first).content.decode()
    assert "秦野 太郎" in page
    assert "住民記録から" in page
    assert 'name="applicant__name"' not in page  # registry-bound: shown, not editable
    assert 'value="0463' not in page
    assert 'name="home__postal_code" value="257-0015"' in page or "257-0015" in page


def test_fields_always_required_are_marked_before_the_resident_sends(client, make_procedure):
    procedure = make_procedure(MARKED, code="inu", identity_level="none")
    _key, first = _start(client, procedure)
    page = client.get(first).content.decode()
    marker = '<span class="required">必須</span>'
    assert f'for="id_dog">犬の名前 {marker}</label>' in page
    assert f"<legend>届出の種類 {marker}</legend>" in page
    assert 'for="id_tag">鑑札の番号</label>' in page  # optional
    assert page.count(marker) == 2
    english = client.get(first.replace("/ja/", "/en/")).content.decode()
    assert english.count('<span class="required">Required</span>') == 2


def _required_marker(page: str, field_id: str) -> dict | None:
    """The 必須 marker in a field's label: its attributes, or None when there is none."""
    label = re.search(rf'<label class="label" for="{field_id}">(.*?)</label>', page).group(1)
    marker = re.search(r'<span class="required"(.*?)>必須</span>', label)
    if marker is None:
        return None
    rule = re.search(r'data-required-if="([^"]*)"', marker.group(1))
    return {
        "rule": json.loads(html.unescape(rule.group(1))) if rule else None,
        "hidden": " hidden" in marker.group(1),
    }


def test_fields_required_by_other_answers_are_marked_when_those_answers_say_so(
    client, make_procedure
):
    procedure = make_procedure(MARKED, code="inu", identity_level="none")
    key, first = _start(client, procedure)
    moving = f"/ja/apply/{key}/moving/"
    # Required when 届出の種類 on the same page is 転出: the page's script shows the marker as
    # the resident chooses; before any answer it is hidden.
    rule = {"field": "kind", "equals": "move"}
    page = client.get(first).content.decode()
    assert _required_marker(page, "id_reason") == {"rule": rule, "hidden": True}
    assert _required_marker(page, "id_tag") is None

    response = client.post(first, {"dog": "ポチ", "kind": "move", "reason": "引っ越し"})
    assert response.status_code == 302
    # An earlier page's answer decides: the server marks the field, no script needed.
    page = client.get(moving).content.decode()
    assert _required_marker(page, "id_new_address") == {"rule": None, "hidden": False}
    # Back on the first page, the saved answer already holds.
    page = client.get(first).content.decode()
    assert _required_marker(page, "id_reason") == {"rule": rule, "hidden": False}

    client.post(first, {"dog": "ポチ", "kind": "death"})
    assert _required_marker(client.get(moving).content.decode(), "id_new_address") is None

    # Sent with a problem, the page comes back marked as the sent answers require — also for
    # a browser without JavaScript.
    page = client.post(first, {"dog": "ポチ", "kind": "move"}).content.decode()
    assert "理由：入力してください。" in page
    assert _required_marker(page, "id_reason") == {"rule": rule, "hidden": False}
    page = client.post(first, {"kind": "death"}).content.decode()
    assert "犬の名前：入力してください。" in page
    assert _required_marker(page, "id_reason") == {"rule": rule, "hidden": True}


def test_tampering_with_a_registry_bound_field_changes_nothing(client, resident, make_procedure):
    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    client.post(
        first,
        {
            "applicant__name": "別人 です",
            "applicant__kana": "ベツジン",
            "birth_date_era": "S",
            "birth_date_year": "60",
            "birth_date_month": "4",
            "birth_date_day": "12",
            "home__postal_code": "257-0015",
            "home__address": "神奈川県秦野市平沢1234-5",
            "phone": "0463-82-5111",
            "email": "taro@example.jp",
        },
    )
    draft = Draft.objects.get(key=key)
    assert draft.answers["applicant"]["name"] == "秦野 太郎"


def _fill_benefit(client, first, key):
    response = client.post(
        first,
        {
            "birth_date_era": "S",
            "birth_date_year": "60",
            "birth_date_month": "4",
            "birth_date_day": "12",
            "home__postal_code": "257-0015",
            "home__address": "神奈川県秦野市平沢1234-5",
            "phone": "0463-82-5111",
            "email": "taro@example.jp",
        },
    )
    assert response["Location"].endswith("/household/"), response.content.decode()[:3000]
    client.post(
        response["Location"],
        {
            "has_members": "yes",
            "members__count": "1",
            "members-0__person__name": "秦野 花子",
            "members-0__person__kana": "ハダノ ハナコ",
            "members-0__person__birth_date_era": "S",
            "members-0__person__birth_date_year": "63",
            "members-0__person__birth_date_month": "9",
            "members-0__person__birth_date_day": "30",
            "members-0__person__relation": "spouse",
        },
    )
    return client.post(
        f"/ja/apply/{key}/payment/",
        {
            "method": "bank",
            "account__bank_code": "0001",
            "account__branch_code": "123",
            "account__account_type": "ordinary",
            "account__number": "1234567",
            "account__holder_kana": "ﾊﾀﾞﾉ ﾀﾛｳ",
            "agree": "on",
        },
    )


def test_full_journey_submits_once_with_receipt_email_and_pdf(
    client, resident, make_procedure, run_tasks
):
    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    response = _fill_benefit(client, first, key)
    assert response["Location"] == f"/ja/apply/{key}/check/"
    check = client.get(response["Location"]).content.decode()
    assert "200,000円" in check  # computed: 2 people × 100,000
    assert "ハダノ タロウ" in check
    with run_tasks():
        first_send = client.post(f"/ja/apply/{key}/check/")
    second_send = client.post(f"/ja/apply/{key}/check/")  # double click / second tab
    assert first_send["Location"].split("?")[0] == second_send["Location"]
    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert normalize_receipt_number(submission.receipt_number.lower()) == submission.receipt_number
    assert submission.answers["account"]["holder_kana"] == "ハダノ タロウ"
    assert submission.applicant_kana == "ハダノ タロウ"
    assert submission.version == procedure.published_version
    page = client.get(first_send["Location"]).content.decode()
    assert submission.receipt_number in page
    assert "申請を受け付けました" in page
    assert len(mail.outbox) == 1
    assert submission.receipt_number in mail.outbox[0].subject
    pdf = client.get(f"/ja/submissions/{submission.receipt_number}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert AuditRecord.objects.filter(
        action="submission.create", object_id=str(submission.pk)
    ).exists()
    # The draft is gone; its old address leads to the submission.
    assert not Draft.objects.exists()
    assert client.get(first)["Location"] == f"/ja/submissions/{submission.receipt_number}/"


def test_the_confirmation_email_is_stored_with_the_submission(
    client, resident, make_procedure, django_capture_on_commit_callbacks
):
    """A process killed right after the commit must not lose the e-mail: its outbox row is
    written in the submission's own transaction, before any after-commit work runs."""
    from yakusho.core.models import OutboundEmail

    key, first = _start(client, make_procedure(BENEFIT))
    _fill_benefit(client, first, key)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/ja/apply/{key}/check/")
    submission = Submission.objects.get()
    assert OutboundEmail.objects.filter(
        key=f"submission-confirmation:{submission.receipt_number}", to=submission.email
    ).exists()


def test_a_second_send_of_the_same_loaded_draft_returns_the_first_submission(
    client, resident, make_procedure
):
    """Two requests that loaded the draft before either sent it (a double click that beat
    the first answer): the second waits for the first and gets its submission."""
    from yakusho.procedures import services

    key, first = _start(client, make_procedure(BENEFIT))
    _fill_benefit(client, first, key)
    loaded_by_first, loaded_by_second = Draft.objects.get(key=key), Draft.objects.get(key=key)
    sent = services.submission_create(draft=loaded_by_first, language="ja")
    again = services.submission_create(draft=loaded_by_second, language="ja")
    assert again.pk == sent.pk
    assert Submission.objects.count() == 1


def test_sending_costs_a_fixed_number_of_queries(
    client, resident, make_procedure, django_assert_max_num_queries
):
    """The burst's hot path (bench submit-burst): session, user, the draft, the catalogue's
    freshness and the hand-off targets; then, in the transaction, deleting the draft and one
    write each for the submission, its case, first answers and event, the e-mail and its task,
    and the audit record — no query per field, step or household member."""
    key, first = _start(client, make_procedure(BENEFIT))
    _fill_benefit(client, first, key)
    with django_assert_max_num_queries(17):
        response = client.post(f"/ja/apply/{key}/check/")
    assert response.status_code == 302
    assert Submission.objects.count() == 1


def test_mypage_queries_do_not_grow_with_its_lists(client, resident, make_procedure):
    """マイページ reads each list once, with the procedures from the finder's catalogue; one
    withdrawn since is read in one more query, and its drafts and submissions stay listed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakusho.procedures import services

    def mypage() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/ja/mypage/")
        assert page.status_code == 200
        return len(captured), page.content.decode()

    def send(procedure) -> str:
        key, first = _start(client, procedure)
        _fill_benefit(client, first, key)
        return client.post(f"/ja/apply/{key}/check/")["Location"].split("/")[-2]

    benefit = make_procedure(BENEFIT)
    receipts = [send(benefit)]
    _start(client, benefit)
    few, page = mypage()
    assert receipts[0] in page
    receipts += [send(benefit) for _ in range(3)]
    other = make_procedure(BENEFIT, code="benefit-2", name="臨時給付金の申請")
    receipts.append(send(other))
    _start(client, other)
    services.procedure_publish_state(procedure=other, published=False)
    mypage()  # the first page after the change reads the catalogue again
    many, page = mypage()
    assert all(receipt in page for receipt in receipts)
    assert page.count("臨時給付金の申請") >= 2  # its submission and its draft
    assert page.count("/check/") == 2  # the two drafts' 続きを入力する
    assert many <= few + 1  # nothing read per row
    listed = client.get("/api/v1/me/submissions").json()
    assert [item["receipt_number"] for item in listed] == receipts[::-1]
    assert listed[0]["procedure_name"] == "臨時給付金の申請"


def test_a_draft_outlives_its_procedure_leaving_the_catalogue(client, resident, make_procedure):
    """Form pages take the procedure from the finder's catalogue when they can; a draft whose
    procedure was hidden meanwhile is still the resident's to finish."""
    from yakusho.procedures import services

    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    _fill_benefit(client, first, key)
    assert "給付金の申請" in client.get(f"/ja/apply/{key}/check/").content.decode()
    services.procedure_publish_state(procedure=procedure, published=False)
    page = client.get(f"/ja/apply/{key}/check/")
    assert page.status_code == 200
    assert "給付金の申請" in page.content.decode()
    assert client.post(f"/ja/apply/{key}/check/").status_code == 302
    assert Submission.objects.get().procedure == procedure


def test_save_and_resume_on_a_second_device(client, resident, make_procedure):
    from django.test import Client

    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    response = client.post(first, {"phone": "0463-82-5111", "_save_exit": "1"})
    assert response["Location"] == "/ja/mypage/"
    other = Client()
    other.force_login(resident)
    mypage = other.get("/ja/mypage/").content.decode()
    assert f"/ja/apply/{key}/check/" in mypage
    page = other.get(first).content.decode()
    assert 'value="0463-82-5111"' in page


def test_someone_elses_draft_and_submission_are_404(client, resident, make_procedure):
    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    stranger = UserFactory(assurance="verified", resident=resident_record(atena_number="799999"))
    client.force_login(stranger)
    assert client.get(first).status_code == 404
    assert client.post(f"/ja/apply/{key}/check/").status_code == 404


def test_check_page_refuses_an_incomplete_draft(client, resident, make_procedure):
    procedure = make_procedure(BENEFIT)
    key, _first = _start(client, procedure)
    response = client.post(f"/ja/apply/{key}/check/")
    assert response["Location"] == f"/ja/apply/{key}/applicant/"
    assert not Submission.objects.exists()


def test_identity_levels_gate_the_start(client, make_procedure):
    procedure = make_procedure(COPIES)
    assert client.post("/ja/procedures/benefit/start/")["Location"].startswith(
        "/ja/accounts/login/"
    )
    client.force_login(UserFactory(assurance="email"))
    assert client.post("/ja/procedures/benefit/start/")["Location"] == "/ja/accounts/identity/"
    procedure.identity_level = "email"
    procedure.save()
    assert "/apply/" in client.post("/ja/procedures/benefit/start/")["Location"]


def test_anonymous_procedure_works_without_an_account(client, make_procedure):
    make_procedure(COPIES, identity_level="none")
    key, first = _start(client, type("P", (), {"code": "benefit"}))
    client.post(first, {"copies": "２", "purpose": "job"})
    response = client.post(f"/ja/apply/{key}/check/")
    number = Submission.objects.get().receipt_number
    assert number in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    from django.test import Client

    assert Client().get(response["Location"]).status_code == 404  # another browser


def test_withdraw_until_decided(client, resident, make_procedure):
    procedure = make_procedure(COPIES, identity_level="email")
    key, first = _start(client, procedure)
    client.post(first, {"copies": "1", "purpose": "job"})
    client.post(f"/ja/apply/{key}/check/")
    submission = Submission.objects.get()
    client.post(f"/ja/submissions/{submission.receipt_number}/withdraw/")
    submission.refresh_from_db()
    assert submission.status == "withdrawn"
    assert submission.purge_after is not None
    mypage = client.get("/ja/mypage/").content.decode()
    assert "申請を取り下げました。" in mypage


def test_row_buttons_work_without_javascript(client, resident, make_procedure):
    procedure = make_procedure(BENEFIT)
    key, _first = _start(client, procedure)
    page = client.post(
        f"/ja/apply/{key}/household/",
        {
            "has_members": "yes",
            "members__count": "1",
            "members-0__person__name": "秦野 花子",
            "_add_members": "1",
        },
    ).content.decode()
    assert 'name="members__count" value="2"' in page
    assert 'value="秦野 花子"' in page
    assert "入力してください" not in page
    page = client.post(
        f"/ja/apply/{key}/household/",
        {
            "has_members": "yes",
            "members__count": "2",
            "members-0__person__name": "秦野 花子",
            "members-1__person__name": "秦野 陽菜",
            "_remove_members_0": "1",
        },
    ).content.decode()
    assert 'name="members__count" value="1"' in page
    assert 'value="秦野 陽菜"' in page
    assert 'value="秦野 花子"' not in page


def test_published_form_change_leaves_drafts_on_their_version(client, resident, make_procedure):
    from yakusho.procedures import services

    procedure = make_procedure(COPIES, identity_level="email")
    key, first = _start(client, procedure)
    changed = {**COPIES, "steps": [{**COPIES["steps"][0], "title": {"ja": "新しい題"}}]}
    version = services.form_version_save(procedure=procedure, definition=changed)
    services.form_version_publish(version=version)
    draft = Draft.objects.get(key=key)
    assert draft.version.number == 1
    assert "請求内容" in client.get(first).content.decode()


def test_a_published_form_version_is_read_and_parsed_once_per_process(
    client, resident, make_procedure
):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakusho.procedures import selectors, services
    from yakusho.procedures.engine import FormDefinition

    key, first = _start(client, make_procedure(BENEFIT))
    client.get(first)
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(FormDefinition, "parse", wraps=FormDefinition.parse) as parsed,
    ):
        assert client.get(first).status_code == 200
        assert client.get(f"/ja/apply/{key}/check/").status_code == 200
    assert not [q for q in queries if "procedures_formversion" in q["sql"]]
    assert parsed.call_count == 0

    # A version still being written is read afresh every time: its edits show at once.
    draft_version = services.form_version_save(
        procedure=Draft.objects.get(key=key).procedure, definition=COPIES
    )
    assert selectors.form_version(draft_version.pk).state == "draft"
    changed = {**COPIES, "steps": [{**COPIES["steps"][0], "title": {"ja": "新しい題"}}]}
    draft_version.definition = changed
    draft_version.save()
    again = selectors.form_version(draft_version.pk)
    assert again.definition["steps"][0]["title"] == {"ja": "新しい題"}
    assert str(selectors.definition_of(again).steps[0].title) == "新しい題"


def test_a_draft_s_pages_take_the_catalogue_found_current_within_a_second_and_a_save_asks(
    client, resident, make_procedure
):
    from time import monotonic
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakusho.procedures import selectors, services

    procedure = make_procedure(BENEFIT)
    key, first = _start(client, procedure)
    now = [monotonic()]

    def clock() -> float:
        return now[0]

    def asked(request) -> tuple[str, int]:
        """The page, and how many times it asked whether the catalogue changed."""
        with CaptureQueriesContext(connection) as queries:
            response = request()
        stamps = [q for q in queries if "MAX(updated_at)" in q["sql"]]
        return response.content.decode(), len(stamps)

    with mock.patch.object(selectors, "monotonic", clock):
        name = procedure.name
        assert name in asked(lambda: client.get(first))[0]
        procedure.name = "名前を変えた手続き"
        services.procedure_save(procedure=procedure)
        now[0] += 0.9
        page, stamps = asked(lambda: client.get(first))
        assert (name in page, stamps) == (True, 0)
        now[0] += 0.2  # 1.1 s after the catalogue was last found current
        page, stamps = asked(lambda: client.get(first))
        assert ("名前を変えた手続き" in page, stamps) == (True, 1)
        # Anything but a page asks at once (a send, a save, here the discard).
        with CaptureQueriesContext(connection) as queries:
            assert client.post(f"/ja/apply/{key}/discard/").status_code == 302
        assert [q for q in queries if "MAX(updated_at)" in q["sql"]]
