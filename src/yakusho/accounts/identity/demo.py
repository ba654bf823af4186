"""The demo provider: an offline stand-in for the デジタル認証アプリ with the same flow.

Its "app" is a page in yakusho, clearly labelled デモ, where the tester picks which demo
resident's card is being read. Codes are single-use, tied to the PKCE challenge, the nonce and
the redirect URI, and expire after a minute, like a real provider's.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..services import VerifiedClaims
from .base import IdentityFlowError, IdentityProvider, register

CODE_TTL_SECONDS = 60


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


@register("demo")
class DemoProvider(IdentityProvider):
    name = _("マイナンバーカード（デモ）")
    is_demo = True

    def authorization_url(self, request, *, state, nonce, code_challenge, redirect_uri):
        query = urlencode(
            {
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
                "redirect_uri": redirect_uri,
                "scope": self.scopes,
                "response_type": "code",
            }
        )
        return f"{reverse('accounts:identity_demo_authorize')}?{query}"

    @staticmethod
    def issue_code(*, resident_id: int, nonce: str, code_challenge: str, redirect_uri: str) -> str:
        """What the demo "app" does once the tester has picked a card."""
        code = secrets.token_urlsafe(32)
        cache.set(
            f"identity-demo:{code}",
            {
                "resident_id": resident_id,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "redirect_uri": redirect_uri,
            },
            CODE_TTL_SECONDS,
        )
        return code

    def complete(self, request: HttpRequest, *, code, code_verifier, nonce, redirect_uri):
        from yakusho.residents.models import ResidentRecord

        grant = cache.get(f"identity-demo:{code}")
        cache.delete(f"identity-demo:{code}")  # single use, like a real authorisation code
        if grant is None:
            raise IdentityFlowError("expired", "unknown or used code")
        if grant["code_challenge"] != s256(code_verifier) or grant["redirect_uri"] != redirect_uri:
            raise IdentityFlowError("invalid", "PKCE or redirect_uri mismatch")
        if not secrets.compare_digest(grant["nonce"], nonce):
            raise IdentityFlowError("invalid", "nonce mismatch")
        return claims_for(ResidentRecord.objects.get(pk=grant["resident_id"]))


def claims_for(record) -> VerifiedClaims:
    """What the demo "card" says about a demo resident; the subject is stable per resident,
    as a real provider's pairwise identifier is per person."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{record.atena_number}".encode()).hexdigest()
    return VerifiedClaims(
        subject=f"demo-{digest[:24]}",
        name=record.name,
        birth_date=record.birth_date,
        sex=record.sex,
        address=record.address,
    )
