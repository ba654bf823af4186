"""While the database is unreachable every page answers a clear 503 with Retry-After, never a
500 or a traceback, and the next request after it is back succeeds without a restart."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails the way psycopg and sqlite3 do when the server is gone; undo()
    brings the database back."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    class Switch:
        def down(self, error=refuse):
            monkeypatch.setattr(connection, "cursor", error)

        def up(self):
            monkeypatch.undo()

    return Switch()


def _assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "一時的に利用できません" in page
    assert "30秒ほど待ってから、もう一度お試しください。" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    return page


def test_a_page_answers_503_then_recovers(client, database_down):
    assert client.get("/ja/procedures/").status_code == 200
    database_down.down()
    page = _assert_unavailable(client.get("/ja/procedures/"))
    assert '<html lang="ja"' in page
    assert "yakusho.css" in page  # the site's own layout, not a bare error page
    assert '<html lang="en"' in client.get("/en/procedures/").content.decode()
    database_down.up()
    assert client.get("/ja/procedures/").status_code == 200


def test_a_signed_in_resident_gets_503_when_the_session_cannot_be_read(database_down):
    # The session and the user are read in middleware, before any view: that failure
    # reaches the 503 too.
    user = UserFactory()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.get("/ja/mypage/").status_code == 200
    database_down.down()
    _assert_unavailable(client.get("/ja/mypage/"))
    database_down.up()
    assert client.get("/ja/mypage/").status_code == 200


def test_a_broken_connection_and_a_form_post_get_the_same_page(client, database_down):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    database_down.down(closed)
    _assert_unavailable(client.get("/ja/procedures/?q=%E5%85%90%E7%AB%A5"))
    _assert_unavailable(
        client.post("/ja/accounts/login/", {"login": "taro@example.jp", "password": "x" * 12})
    )


def test_the_api_answers_json(client, database_down):
    database_down.down()
    response = client.get("/api/v1/procedures")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "一時的に利用できません" in response.json()["detail"]
