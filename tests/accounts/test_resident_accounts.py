"""Residents: sign up, verify the address, sign in, reset a forgotten password, lock-out."""

import re

import pytest
from django.core import mail

from yakusho.accounts.models import User
from yakusho.core.models import AuditRecord

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _link(message):
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def test_sign_up_verify_email_and_land_on_the_account(client, run_tasks):
    with run_tasks():
        response = client.post(
            "/ja/accounts/signup/",
            {
                "email": "new@example.jp",
                "password1": "a-long-passphrase",
                "password2": "a-long-passphrase",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "【確認】メールアドレスの登録"
    user = User.objects.get(email="new@example.jp")
    assert (user.kind, user.assurance) == (User.Kind.RESIDENT, User.Assurance.NONE)
    assert user.password.startswith("argon2")
    confirm = _link(message)
    assert "確認する" in client.get(confirm).content.decode()
    response = client.post(confirm)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.assurance == User.Assurance.EMAIL
    page = client.get("/ja/accounts/").content.decode()
    assert "new@example.jp" in page
    assert "メールアドレスのみ確認済み" in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "10文字以上"),
        ("password123", "よく使われていて"),
        ("8216594730184", "数字だけ"),
    ],
)
def test_weak_passwords_are_refused_in_japanese(client, password, message):
    response = client.post(
        "/ja/accounts/signup/",
        {
            "email": "weak@example.jp",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="weak@example.jp").exists()


def test_sign_up_with_a_taken_address_reveals_nothing(client, run_tasks):
    UserFactory(username="taken@example.jp")
    with run_tasks():
        response = client.post(
            "/ja/accounts/signup/",
            {
                "email": "taken@example.jp",
                "password1": "a-long-passphrase",
                "password2": "a-long-passphrase",
            },
        )
    # The same answer as a new address; the owner of the address gets a note instead.
    assert response["Location"] == "/ja/accounts/confirm-email/"
    assert mail.outbox[0].subject == "アカウントはすでにあります"


def test_login_and_logout(client):
    UserFactory(username="taro@example.jp")
    response = client.post(
        "/ja/accounts/login/", {"login": "taro@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/"
    assert AuditRecord.objects.filter(action="auth.login").count() == 1
    response = client.post("/ja/accounts/logout/")
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="auth.logout").count() == 1


def test_wrong_password_then_lockout_then_recovery(client):
    from django.core.cache import cache

    UserFactory(username="taro@example.jp")
    for _ in range(5):
        response = client.post(
            "/ja/accounts/login/", {"login": "taro@example.jp", "password": "wrong-password"}
        )
        assert "メールアドレスかパスワードが違います。" in response.content.decode()
    response = client.post(
        "/ja/accounts/login/", {"login": "taro@example.jp", "password": PASSWORD}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "15分ほど待ってから" in body
    assert AuditRecord.objects.filter(action="auth.login_failed").count() >= 5
    cache.clear()  # the window has passed
    response = client.post(
        "/ja/accounts/login/", {"login": "taro@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_unknown_and_known_addresses_look_the_same_at_login(client):
    UserFactory(username="taro@example.jp")
    known = client.post(
        "/ja/accounts/login/", {"login": "taro@example.jp", "password": "wrong-password"}
    )
    unknown = client.post(
        "/ja/accounts/login/", {"login": "nobody@example.jp", "password": "wrong-password"}
    )
    assert "メールアドレスかパスワードが違います。" in known.content.decode()
    assert "メールアドレスかパスワードが違います。" in unknown.content.decode()


def test_password_reset_by_email_without_enumeration(client, run_tasks):
    UserFactory(username="taro@example.jp")
    with run_tasks():
        known = client.post("/ja/accounts/password/reset/", {"email": "taro@example.jp"})
        unknown = client.post("/ja/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert known["Location"] == unknown["Location"] == "/ja/accounts/password/reset/done/"
    reset = next(m for m in mail.outbox if m.to == ["taro@example.jp"])
    response = client.get(_link(reset), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "another-long-phrase", "password2": "another-long-phrase"}
    )
    assert response.status_code == 302
    assert client.login(username="taro@example.jp", password="another-long-phrase")


def test_expired_or_wrong_verification_link(client):
    response = client.get("/ja/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "有効期限が切れています" in response.content.decode()


def test_staff_cannot_use_the_residents_login(client):
    UserFactory(username="staff@city.example.jp", kind=User.Kind.STAFF)
    response = client.post(
        "/ja/accounts/login/", {"login": "staff@city.example.jp", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "メールアドレスかパスワードが違います。" in response.content.decode()


def test_open_redirect_in_next_is_ignored(client):
    UserFactory(username="taro@example.jp")
    response = client.post(
        "/ja/accounts/login/?next=https://evil.example/",
        {
            "login": "taro@example.jp",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_form_without_csrf_token_is_refused_with_an_explanation():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/ja/accounts/login/", {"login": "a@example.jp", "password": "x"})
    assert response.status_code == 403
    assert "もう一度お試しください" in response.content.decode()


def test_account_deletion_removes_sign_in_and_keeps_an_audit_record(client, totp):
    user = UserFactory(username="bye@example.jp")
    client.force_login(user)
    response = client.get("/ja/accounts/delete/")
    assert response.status_code == 302  # asks for the password again first
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/ja/accounts/delete/").content.decode()
    assert "法令で決められた期間" in page
    response = client.post("/ja/accounts/delete/", {"confirm": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert user.email == ""
    assert not user.has_usable_password()
    assert AuditRecord.objects.filter(action="account.delete", object_id=str(user.pk)).exists()
    assert not client.login(username="bye@example.jp", password=PASSWORD)
