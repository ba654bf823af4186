import pytest

from yakusho.core.models import Department, Municipality
from yakusho.demo.services import ORGANISATION, demo_city_load

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Municipality.objects.values()),
        list(Department.objects.order_by("code").values()),
    )


def test_demo_loads_hadano_with_its_organisation():
    summary = demo_city_load()
    city = Municipality.objects.get()
    assert (city.code, city.name, city.prefecture) == ("142115", "秦野市", "神奈川県")
    expected = sum(1 + len(divs) + sum(len(s) for *_, s in divs) for *_, divs in ORGANISATION)
    assert summary.departments == Department.objects.count() == expected
    registry = Department.objects.get(code="jumin-kiroku")
    assert registry.level == "kakari"
    assert registry.parent.name == "戸籍住民課"
    assert registry.parent.parent.name == "くらし安心部"


def test_loading_twice_changes_nothing():
    demo_city_load()
    before = _snapshot()
    demo_city_load()
    assert _snapshot() == before  # same rows, same values, same updated_at


def test_demo_procedures_and_life_events_load():
    from yakusho.procedures.models import LifeEvent, Procedure

    demo_city_load()
    assert Procedure.objects.filter(is_published=True).count() >= 30
    assert LifeEvent.objects.count() == 6  # the catalog's life events


def test_demo_cases_in_varied_states_once():
    from yakusho.cases.models import Case
    from yakusho.demo.cases import demo_cases_load

    demo_city_load()
    made = demo_cases_load(count=40)
    assert made >= 30
    states = set(Case.objects.values_list("state", flat=True))
    assert {"received", "reviewing"} <= states
    assert len(states) >= 4
    assert demo_cases_load(count=40) == 0  # once only
