"""Identity providers: how a resident proves who they are (plugin registry).

A provider runs an OpenID Connect authorisation-code flow with PKCE (S256), `state` and
`nonce`; the flow itself (accounts.views) is the same for every provider. `demo` is an offline
stand-in with the same flow; `digital-auth-app` is the デジタル認証アプリ.
"""

from .base import IdentityFlowError, IdentityProvider, get_provider, providers, register

__all__ = ["IdentityFlowError", "IdentityProvider", "get_provider", "providers", "register"]
