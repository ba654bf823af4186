from __future__ import annotations

import datetime as dt
import importlib
from typing import ClassVar

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..services import VerifiedClaims


class IdentityFlowError(Exception):
    """The provider's answer could not be trusted or used; `message` is for the resident."""

    MESSAGES = {
        "state": _("確認の手続きが途中で切れました。もう一度はじめからやり直してください。"),
        "expired": _("確認に時間がかかりすぎました。もう一度はじめからやり直してください。"),
        "denied": _("本人確認は取りやめられました。"),
        "invalid": _("本人確認の結果を確かめられませんでした。もう一度お試しください。"),
        "unavailable": _(
            "本人確認のサービスにつながりません。時間をおいてもう一度お試しください。"
        ),
    }

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.message = self.MESSAGES[code]
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class IdentityProvider:
    key: ClassVar[str]
    name: ClassVar[str | Promise]
    is_demo: ClassVar[bool] = False
    scopes: ClassVar[str] = "openid name address birthdate gender"

    def is_available(self) -> bool:
        return True

    def authorization_url(
        self,
        request: HttpRequest,
        *,
        state: str,
        nonce: str,
        code_challenge: str,
        redirect_uri: str,
    ) -> str:
        raise NotImplementedError

    def complete(
        self,
        request: HttpRequest,
        *,
        code: str,
        code_verifier: str,
        nonce: str,
        redirect_uri: str,
    ) -> VerifiedClaims:
        raise NotImplementedError


_REGISTRY: dict[str, type[IdentityProvider]] = {}


def register(key: str):
    def decorator(cls: type[IdentityProvider]) -> type[IdentityProvider]:
        cls.key = key
        _REGISTRY[key] = cls
        return cls

    return decorator


def _load() -> None:
    for module in ("demo", "digital_auth_app"):
        importlib.import_module(f"{__package__}.{module}")


def providers() -> list[IdentityProvider]:
    """The providers this deployment offers, in the order settings list them."""
    _load()
    found = []
    for key in settings.IDENTITY_PROVIDERS:
        provider = _REGISTRY[key]()
        if provider.is_available():
            found.append(provider)
    return found


def get_provider(key: str) -> IdentityProvider | None:
    return next((p for p in providers() if p.key == key), None)


def parse_claims(subject: str, claims: dict) -> VerifiedClaims:
    """Standard OIDC claims → the 基本4情報 (address may be a string or an address object)."""
    address = claims.get("address")
    if isinstance(address, dict):
        address = address.get("formatted") or "".join(
            str(address.get(k, "")) for k in ("region", "locality", "street_address")
        )
    try:
        birth_date = dt.date.fromisoformat(str(claims["birthdate"]))
        name = str(claims["name"]).strip()
    except (KeyError, ValueError):
        raise IdentityFlowError("invalid", "missing or malformed name/birthdate") from None
    if not name:
        raise IdentityFlowError("invalid", "empty name")
    sex = {"male": "male", "female": "female"}.get(str(claims.get("gender", "")).lower())
    return VerifiedClaims(
        subject=subject, name=name, birth_date=birth_date, sex=sex, address=address or None
    )
