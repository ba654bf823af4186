"""Single sign-on for staff with the city's directory (OpenID Connect).

A member of staff already registered in yakusho (matched by verified e-mail) signs in through
the city's identity provider. If the provider says a second factor was used (RFC 8176 `amr`
values) and the city trusts it, that counts as the office's second factor; otherwise the
office asks for the authenticator code as after a password.
"""

from __future__ import annotations

from django.conf import settings

from .identity.oidc import Http, OidcClient, RequestsHttp

# RFC 8176 authentication method references that mean more than a password.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp", "hwk", "swk", "fpt", "face", "iris", "retina", "sc"})


class StaffSSO:
    http: Http = RequestsHttp()

    @property
    def client(self) -> OidcClient:
        return OidcClient(config=settings.STAFF_SSO, http=self.http, scopes="openid email profile")

    def is_configured(self) -> bool:
        return self.client.is_configured()

    @staticmethod
    def second_factor_used(claims: dict) -> bool:
        amr = claims.get("amr") or []
        return settings.STAFF_SSO_TRUST_MFA and bool(SECOND_FACTOR_AMR.intersection(amr))
