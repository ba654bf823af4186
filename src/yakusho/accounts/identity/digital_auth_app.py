"""The デジタル認証アプリ (Digital Agency): OpenID Connect, authorisation code + PKCE (S256),
`state` and `nonce` required, scopes `openid name address birthdate gender` (基本4情報).

Configured by YAKUSHO_DAA_* settings; tested against recorded responses, never the network.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import IdentityProvider, parse_claims, register
from .oidc import Http, OidcClient, RequestsHttp


@register("digital-auth-app")
class DigitalAuthAppProvider(IdentityProvider):
    name = _("マイナンバーカード（デジタル認証アプリ）")
    http: Http = RequestsHttp()

    @property
    def client(self) -> OidcClient:
        return OidcClient(config=settings.DIGITAL_AUTH_APP, http=self.http, scopes=self.scopes)

    def is_available(self) -> bool:
        return self.client.is_configured()

    def authorization_url(self, request, *, state, nonce, code_challenge, redirect_uri):
        return self.client.authorization_url(
            state=state, nonce=nonce, code_challenge=code_challenge, redirect_uri=redirect_uri
        )

    def complete(self, request, *, code, code_verifier, nonce, redirect_uri):
        claims, userinfo = self.client.complete(
            code=code, code_verifier=code_verifier, nonce=nonce, redirect_uri=redirect_uri
        )
        return parse_claims(claims["sub"], {**claims, **userinfo})
