"""The session store reads the session row with its own statement; what it reads must be what
Django's store would."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from yakusho.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_saved_session_reads_back():
    key = _saved(language="en", receipts=["K7M4-Q2XR"])
    store = SessionStore(key)
    assert store.load() == {"language": "en", "receipts": ["K7M4-Q2XR"]}
    assert store.session_key == key


def test_an_expired_session_reads_as_empty_and_gets_a_new_key():
    key = _saved(language="en")
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_a_deleted_or_unknown_session_reads_as_empty():
    key = _saved(language="en")
    SessionStore(key).delete()
    assert SessionStore(key).load() == {}
    assert SessionStore("x" * 32).load() == {}


def test_signing_out_ends_the_session_in_every_browser_holding_its_cookie(client):
    from ..factories import UserFactory

    client.force_login(UserFactory())
    cookie = client.cookies["sessionid"].value
    assert client.get("/ja/mypage/").status_code == 200
    client.post("/ja/accounts/logout/")
    client.cookies["sessionid"] = cookie  # a second tab, or a copied cookie
    assert client.get("/ja/mypage/").status_code == 302
