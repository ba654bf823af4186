import pytest

from yakusho.accounts.models import Role
from yakusho.core.models import Department
from yakusho.procedures import services as procedure_services
from yakusho.procedures.models import Category, Procedure

from ..factories import StaffFactory, UserFactory, assign, resident_record

FORM = {
    "version": 1,
    "steps": [
        {
            "key": "main",
            "title": {"ja": "申請"},
            "fields": [
                {
                    "key": "applicant",
                    "type": "name",
                    "label": {"ja": "申請者"},
                    "required": True,
                    "prefill": "registry.self",
                },
                {
                    "key": "children",
                    "type": "number",
                    "label": {"ja": "子の人数"},
                    "required": True,
                    "min": 1,
                    "max": 9,
                },
                {"key": "note", "type": "textarea", "label": {"ja": "備考"}},
            ],
        }
    ],
}


@pytest.fixture
def kodomo(db):
    Category.objects.create(code="kosodate", name="子育て")
    return Department.objects.create(
        code="kodomo", name="こども政策課", level="bu", email="kodomo@city.example.jp"
    )


@pytest.fixture
def procedure(kodomo):
    procedure = Procedure(
        code="teate",
        name="児童手当",
        department=kodomo,
        category=Category.objects.get(),
        identity_level="email",
        processing_days=10,
    )
    procedure_services.procedure_save(procedure=procedure)
    version = procedure_services.form_version_save(procedure=procedure, definition=FORM)
    procedure_services.form_version_publish(version=version)
    procedure.refresh_from_db()
    procedure_services.procedure_publish_state(procedure=procedure, published=True)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def resident(db):
    return UserFactory(username="taro@example.jp", assurance="verified", resident=resident_record())


@pytest.fixture
def submit(procedure, resident):
    def make(children=2, note=""):
        draft = procedure_services.draft_start(procedure=procedure, user=resident)
        draft = procedure_services.draft_save_step(
            draft=draft, step_key="main", answers={"children": children, "note": note}
        )
        return procedure_services.submission_create(draft=draft, language="ja")

    return make


@pytest.fixture
def tanto(kodomo):
    staff = StaffFactory(last_name="担当")
    assign(staff, kodomo, Role.TANTO)
    return staff


@pytest.fixture
def kessai(kodomo):
    staff = StaffFactory(last_name="決裁")
    assign(staff, kodomo, Role.KESSAI)
    return staff
