import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yakusho.core.models import Department
from yakusho.core.reads import Statement, row_by
from yakusho.procedures.models import Draft

pytestmark = pytest.mark.django_db


def _values(obj) -> list:
    return [getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields]


def test_a_row_is_read_in_one_statement_with_the_values_the_orm_gives():
    parent = Department.objects.create(code="kodomo", name="こども政策課", level="bu")
    Department.objects.create(
        code="hoiku",
        name="保育課",
        level="ka",
        parent=parent,
        name_translations={"en": "Childcare Division", "zh-hans": "保育科"},
    )
    with CaptureQueriesContext(connection) as queries:
        found = row_by(Department, "code", "hoiku")
    assert len(queries) == 1
    usual = Department.objects.get(code="hoiku")
    assert _values(found) == _values(usual)
    assert found.name_translations == {"en": "Childcare Division", "zh-hans": "保育科"}
    assert found.created_at.tzinfo is not None
    assert found.parent_id == parent.pk
    assert (found._state.adding, found._state.db) == (False, "default")


def test_by_primary_key_and_nothing_found():
    department = Department.objects.create(code="kodomo", name="こども政策課", level="bu")
    assert row_by(Department, "pk", department.pk).code == "kodomo"
    assert row_by(Department, "pk", department.pk + 1) is None
    assert row_by(Department, "code", "nothing") is None


def test_a_uuid_key_is_taken_as_the_orm_takes_it():
    # Found drafts are read on every form page (tests/procedures); here what is not one.
    assert row_by(Draft, "key", uuid.uuid4()) is None
    assert row_by(Draft, "key", str(uuid.uuid4())) is None
    with pytest.raises(ValidationError):
        row_by(Draft, "key", "not-a-uuid")  # as Draft.objects.filter(key=…) raises


def test_only_unique_columns_can_be_read_this_way():
    with pytest.raises(ValueError, match="not unique"):
        row_by(Department, "name", "保育課")


def _kept_departments():
    """A 部 with a 課, the 課 with two 係."""
    city = Department.objects.create(code="fukushi", name="福祉部", level="bu")
    welfare = Department.objects.create(
        code="kaigo", name="介護保険課", level="ka", parent=city, name_translations={"en": "Care"}
    )
    Department.objects.create(code="kyufu", name="給付係", level="kakari", parent=welfare)
    Department.objects.create(code="nintei", name="認定係", level="kakari", parent=welfare)
    return city, welfare


def test_a_statement_gives_the_rows_and_values_its_queryset_gives():
    from django.db.models import Count

    city, welfare = _kept_departments()

    def children(parent):
        return (
            Department.objects.filter(parent_id=parent)
            .select_related("parent")
            .annotate(sections=Count("children"))
            .only("code", "name", "name_translations", "created_at", "parent__name")
            .order_by("code")
        )

    statement = Statement(children, bind=("parent",))
    with CaptureQueriesContext(connection) as queries:
        found = statement(parent=welfare.pk)
        assert [d.parent.name for d in found] == ["介護保険課", "介護保険課"]  # no further query
    assert len(queries) == 1
    usual = list(children(welfare.pk))
    assert [d.code for d in found] == [d.code for d in usual] == ["kyufu", "nintei"]
    for mine, theirs in zip(found, usual, strict=True):
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
        assert (mine.pk, mine.name, mine.created_at, mine.sections) == (
            theirs.pk,
            theirs.name,
            theirs.created_at,
            theirs.sections,
        )
        assert mine.created_at.tzinfo is not None
        assert (mine._state.adding, mine._state.db) == (False, "default")
    parents = statement(parent=city.pk)
    assert [(d.code, d.name_translations, d.sections) for d in parents] == [
        ("kaigo", {"en": "Care"}, 2)
    ]


def test_a_statement_is_built_once_and_binds_only_the_named_values():
    city, welfare = _kept_departments()
    built = []

    def newest(parent, limit):
        built.append(limit)
        return Department.objects.filter(parent_id=parent).order_by("-code")[:limit]

    statement = Statement(newest, bind=("parent",))
    assert [d.code for d in statement(parent=welfare.pk, limit=1)] == ["nintei"]
    assert [d.code for d in statement(parent=welfare.pk, limit=5)] == ["nintei", "kyufu"]
    assert [d.code for d in statement(parent=city.pk, limit=1)] == ["kaigo"]
    assert statement(parent=str(welfare.pk), limit=1)[0].code == "nintei"
    assert statement(parent=welfare.pk + 100, limit=1) == []
    assert built == [1, 5]  # the limit is written into the SQL, the parent is bound


def test_a_statement_refuses_what_it_cannot_run_as_the_queryset_would():
    _, welfare = _kept_departments()
    with pytest.raises(ValueError, match="plain model querysets"):
        Statement(
            lambda parent: Department.objects.filter(parent_id=parent).prefetch_related("children"),
            bind=("parent",),
        )(parent=welfare.pk)
    with pytest.raises(ValueError, match="plain model querysets"):
        Statement(lambda code: Department.objects.filter(code=code).values("name"), bind=("code",))(
            code="kaigo"
        )
    with pytest.raises(ValueError, match="does not reach"):
        Statement(lambda code: Department.objects.filter(level="ka"), bind=("code",))(code="x")
    by_code = Statement(lambda code: Department.objects.filter(code=code), bind=("code",))
    assert [d.name for d in by_code(code="kyufu")] == ["給付係"]
    with pytest.raises(TypeError, match="bind a key or a code"):
        by_code(code=welfare)


def test_a_statement_that_can_match_nothing_asks_nothing():
    statement = Statement(
        lambda parent: Department.objects.filter(parent_id=parent, pk__in=[]), bind=("parent",)
    )
    with CaptureQueriesContext(connection) as queries:
        assert statement(parent=1) == []
        assert statement(parent=2) == []
    assert len(queries) == 0
