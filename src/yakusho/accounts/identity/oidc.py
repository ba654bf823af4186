"""A small OpenID Connect relying party: authorisation code + PKCE (S256), `state` and
`nonce`, ID token verified against the provider's published keys. Used for the デジタル認証アプリ
and for staff single sign-on with the city's directory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import jwt
import requests

from .base import IdentityFlowError

REQUIRED_KEYS = (
    "issuer",
    "client_id",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
)


class Http(Protocol):
    def post(self, url: str, *, data: dict, auth: tuple[str, str]) -> tuple[int, Any]: ...
    def get(self, url: str, *, headers: dict | None = None) -> tuple[int, Any]: ...


class RequestsHttp:
    timeout = 10

    def post(self, url: str, *, data: dict, auth: tuple[str, str]) -> tuple[int, Any]:
        response = requests.post(url, data=data, auth=auth, timeout=self.timeout)
        return response.status_code, _json(response.text)

    def get(self, url: str, *, headers: dict | None = None) -> tuple[int, Any]:
        response = requests.get(url, headers=headers or {}, timeout=self.timeout)
        return response.status_code, _json(response.text)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass
class OidcClient:
    config: dict[str, str]
    http: Http
    scopes: str

    def is_configured(self) -> bool:
        return all(self.config.get(key) for key in REQUIRED_KEYS)

    def authorization_url(
        self, *, state: str, nonce: str, code_challenge: str, redirect_uri: str
    ) -> str:
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

    def complete(
        self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str
    ) -> tuple[dict, dict]:
        """Exchange the code; return the verified ID token's claims and the userinfo."""
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
        claims = self._verify_id_token(token.get("id_token", ""), nonce=nonce)
        try:
            status, userinfo = self.http.get(
                self.config["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {token.get('access_token', '')}"},
            )
        except requests.RequestException as exc:
            raise IdentityFlowError("unavailable", str(exc)) from None
        if status != 200 or not isinstance(userinfo, dict):
            raise IdentityFlowError("invalid", f"userinfo answered {status}")
        if userinfo.get("sub") != claims["sub"]:
            raise IdentityFlowError("invalid", "userinfo sub differs from the ID token's")
        return claims, userinfo

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
            claims = jwt.decode(
                id_token,
                key=jwt.PyJWK(key_data).key,
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
