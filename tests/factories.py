"""Factories shared by the suite."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress

from yakusho.accounts.models import Role, StaffAssignment, User
from yakusho.core.models import Department
from yakusho.residents.models import ResidentRecord
from yakusho.residents.services import resident_upsert

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部署{n}")
    level = "bu"


def division(code: str, name: str, parent: Department | None = None) -> Department:
    parent = parent or DepartmentFactory(code=f"{code}-bu", name=f"{name}の部", level="bu")
    return DepartmentFactory(code=code, name=name, level="ka", parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"resident{n}@example.jp")
    email = factory.LazyAttribute(lambda o: o.username)
    kind = User.Kind.RESIDENT
    assurance = User.Assurance.EMAIL
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}@city.example.jp")
    kind = User.Kind.STAFF
    last_name = "職員"
    first_name = factory.Sequence(lambda n: f"{n}号")


def assign(user: User, department: Department, role: str = Role.TANTO) -> StaffAssignment:
    return StaffAssignment.objects.create(user=user, department=department, role=role)


_atena = iter(range(500000, 10**7))


def resident_record(**overrides) -> ResidentRecord:
    values = {
        "atena_number": str(next(_atena)),
        "household_number": "H9000",
        "name": "秦野 太郎",
        "name_kana": "ハダノ タロウ",
        "birth_date": dt.date(1985, 4, 12),
        "sex": "male",
        "postal_code": "257-0015",
        "address": "神奈川県秦野市平沢1234-5",
    }
    values.update(overrides)
    return resident_upsert(**values)[0]
