"""書かない窓口 for a whole life event: the counter asks the questions once and every form the
resident needs starts filled in, each audited as a counter read of the resident's data."""

import pytest

from yakusho.accounts.models import Role
from yakusho.core.models import AuditRecord, Department
from yakusho.procedures.models import Draft
from yakusho.residents.models import ResidentRecord

from ..factories import StaffFactory, assign

pytestmark = pytest.mark.django_db

BIRTH = {
    "child__name": "秦野 湊",
    "child__kana": "ﾊﾀﾞﾉ ﾐﾅﾄ",
    "child__birth_date_era": "R",
    "child__birth_date_year": "8",
    "child__birth_date_month": "11",
    "child__birth_date_day": "20",
    "todoke_done": "yes",
    "insurance": "shaho",
    "mother_kokuho": "no",
    "teate_receiving": "no",
}


@pytest.fixture
def counter(staff_client):
    from yakusho.demo.services import demo_city_load

    demo_city_load()
    staff = StaffFactory()
    assign(staff, Department.objects.get(code="koseki-jumin"), Role.TANTO)
    resident = ResidentRecord.objects.get(name="秦野 太郎")
    return staff, staff_client(staff), resident


def test_the_answers_start_every_needed_form_with_the_shared_child(counter):
    staff, client, resident = counter
    url = f"/ja/office/counter/residents/{resident.pk}/life-events/shussei/"
    assert "出生" in client.get(url).content.decode()

    shown = client.post(url, BIRTH).content.decode()
    assert "児童手当の認定請求" in shown
    assert "小児医療費助成" in shown
    assert not Draft.objects.exists()  # only shown until the member of staff confirms

    response = client.post(url, {**BIRTH, "confirm": "1"})
    assert response.status_code == 302
    drafts = Draft.objects.filter(resident=resident, assisted_by=staff)
    assert {d.procedure.code for d in drafts} == {"jido-teate-nintei", "kodomo-iryohi"}
    for draft in drafts:
        assert draft.answers["child"]["name"] == "秦野 湊"
        assert draft.answers["child"]["kana"] == "ハダノ ミナト"
        assert "child" in draft.locked
    nintei = drafts.get(procedure__code="jido-teate-nintei")
    assert nintei.answers["spouse"]["name"] == "秦野 花子"  # the registry, as for one form
    assert AuditRecord.objects.filter(action="counter.start", actor_id=staff.pk).count() == 2
    start = client.get(response["Location"]).content.decode()
    assert "児童手当の認定請求" in start
    assert "小児医療費助成" in start


def test_bad_answers_are_named_and_start_nothing(counter):
    _staff, client, resident = counter
    url = f"/ja/office/counter/residents/{resident.pk}/life-events/shussei/"
    bad = {**BIRTH, "child__birth_date_month": "2", "child__birth_date_day": "30", "confirm": "1"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "存在しない日付" in response.content.decode()
    assert not Draft.objects.exists()
    assert (
        client.get(f"/ja/office/counter/residents/{resident.pk}/life-events/nai/").status_code
        == 404
    )
