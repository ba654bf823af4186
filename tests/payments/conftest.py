"""A 住民票郵送-like procedure with a fee of 300 yen per copy, paid at submission through
the demo provider, and the people around it."""

import pytest

from yakusho.accounts.models import Role
from yakusho.core.models import Department
from yakusho.payments import services
from yakusho.procedures import services as procedure_services
from yakusho.procedures.models import Category, Procedure

from ..factories import StaffFactory, UserFactory, assign, resident_record

FORM = {
    "version": 1,
    "steps": [
        {
            "key": "main",
            "title": {"ja": "請求の内容"},
            "fields": [
                {
                    "key": "applicant",
                    "type": "name",
                    "label": {"ja": "氏名"},
                    "required": True,
                    "prefill": "registry.self",
                },
                {
                    "key": "copies",
                    "type": "number",
                    "label": {"ja": "通数"},
                    "required": True,
                    "min": 1,
                    "max": 10,
                },
            ],
        }
    ],
    "computed": [
        {"key": "fee", "label": {"ja": "手数料"}, "expr": {"mul": [{"field": "copies"}, 300]}}
    ],
}


@pytest.fixture
def jumin(db):
    Category.objects.get_or_create(code="todokede", defaults={"name": "届出・証明"})
    return Department.objects.create(code="koseki-jumin", name="戸籍住民課", level="bu")


@pytest.fixture
def charge_type(db):
    return services.charge_type_upsert(
        code="certificate-fee",
        name="証明手数料",
        provider="demo",
        methods=["card", "konbini", "payeasy"],
        account_code="14-01-01-01",
        account_name="総務手数料",
    )


def _procedure(department, code, timing):
    procedure = Procedure(
        code=code,
        name="住民票の写しの交付請求（郵送）",
        name_translations={"en": "Certificate of residence by post"},
        department=department,
        category=Category.objects.get(code="todokede"),
        identity_level="email",
        payment_timing=timing,
        charge_type="certificate-fee",
        fee_key="fee",
    )
    procedure_services.procedure_save(procedure=procedure)
    version = procedure_services.form_version_save(procedure=procedure, definition=FORM)
    procedure_services.form_version_publish(version=version)
    procedure.refresh_from_db()
    procedure_services.procedure_publish_state(procedure=procedure, published=True)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def procedure(jumin, charge_type):
    return _procedure(jumin, "juminhyo-yuso", "before")


@pytest.fixture
def after_procedure(jumin, charge_type):
    return _procedure(jumin, "juminhyo-after", "after")


@pytest.fixture
def resident(db):
    return UserFactory(username="taro@example.jp", assurance="verified", resident=resident_record())


@pytest.fixture
def submit(procedure, resident):
    def make(copies=3, proc=None, user=None):
        draft = procedure_services.draft_start(procedure=proc or procedure, user=user or resident)
        draft = procedure_services.draft_save_step(
            draft=draft, step_key="main", answers={"copies": copies}
        )
        return procedure_services.submission_create(draft=draft, language="ja")

    return make


@pytest.fixture
def charge(submit):
    from yakusho.payments.models import Charge

    return Charge.objects.get(submission=submit(copies=3))


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def kessai(jumin):
    staff = StaffFactory(last_name="決裁")
    assign(staff, jumin, Role.KESSAI)
    return staff


@pytest.fixture
def tanto(jumin):
    staff = StaffFactory(last_name="担当")
    assign(staff, jumin, Role.TANTO)
    return staff


@pytest.fixture
def accountant(db):
    kaikei = Department.objects.create(code="kaikei", name="会計課", level="bu")
    staff = StaffFactory(last_name="会計")
    assign(staff, kaikei, Role.TANTO)
    return staff
