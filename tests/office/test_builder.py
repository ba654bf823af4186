"""Staff build, check, publish, share and copy a procedure without touching JSON."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yakusho.accounts.models import Role
from yakusho.core.models import AuditRecord, Department
from yakusho.procedures.models import Category, FormVersion, Procedure

from ..factories import StaffFactory, UserFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    Category.objects.create(code="kurashi", name="くらし")
    return Department.objects.create(code="kankyo", name="環境課", level="bu")


@pytest.fixture
def kacho(staff_client, department):
    staff = StaffFactory()
    assign(staff, department, Role.SHOZOKUCHO)
    return staff_client(staff)


def _new_procedure(client, department):
    return client.post(
        "/ja/office/procedures/new/",
        {
            "code": "hachi-toroku",
            "name": "ミツバチの飼育届",
            "summary": "ミツバチを飼うときの届出です。",
            "department": department.pk,
            "category": Category.objects.get().pk,
            "identity_level": "email",
            "processing_days": "5",
            "fully_online": "on",
            "keywords": "はち, 養蜂",
        },
    )


def test_build_and_publish_a_procedure_without_json(kacho, department, client):
    response = _new_procedure(kacho, department)
    assert response["Location"] == "/ja/office/procedures/hachi-toroku/"
    editor = kacho.get(response["Location"]).content.decode()
    assert "ステップ1：申請者" in editor
    response = kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
        {"step_1-type": "name", "step_1-label": "届出者の氏名"},
    )
    field_url = response["Location"]
    assert field_url == "/ja/office/procedures/hachi-toroku/steps/step_1/fields/name_1/"
    kacho.post(
        field_url,
        {
            "key": "applicant",
            "label": "届出者の氏名",
            "label__en": "Your name",
            "required": "on",
            "prefill": "registry.self",
        },
    )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
        {"step_1-type": "radio", "step_1-label": "飼育の目的"},
    )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/radio_1/",
        {
            "key": "purpose",
            "label": "飼育の目的",
            "required": "on",
            "options": "hobby: 趣味\nsale: 販売\nその他",
        },
    )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
        {"step_1-type": "text", "step_1-label": "その他の目的"},
    )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/text_1/",
        {
            "key": "purpose_other",
            "label": "その他の目的",
            "required": "on",
            "condition_field": "purpose",
            "condition_operator": "equals",
            "condition_value": "option_3",
        },
    )
    draft = FormVersion.objects.get(state="draft")
    fields = draft.definition["steps"][0]["fields"]
    assert [f["key"] for f in fields] == ["applicant", "purpose", "purpose_other"]
    assert fields[1]["options"][2] == {"value": "option_3", "label": {"ja": "その他"}}
    assert fields[2]["visible_if"] == {"field": "purpose", "equals": "option_3"}
    assert fields[0]["label"] == {"ja": "届出者の氏名", "en": "Your name"}
    editor = kacho.get("/ja/office/procedures/hachi-toroku/").content.decode()
    assert "この下書きは公開できる状態です。" in editor
    assert "プレビュー" in editor
    assert 'name="purpose"' in editor  # the preview renders the resident's form
    response = kacho.post("/ja/office/procedures/hachi-toroku/publish/", follow=True)
    assert "公開しました" in response.content.decode()
    procedure = Procedure.objects.get(code="hachi-toroku")
    assert procedure.is_published
    assert procedure.published_version.number == 1
    assert AuditRecord.objects.filter(action="procedure.publish").exists()
    # A resident finds it by a keyword and starts it.
    client.force_login(UserFactory())
    assert (
        "/ja/procedures/hachi-toroku/"
        in client.get("/ja/procedures/", {"q": "ようほう"}).content.decode()
        or "/ja/procedures/hachi-toroku/"
        in client.get("/ja/procedures/", {"q": "養蜂"}).content.decode()
    )
    assert "/apply/" in client.post("/ja/procedures/hachi-toroku/start/")["Location"]


def test_a_broken_form_cannot_be_published(kacho, department):
    _new_procedure(kacho, department)
    for label in ("名前", "ふりがな"):
        kacho.post(
            "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
            {"step_1-type": "text", "step_1-label": label},
        )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/text_2/",
        {
            "key": "text_2",
            "label": "ふりがな",
            "condition_field": "text_1",
            "condition_operator": "filled",
        },
    )
    # The field the condition depends on is deleted afterwards.
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/action/",
        {"key": "text_1", "action": "delete"},
    )
    editor = kacho.get("/ja/office/procedures/hachi-toroku/").content.decode()
    assert "公開する前に直す必要があります" in editor
    assert "存在しない項目「text_1」" in editor
    kacho.post("/ja/office/procedures/hachi-toroku/publish/")
    assert not Procedure.objects.get(code="hachi-toroku").is_published


def test_caseworkers_edit_but_do_not_publish(staff_client, department):
    staff = StaffFactory()
    assign(staff, department, Role.TANTO)
    client = staff_client(staff)
    _new_procedure(client, department)
    client.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
        {"step_1-type": "text", "step_1-label": "名前"},
    )
    page = client.post("/ja/office/procedures/hachi-toroku/publish/", follow=True).content.decode()
    assert "公開できるのは" in page
    assert not Procedure.objects.get(code="hachi-toroku").is_published


def test_other_departments_procedures_are_404(staff_client, department, kacho):
    _new_procedure(kacho, department)
    other = StaffFactory()
    assign(
        other, Department.objects.create(code="other", name="別の課", level="bu"), Role.SHOZOKUCHO
    )
    client = staff_client(other)
    assert client.get("/ja/office/procedures/hachi-toroku/").status_code == 404


def test_move_and_delete(kacho, department):
    _new_procedure(kacho, department)
    for label in ("一", "二"):
        kacho.post(
            "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
            {"step_1-type": "text", "step_1-label": label},
        )
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/action/", {"key": "text_2", "action": "up"}
    )
    keys = [
        f["key"] for f in FormVersion.objects.get(state="draft").definition["steps"][0]["fields"]
    ]
    assert keys == ["text_2", "text_1"]
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/action/",
        {"key": "text_2", "action": "delete"},
    )
    keys = [
        f["key"] for f in FormVersion.objects.get(state="draft").definition["steps"][0]["fields"]
    ]
    assert keys == ["text_1"]


def test_export_import_and_duplicate(kacho, department):
    _new_procedure(kacho, department)
    kacho.post(
        "/ja/office/procedures/hachi-toroku/steps/step_1/fields/",
        {"step_1-type": "text", "step_1-label": "名前"},
    )
    exported = kacho.get("/ja/office/procedures/hachi-toroku/export/")
    data = json.loads(exported.content)
    assert data["format"] == "yakusho-procedure/1"
    assert data["form"]["steps"][0]["fields"][0]["label"]["ja"] == "名前"
    yaml_text = kacho.get("/ja/office/procedures/hachi-toroku/export/?format=yaml").content.decode()
    assert "format: yakusho-procedure/1" in yaml_text
    data["code"] = "hachi-copy"
    upload = SimpleUploadedFile("share.json", json.dumps(data, ensure_ascii=False).encode())
    response = kacho.post("/ja/office/procedures/import/", {"file": upload})
    assert response["Location"] == "/ja/office/procedures/hachi-copy/"
    imported = Procedure.objects.get(code="hachi-copy")
    assert not imported.is_published
    response = kacho.post("/ja/office/procedures/hachi-toroku/duplicate/", {"code": "hachi-2"})
    assert response["Location"] == "/ja/office/procedures/hachi-2/"
    assert Procedure.objects.get(code="hachi-2").name == "ミツバチの飼育届（コピー）"
    bad = SimpleUploadedFile("bad.json", b"{not json")
    page = kacho.post("/ja/office/procedures/import/", {"file": bad}, follow=True).content.decode()
    assert "手続きファイル" in page or "読み取れません" in page


def test_heads_configure_hand_off_without_json(kacho, department):
    from yakusho.cases.models import HandoffTarget

    _new_procedure(kacho, department)
    kacho.post(
        "/ja/office/procedures/hachi-toroku/handoff/",
        {
            "kind": "csv",
            "name": "養蜂台帳",
            "encoding": "cp932",
            "columns": "受付番号: receipt_number\n氏名: answers.applicant.name",
        },
    )
    target = HandoffTarget.objects.get()
    assert target.config["encoding"] == "cp932"
    assert target.config["columns"][1] == ["氏名", "answers.applicant.name"]
    page = kacho.post(
        "/ja/office/procedures/hachi-toroku/handoff/", {"kind": "pull", "name": "RPA"}, follow=True
    )
    assert "トークン" in page.content.decode()
    assert "token_sha256" in HandoffTarget.objects.get(name="RPA").config
    kacho.post(f"/ja/office/procedures/hachi-toroku/handoff/{target.pk}/")
    target.refresh_from_db()
    assert not target.is_active
