"""Staff single sign-on with the city's directory, against recorded responses."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from yakusho.accounts.staff_sso import StaffSSO
from yakusho.core.models import AuditRecord

from ..factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
RECORDING = json.loads((Path(__file__).parent / "recordings" / "staff_directory.json").read_text())
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Directory:
    def __init__(self, nonce, **claims):
        now = int(time.time())
        config = RECORDING["config"]
        body = {
            **RECORDING["id_token_claims"],
            "iss": config["issuer"],
            "aud": config["client_id"],
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **claims,
        }
        self.token = {
            **RECORDING["token_response"],
            "id_token": jwt.encode(body, KEY, algorithm="RS256", headers={"kid": "k1"}),
        }

    def post(self, url, *, data, auth):
        return 200, self.token

    def get(self, url, *, headers=None):
        if url == RECORDING["config"]["jwks_uri"]:
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
            return 200, {"keys": [{**public, "kid": "k1"}]}
        return 200, RECORDING["userinfo_response"]


@pytest.fixture
def sso(settings):
    settings.STAFF_SSO = RECORDING["config"]
    settings.STAFF_SSO_TRUST_MFA = True


def _round_trip(client, monkeypatch, **claims):
    response = client.post("/ja/office/login/sso/", {"next": "/ja/office/counter/"})
    query = {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["scope"] == "openid email profile"
    monkeypatch.setattr(StaffSSO, "http", Directory(query["nonce"], **claims))
    return client.get("/office-sso/callback", {"code": "c", "state": query["state"]})


def test_login_page_offers_sso_only_when_configured(client, sso, settings):
    assert "シングルサインオン" in client.get("/ja/office/login/").content.decode()
    settings.STAFF_SSO = {}
    assert "シングルサインオン" not in client.get("/ja/office/login/").content.decode()
    assert client.post("/ja/office/login/sso/").status_code == 404


def test_directory_with_mfa_signs_staff_straight_in(client, sso, monkeypatch, totp):
    staff = StaffFactory(email="kosodate@city.hadano.example.jp")
    totp(staff)
    response = _round_trip(client, monkeypatch)
    assert response["Location"] == "/ja/office/counter/"
    assert client.get("/ja/office/").status_code == 200
    assert AuditRecord.objects.filter(action="auth.login", actor_id=staff.pk).exists()


def test_directory_without_mfa_asks_for_our_code(client, sso, monkeypatch, totp):
    staff = StaffFactory(email="kosodate@city.hadano.example.jp")
    code = totp(staff)
    response = _round_trip(client, monkeypatch, amr=["pwd"])
    assert response["Location"].startswith("/ja/accounts/2fa/reauthenticate/")
    response = client.post(response["Location"], {"code": code()})
    assert response["Location"] == "/ja/office/counter/"
    assert client.get("/ja/office/").status_code == 200


def test_directory_mfa_not_trusted_unless_the_city_says_so(
    client, sso, monkeypatch, settings, totp
):
    settings.STAFF_SSO_TRUST_MFA = False
    staff = StaffFactory(email="kosodate@city.hadano.example.jp")
    totp(staff)
    response = _round_trip(client, monkeypatch)
    assert response["Location"].startswith("/ja/accounts/2fa/reauthenticate/")


def test_unknown_or_resident_accounts_are_refused(client, sso, monkeypatch):
    UserFactory(email="kosodate@city.hadano.example.jp")  # a resident with the same address
    response = _round_trip(client, monkeypatch)
    assert response["Location"] == "/ja/office/login/"
    assert AuditRecord.objects.filter(action="auth.sso_unknown").exists()
    assert "_auth_user_id" not in client.session


def test_forged_state_is_refused(client, sso, monkeypatch):
    StaffFactory(email="kosodate@city.hadano.example.jp")
    client.post("/ja/office/login/sso/")
    response = client.get("/office-sso/callback", {"code": "c", "state": "forged"})
    assert response["Location"] == "/ja/office/login/"
    assert AuditRecord.objects.filter(action="auth.sso_failed").exists()
