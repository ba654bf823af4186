"""The authorisation matrix: roles × departments × objects."""

import datetime as dt

import pytest
from django.utils import timezone

from yakusho.accounts.models import AccessGrant, Role
from yakusho.accounts.selectors import scope_to_departments, scope_to_owner, staff_scope
from yakusho.core.models import Department

from ..factories import StaffFactory, UserFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Two 部, each with a 課, one 課 with a 係."""
    kodomo = Department.objects.create(code="kodomo", name="こども健康部", level="bu")
    seisaku = Department.objects.create(
        code="seisaku", name="こども政策課", level="ka", parent=kodomo
    )
    teate = Department.objects.create(code="teate", name="手当担当", level="kakari", parent=seisaku)
    kurashi = Department.objects.create(code="kurashi", name="くらし安心部", level="bu")
    jumin = Department.objects.create(code="jumin", name="戸籍住民課", level="ka", parent=kurashi)
    return {
        "kodomo": kodomo,
        "seisaku": seisaku,
        "teate": teate,
        "kurashi": kurashi,
        "jumin": jumin,
    }


def _ids(org, *names):
    return frozenset(org[n].pk for n in names)


@pytest.mark.parametrize(
    ("role", "at", "reaches"),
    [
        (Role.TANTO, "seisaku", ("seisaku", "teate")),
        (Role.KESSAI, "seisaku", ("seisaku", "teate")),
        (Role.SHOZOKUCHO, "kodomo", ("kodomo", "seisaku", "teate")),
        (Role.TANTO, "jumin", ("jumin",)),
        (Role.SYSADMIN, "seisaku", ()),
        (Role.AUDITOR, "jumin", ()),
    ],
)
def test_each_role_reaches_its_departments_and_their_sections(org, role, at, reaches):
    staff = StaffFactory()
    assign(staff, org[at], role)
    assert staff_scope(staff).department_ids() == _ids(org, *reaches)


def test_global_roles_do_no_casework_but_hold_their_powers(org):
    admin, auditor = StaffFactory(), StaffFactory()
    assign(admin, org["seisaku"], Role.SYSADMIN)
    assign(auditor, org["jumin"], Role.AUDITOR)
    assert staff_scope(admin).is_sysadmin
    assert not staff_scope(admin).is_auditor
    assert staff_scope(auditor).is_auditor
    assert not staff_scope(auditor).does_casework


def test_only_approvers_approve(org):
    tanto, kessai = StaffFactory(), StaffFactory()
    assign(tanto, org["seisaku"], Role.TANTO)
    assign(kessai, org["seisaku"], Role.KESSAI)
    assert not staff_scope(tanto).department_ids(Role.KESSAI)
    assert staff_scope(kessai).department_ids(Role.KESSAI) == _ids(org, "seisaku", "teate")


def test_another_department_only_when_shared_and_until_the_end_date(org):
    staff = StaffFactory()
    assign(staff, org["jumin"], Role.TANTO)
    granter = StaffFactory()
    grant = AccessGrant.objects.create(
        department=org["seisaku"],
        to_department=org["jumin"],
        reason="繁忙期の応援",
        granted_by=granter,
    )
    assert staff_scope(staff).department_ids() == _ids(org, "jumin", "seisaku", "teate")
    grant.valid_until = timezone.localdate() - dt.timedelta(days=1)
    grant.save()
    staff = type(staff).objects.get(pk=staff.pk)  # a new request
    assert staff_scope(staff).department_ids() == _ids(org, "jumin")


def test_share_to_one_person(org):
    helper, bystander = StaffFactory(), StaffFactory()
    for member in (helper, bystander):
        assign(member, org["jumin"], Role.TANTO)
    AccessGrant.objects.create(
        department=org["seisaku"], to_user=helper, reason="引継ぎ", granted_by=bystander
    )
    assert org["seisaku"].pk in staff_scope(helper).department_ids()
    assert org["seisaku"].pk not in staff_scope(bystander).department_ids()


def test_residents_and_inactive_staff_reach_nothing(org):
    resident = UserFactory()
    gone = StaffFactory(is_active=False)
    assign(gone, org["seisaku"], Role.TANTO)
    assert staff_scope(resident).department_ids() == frozenset()
    assert staff_scope(gone).department_ids() == frozenset()


def test_lists_are_scoped_in_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    staff = StaffFactory()
    for name in ("seisaku", "jumin"):
        assign(staff, org[name], Role.TANTO)
    granter = StaffFactory()
    for department in Department.objects.all():
        AccessGrant.objects.create(
            department=department, to_user=granter, reason="r", granted_by=staff
        )
    with django_assert_max_num_queries(4):
        visible = list(scope_to_departments(AccessGrant.objects.all(), staff))
    assert {g.department_id for g in visible} == _ids(org, "seisaku", "teate", "jumin")


def test_owner_scope_shows_residents_only_their_own():
    from django.contrib.auth.models import AnonymousUser

    from yakusho.accounts.models import IdentityLink

    from ..factories import resident_record

    first, second = UserFactory(), UserFactory()
    for user, subject in ((first, "a"), (second, "b")):
        IdentityLink.objects.create(
            user=user, provider="demo", subject=subject, resident=resident_record()
        )
    mine = scope_to_owner(IdentityLink.objects.all(), first, field="user")
    assert [link.subject for link in mine] == ["a"]
    assert not scope_to_owner(IdentityLink.objects.all(), AnonymousUser(), field="user").exists()
