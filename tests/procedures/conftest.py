import pytest

from yakusho.core.models import Department
from yakusho.procedures import services
from yakusho.procedures.models import Category, Procedure


@pytest.fixture
def make_procedure(db):
    department = Department.objects.create(code="kodomo", name="こども政策課", level="bu")
    category = Category.objects.create(code="kosodate", name="子育て")

    def make(
        definition, *, code="benefit", name="給付金の申請", identity_level="verified", **extra
    ):
        procedure = Procedure(
            code=code,
            name=name,
            department=department,
            category=category,
            identity_level=identity_level,
            **extra,
        )
        services.procedure_save(procedure=procedure)
        version = services.form_version_save(procedure=procedure, definition=definition)
        services.form_version_publish(version=version)
        procedure.refresh_from_db()
        services.procedure_publish_state(procedure=procedure, published=True)
        procedure.refresh_from_db()
        return procedure

    return make
