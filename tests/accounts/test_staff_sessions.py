"""Staff: their own login page, a second factor before the office, and sessions that end."""

import time

import pytest

from yakusho.accounts.middleware import LAST_SEEN, LOGIN_AT
from yakusho.core.models import AuditRecord

from ..factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff_login(client, user):
    return client.post("/ja/office/login/", {"login": user.email, "password": PASSWORD})


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get("/ja/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/office/login/?next=/ja/office/")


def test_residents_cannot_sign_in_to_the_office(client):
    resident = UserFactory()
    response = _staff_login(client, resident)
    assert response.status_code == 200
    assert "メールアドレスかパスワードが違います。" in response.content.decode()


def test_first_login_forces_enrolment_of_an_authenticator(
    client, django_capture_on_commit_callbacks
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    staff = StaffFactory()
    response = _staff_login(client, staff)
    assert response["Location"] == "/ja/office/"
    response = client.get("/ja/office/")
    assert response["Location"] == "/ja/accounts/2fa/totp/activate/"
    page = client.get("/ja/accounts/2fa/totp/activate/").content.decode()
    assert "2段階認証の設定が必要です" in page
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ja/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/ja/office/").status_code == 200
    assert AuditRecord.objects.filter(action="mfa.added", object_id=str(staff.pk)).exists()


def test_enrolled_staff_need_the_code_at_every_login(client, totp):
    staff = StaffFactory()
    code = totp(staff)
    response = _staff_login(client, staff)
    assert response["Location"] == "/ja/accounts/2fa/authenticate/"
    assert client.get("/ja/office/")["Location"].startswith("/ja/office/login/")
    response = client.post("/ja/accounts/2fa/authenticate/", {"code": "000000"})
    assert "コードが違います" in response.content.decode()
    response = client.post("/ja/accounts/2fa/authenticate/", {"code": code()})
    assert response.status_code == 302
    assert client.get("/ja/office/").status_code == 200


def test_a_session_without_the_second_factor_is_turned_away(client, totp):
    staff = StaffFactory()
    totp(staff)
    client.force_login(staff)  # e.g. a session that predates enrolment
    response = client.get("/ja/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/office/login/")


def _signed_in_staff(client, totp):
    staff = StaffFactory()
    code = totp(staff)
    _staff_login(client, staff)
    client.post("/ja/accounts/2fa/authenticate/", {"code": code()})
    assert client.get("/ja/office/").status_code == 200
    return staff


def test_idle_staff_session_ends(client, totp, settings):
    _signed_in_staff(client, totp)
    session = client.session
    session[LAST_SEEN] = time.time() - settings.STAFF_IDLE_MINUTES * 60 - 1
    session.save()
    response = client.get("/ja/office/")
    assert response["Location"].startswith("/ja/office/login/")
    assert client.get("/ja/office/")["Location"].startswith("/ja/office/login/")


def test_staff_session_has_an_absolute_lifetime(client, totp, settings):
    _signed_in_staff(client, totp)
    session = client.session
    session[LOGIN_AT] = time.time() - settings.STAFF_SESSION_HOURS * 3600 - 1
    session.save()
    response = client.get("/ja/office/", follow=True)
    assert "長い時間がたったため" in response.content.decode()


def test_second_device_keeps_working_until_idle(client, totp):
    from django.test import Client

    staff = _signed_in_staff(client, totp)
    other = Client()
    other.cookies = client.cookies  # the same session cookie copied to another browser
    assert other.get("/ja/office/").status_code == 200
    client.post("/ja/accounts/logout/")
    assert other.get("/ja/office/")["Location"].startswith("/ja/office/login/")
    assert AuditRecord.objects.filter(action="auth.logout", object_id=str(staff.pk)).exists()


def test_staff_cannot_remove_their_last_second_factor(client, totp):
    from allauth.mfa.models import Authenticator

    staff = _signed_in_staff(client, totp)
    client.post("/ja/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=staff, type="totp").exists()


def test_the_request_carries_the_signed_in_user_itself_not_a_lazy_wrapper(client):
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    anonymous = client.get("/ja/procedures/").wsgi_request.user
    assert type(anonymous) is AnonymousUser
    resident = UserFactory()
    client.force_login(resident)
    user = client.get("/ja/procedures/").wsgi_request.user
    assert not isinstance(user, SimpleLazyObject)
    assert user == resident
