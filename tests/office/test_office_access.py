"""Which office pages each role opens, and that every read of personal data is audited."""

import csv
import io

import pytest

from yakusho.accounts.models import Role
from yakusho.core.audit import audit_verify
from yakusho.core.models import AuditRecord, Department

from ..factories import StaffFactory, UserFactory, assign, resident_record

pytestmark = pytest.mark.django_db

PAGES = {
    "/ja/office/": {Role.TANTO, Role.KESSAI, Role.SHOZOKUCHO, Role.SYSADMIN, Role.AUDITOR},
    "/ja/office/components/": {
        Role.TANTO,
        Role.KESSAI,
        Role.SHOZOKUCHO,
        Role.SYSADMIN,
        Role.AUDITOR,
    },
    "/ja/office/counter/": {Role.TANTO, Role.KESSAI, Role.SHOZOKUCHO},
    "/ja/office/audit/": {Role.AUDITOR},
    "/ja/office/staff/": {Role.SYSADMIN},
}


@pytest.fixture
def department():
    return Department.objects.create(code="seisaku", name="こども政策課", level="bu")


@pytest.mark.parametrize("role", [r for r, _ in Role.choices])
def test_role_matrix_for_office_pages(staff_client, department, role):
    staff = StaffFactory()
    assign(staff, department, role)
    client = staff_client(staff)
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        assert status == (200 if role in allowed else 403), (role, path, status)


def test_residents_are_sent_to_the_staff_login(client):
    client.force_login(UserFactory())
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/ja/office/login/")


def test_counter_search_and_view_are_audited_with_purpose(staff_client, department):
    staff = StaffFactory()
    assign(staff, department, Role.TANTO)
    client = staff_client(staff)
    record = resident_record()
    page = client.get("/ja/office/counter/", {"query": "ﾊﾀﾞﾉ"}).content.decode()
    assert record.name in page
    search = AuditRecord.objects.get(action="resident.search")
    assert search.purpose == "窓口での本人確認"
    assert search.data["ids"] == [record.pk]
    assert search.actor_id == staff.pk
    client.get(f"/ja/office/counter/residents/{record.pk}/")
    view = AuditRecord.objects.get(action="resident.view")
    assert view.object_id == str(record.pk)
    assert view.ip_address == "127.0.0.1"
    response = client.post(
        f"/ja/office/counter/residents/{record.pk}/", {"resident": record.pk, "checked": "on"}
    )
    assert "確認コード" in response.content.decode()
    assert AuditRecord.objects.filter(action="identity.counter_code_issued").exists()
    assert audit_verify().ok


def test_unknown_resident_is_a_plain_404(staff_client, department):
    staff = StaffFactory()
    assign(staff, department, Role.TANTO)
    assert staff_client(staff).get("/ja/office/counter/residents/999999/").status_code == 404


def test_auditor_filters_and_exports_and_both_are_audited(staff_client, department):
    auditor = StaffFactory()
    assign(auditor, department, Role.AUDITOR)
    client = staff_client(auditor)
    page = client.get("/ja/office/audit/", {"action": "auth.login"}).content.decode()
    assert "auth.login" in page
    response = client.get("/ja/office/audit/export.csv", {"action": "auth."})
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["seq", "at", "actor", "action"]
    assert all(row[3].startswith("auth.") for row in rows[1:])
    assert AuditRecord.objects.filter(action="audit.view", actor_id=auditor.pk).exists()
    assert AuditRecord.objects.filter(action="audit.export", actor_id=auditor.pk).exists()


def test_sysadmin_manages_staff_and_every_change_is_audited(staff_client, department):
    admin = StaffFactory()
    assign(admin, department, Role.SYSADMIN)
    client = staff_client(admin)
    response = client.post(
        "/ja/office/staff/",
        {
            "last_name": "新任",
            "first_name": "職員",
            "email": "new@city.example.jp",
            "department": department.pk,
            "role": Role.TANTO,
        },
    )
    assert response.status_code == 302
    member = type(admin).objects.get(email="new@city.example.jp")
    assert member.kind == "staff"
    assert not member.has_usable_password()
    grants = AuditRecord.objects.filter(action="permission.grant", object_id=str(member.pk))
    assert grants.count() == 1
    assignment = member.assignments.get()
    client.post(f"/ja/office/staff/{member.pk}/assignments/{assignment.pk}/remove/")
    assert not member.assignments.exists()
    assert AuditRecord.objects.filter(action="permission.revoke").exists()
    response = client.post(
        "/ja/office/staff/",
        {
            "last_name": "重複",
            "first_name": "職員",
            "email": "NEW@city.example.jp",
            "department": department.pk,
            "role": Role.TANTO,
        },
    )
    assert "すでに使われています" in response.content.decode()
