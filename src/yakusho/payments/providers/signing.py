"""HMAC-SHA256 webhook signatures in the widely used "t=<unix time>,v1=<hex>" form: the
signed text is "<t>.<body>", and a timestamp outside the tolerance is refused (replays)."""

from __future__ import annotations

import hashlib
import hmac
import time

from . import WebhookRejected

TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, body: bytes, header: str, *, now: float | None = None) -> None:
    if not secret:
        raise WebhookRejected("no webhook secret is configured")
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise WebhookRejected("signature header without a timestamp") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise WebhookRejected("timestamp outside the tolerance (replayed or delayed)")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not any(hmac.compare_digest(expected.hexdigest(), v) for v in parts.get("v1", [])):
        raise WebhookRejected("signature does not match")
