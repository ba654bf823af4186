"""Reaching `verified`: the demo provider, the デジタル認証アプリ (against recorded responses,
never the network) and the counter code."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from yakusho.accounts import services
from yakusho.accounts.identity import IdentityFlowError
from yakusho.accounts.identity.digital_auth_app import DigitalAuthAppProvider
from yakusho.accounts.models import IdentityLink, User
from yakusho.core.models import AuditRecord

from ..factories import StaffFactory, UserFactory, resident_record

pytestmark = pytest.mark.django_db
RECORDING = json.loads((Path(__file__).parent / "recordings" / "digital_auth_app.json").read_text())
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks(key=KEY, kid="sandbox-1"):
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


class RecordedHttp:
    """Answers the provider's endpoints from the recording; keeps what was sent."""

    def __init__(self, *, nonce, key=KEY, token=None, token_status=200, userinfo=None, claims=None):
        now = int(time.time())
        config = RECORDING["config"]
        id_claims = {
            **RECORDING["id_token_claims"],
            "iss": config["issuer"],
            "aud": config["client_id"],
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": nonce,
            **(claims or {}),
        }
        self.id_token = jwt.encode(id_claims, key, algorithm="RS256", headers={"kid": "sandbox-1"})
        self.token = (
            token
            if token is not None
            else {**RECORDING["token_response"], "id_token": self.id_token}
        )
        self.token_status = token_status
        self.userinfo = userinfo or RECORDING["userinfo_response"]
        self.sent = []

    def post(self, url, *, data, auth):
        self.sent.append(("POST", url, data, auth))
        return self.token_status, self.token

    def get(self, url, *, headers=None):
        self.sent.append(("GET", url, headers))
        if url == RECORDING["config"]["jwks_uri"]:
            return 200, _jwks()
        return 200, self.userinfo


@pytest.fixture
def provider(settings, monkeypatch):
    settings.DIGITAL_AUTH_APP = RECORDING["config"]
    settings.IDENTITY_PROVIDERS = ["digital-auth-app"]
    return DigitalAuthAppProvider()


def _start(client, key="digital-auth-app"):
    response = client.post(f"/ja/accounts/identity/start/{key}/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    return response["Location"], {k: v[0] for k, v in query.items()}


def _resident_client(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_authorisation_request_carries_pkce_state_nonce_and_scopes(client, provider):
    _resident_client(client)
    url, query = _start(client)
    assert url.startswith(RECORDING["config"]["authorization_endpoint"])
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["scope"] == "openid name address birthdate gender"
    assert query["response_type"] == "code"
    assert query["state"]
    assert query["nonce"]
    assert query["redirect_uri"] == "http://testserver/identity/callback"


def test_successful_flow_links_the_resident(client, provider, monkeypatch):
    user = _resident_client(client)
    record = resident_record()
    _url, query = _start(client)
    http = RecordedHttp(nonce=query["nonce"])
    monkeypatch.setattr(DigitalAuthAppProvider, "http", http)
    response = client.get("/identity/callback", {"code": "sandbox-code", "state": query["state"]})
    assert response["Location"] == "/ja/accounts/"
    user.refresh_from_db()
    assert user.assurance == User.Assurance.VERIFIED
    assert user.resident == record
    link = IdentityLink.objects.get(user=user)
    assert (link.provider, link.subject) == (
        "digital-auth-app",
        RECORDING["userinfo_response"]["sub"],
    )
    _method, _url, data, auth = http.sent[0]
    assert data["code_verifier"]
    assert data["grant_type"] == "authorization_code"
    assert auth == ("RP00000001", "sandbox-secret")
    assert AuditRecord.objects.filter(action="identity.verified").exists()


def test_replayed_callback_is_refused(client, provider, monkeypatch):
    _resident_client(client)
    resident_record()
    _url, query = _start(client)
    monkeypatch.setattr(DigitalAuthAppProvider, "http", RecordedHttp(nonce=query["nonce"]))
    client.get("/identity/callback", {"code": "sandbox-code", "state": query["state"]})
    response = client.get(
        "/identity/callback", {"code": "sandbox-code", "state": query["state"]}, follow=True
    )
    assert "もう一度はじめからやり直してください" in response.content.decode()


def test_wrong_state_is_refused(client, provider, monkeypatch):
    user = _resident_client(client)
    _url, query = _start(client)
    monkeypatch.setattr(DigitalAuthAppProvider, "http", RecordedHttp(nonce=query["nonce"]))
    response = client.get(
        "/identity/callback", {"code": "sandbox-code", "state": "forged"}, follow=True
    )
    assert "途中で切れました" in response.content.decode()
    user.refresh_from_db()
    assert user.assurance != User.Assurance.VERIFIED


@pytest.mark.parametrize(
    ("http_kwargs", "code"),
    [
        ({"key": OTHER_KEY}, "invalid"),  # tampered / forged ID token
        ({"claims": {"nonce": "someone-elses-nonce"}}, "invalid"),  # wrong nonce
        ({"claims": {"aud": "RP99999999"}}, "invalid"),  # token for another client
        ({"claims": {"exp": int(time.time()) - 3600}}, "expired"),  # stale ID token
        (
            {"token": RECORDING["token_error_expired_code"], "token_status": 400},
            "expired",
        ),  # expired code
        ({"userinfo": {**RECORDING["userinfo_response"], "sub": "another-person"}}, "invalid"),
    ],
)
def test_untrustworthy_answers_are_refused(provider, http_kwargs, code, monkeypatch, rf):
    nonce = "the-nonce"
    http = RecordedHttp(nonce=nonce, **http_kwargs)
    monkeypatch.setattr(DigitalAuthAppProvider, "http", http)
    with pytest.raises(IdentityFlowError) as info:
        provider.complete(
            rf.get("/"),
            code="c",
            code_verifier="v",
            nonce=nonce,
            redirect_uri="http://testserver/identity/callback",
        )
    assert info.value.code == code


def test_tampered_payload_with_the_original_signature_is_refused(provider, monkeypatch, rf):
    http = RecordedHttp(nonce="n")
    header, _payload, signature = http.id_token.split(".")
    forged = jwt.utils.base64url_encode(
        json.dumps(
            {**jwt.decode(http.id_token, options={"verify_signature": False}), "sub": "attacker"}
        ).encode()
    ).decode()
    http.token = {**http.token, "id_token": f"{header}.{forged}.{signature}"}
    monkeypatch.setattr(DigitalAuthAppProvider, "http", http)
    with pytest.raises(IdentityFlowError) as info:
        provider.complete(rf.get("/"), code="c", code_verifier="v", nonce="n", redirect_uri="x")
    assert info.value.code == "invalid"


def test_no_matching_resident_says_to_visit_the_counter(client, provider, monkeypatch):
    user = _resident_client(client)
    resident_record(name="別の 人")
    _url, query = _start(client)
    monkeypatch.setattr(DigitalAuthAppProvider, "http", RecordedHttp(nonce=query["nonce"]))
    response = client.get("/identity/callback", {"code": "c", "state": query["state"]}, follow=True)
    assert "窓口で本人確認をしてください" in response.content.decode()
    user.refresh_from_db()
    assert user.assurance == User.Assurance.EMAIL


def test_one_card_one_account(client, provider, monkeypatch):
    resident_record()
    for expected in (User.Assurance.VERIFIED, User.Assurance.EMAIL):
        user = _resident_client(client)
        _url, query = _start(client)
        monkeypatch.setattr(DigitalAuthAppProvider, "http", RecordedHttp(nonce=query["nonce"]))
        client.get("/identity/callback", {"code": "c", "state": query["state"]})
        user.refresh_from_db()
        assert user.assurance == expected


def test_demo_provider_runs_the_same_flow_offline(client):
    user = _resident_client(client)
    record = resident_record()
    url, query = _start(client, "demo")
    page = client.get(url).content.decode()
    assert "デモ" in page
    assert record.name in page
    response = client.post(url.split("?")[0], {**query, "resident": record.pk})
    callback = urlparse(response["Location"])
    assert callback.path == "/identity/callback"
    response = client.get(callback.path + "?" + callback.query)
    assert response["Location"] == "/ja/accounts/"
    user.refresh_from_db()
    assert user.assurance == User.Assurance.VERIFIED
    # The demo's codes are single-use too.
    response = client.get(callback.path + "?" + callback.query, follow=True)
    assert "やり直してください" in response.content.decode()


def test_demo_provider_refuses_a_wrong_pkce_verifier(rf):
    from yakusho.accounts.identity.demo import DemoProvider, s256

    record = resident_record()
    code = DemoProvider.issue_code(
        resident_id=record.pk, nonce="n", code_challenge=s256("right"), redirect_uri="http://x/cb"
    )
    with pytest.raises(IdentityFlowError):
        DemoProvider().complete(
            rf.get("/"), code=code, code_verifier="wrong", nonce="n", redirect_uri="http://x/cb"
        )


def test_no_mynumber_is_stored_anywhere():
    fields = {f.name for model in (User, IdentityLink) for f in model._meta.get_fields()}
    assert not any(
        "mynumber" in name or "kojin_bango" in name or "individual" in name for name in fields
    )


# --- counter codes (書かない窓口) --------------------------------------------------------------


def test_counter_code_verifies_once(client):
    record = resident_record()
    staff = StaffFactory()
    code = services.counter_code_issue(resident=record, staff=staff)
    assert len(code) == 9
    user = _resident_client(client)
    response = client.post("/ja/accounts/identity/counter-code/", {"code": code.lower()})
    assert response["Location"] == "/ja/accounts/"
    user.refresh_from_db()
    assert user.resident == record
    assert IdentityLink.objects.get(user=user).verified_by == staff
    other = UserFactory()
    client.force_login(other)
    response = client.post("/ja/accounts/identity/counter-code/", {"code": code})
    assert "すでに使われています" in response.content.decode()


def test_expired_counter_code(client):
    import datetime as dt

    from django.utils import timezone

    from yakusho.accounts.models import CounterCode

    code = services.counter_code_issue(resident=resident_record(), staff=StaffFactory())
    CounterCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _resident_client(client)
    response = client.post("/ja/accounts/identity/counter-code/", {"code": code})
    assert "有効期限が切れています" in response.content.decode()


def test_guessing_counter_codes_is_throttled(client):
    _resident_client(client)
    for _ in range(5):
        response = client.post("/ja/accounts/identity/counter-code/", {"code": "AAAA-AAAA"})
        assert "確認コードが正しくありません" in response.content.decode()
    response = client.post("/ja/accounts/identity/counter-code/", {"code": "AAAA-AAAA"})
    assert "分後にもう一度お試しください" in response.content.decode()


def test_staff_cannot_verify_themselves(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert (
        client.post("/ja/accounts/identity/counter-code/", {"code": "AAAA-AAAA"}).status_code == 404
    )
