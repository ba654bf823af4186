import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yakusho.core.models import Department
from yakusho.core.reads import row_by
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
