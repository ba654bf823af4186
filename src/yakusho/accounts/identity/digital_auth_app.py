"""The デジタル認証アプリ (Digital Agency): OpenID Connect, authorisation code + PKCE (S256),
`state` and `nonce` required, scopes `openid name address birthdate gender` (基本4情報).

Configured by YAKUSHO_DAA_* settings; tested against recorded responses, never the network.
"""

from __future__ import annotations

import json
from typing import Any, Protocol
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import IdentityFlowError, IdentityProvider, parse_claims, register


class Http(Protocol):
    def post(self, url: str, *, data: dict, auth: tuple[str, str]) -> tuple[int, Any]: ...
    def get(self, url: str, *, headers: dict | None = None) -> tuple[int, Any]: ...


class RequestsHttp:
    timeout = 10

    def post(self, url, *, data, auth):
        response = requests.post(url, data=data, auth=auth, timeout=self.timeout)
        return response.status_code, _json(response.text)

    def get(self, url, *, headers=None):
        response = requests.get(url, headers=headers or {}, timeout=self.timeout)
        return response.status_code, _json(response.text)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


@register("digital-auth-app")
class DigitalAuthAppProvider(IdentityProvider):
    name = _("マイナンバーカード（デジタル認証アプリ）")
    http: Http = RequestsHttp()

    @property
    def config(self) -> dict[str, str]:
        return settings.DIGITAL_AUTH_APP

    def is_available(self) -> bool:
        required = (
            "issuer",
            "client_id",
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
        )
        return all(self.config.get(key) for key in required)

    def authorization_url(self, request, *, state, nonce, code_challenge, redirect_uri):
        query = urlencode(
            {
                "response_type": "code",
                "scope": self.scopes,
                "client_id": self.config["client_id"],
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.config['authorization_endpoint']}?{query}"

    def complete(self, request, *, code, code_verifier, nonce, redirect_uri):
        try:
            status, token = self.http.post(
                self.config["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": code_verifier,
                },
                auth=(self.config["client_id"], self.config.get("client_secret", "")),
            )
        except requests.RequestException as exc:
            raise IdentityFlowError("unavailable", str(exc)) from None
        if status != 200 or not isinstance(token, dict):
            error = token.get("error") if isinstance(token, dict) else None
            raise IdentityFlowError(
                "expired" if error == "invalid_grant" else "invalid",
                f"token endpoint answered {status} {error}",
            )
        id_claims = self._verify_id_token(token.get("id_token", ""), nonce=nonce)
        try:
            status, userinfo = self.http.get(
                self.config["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {token.get('access_token', '')}"},
            )
        except requests.RequestException as exc:
            raise IdentityFlowError("unavailable", str(exc)) from None
        if status != 200 or not isinstance(userinfo, dict):
            raise IdentityFlowError("invalid", f"userinfo answered {status}")
        if userinfo.get("sub") != id_claims["sub"]:
            raise IdentityFlowError("invalid", "userinfo sub differs from the ID token's")
        return parse_claims(id_claims["sub"], {**id_claims, **userinfo})

    def _verify_id_token(self, id_token: str, *, nonce: str) -> dict:
        try:
            header = jwt.get_unverified_header(id_token)
            status, jwks = self.http.get(self.config["jwks_uri"])
            if status != 200 or not isinstance(jwks, dict):
                raise IdentityFlowError("unavailable", "JWKS not available")
            key_data = next(
                (k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None
            )
            if key_data is None:
                raise IdentityFlowError("invalid", "unknown signing key")
            key = jwt.PyJWK(key_data)
            claims = jwt.decode(
                id_token,
                key=key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=self.config["client_id"],
                issuer=self.config["issuer"],
                leeway=60,
                options={"require": ["exp", "iat", "sub", "nonce"]},
            )
        except jwt.ExpiredSignatureError:
            raise IdentityFlowError("expired", "ID token expired") from None
        except jwt.PyJWTError as exc:
            raise IdentityFlowError("invalid", f"ID token rejected: {exc}") from None
        except requests.RequestException as exc:
            raise IdentityFlowError("unavailable", str(exc)) from None
        if claims.get("nonce") != nonce:
            raise IdentityFlowError("invalid", "nonce mismatch")
        return claims
