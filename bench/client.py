"""HTTP clients that behave like a browser: sessions, cookies, CSRF and redirects."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def staff_session(base: str, email: str, password: str, totp_secret: str) -> requests.Session:
    """Sign a member of staff in through the office login and the authenticator code."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    session = requests.Session()
    page = session.get(f"{base}/ja/office/login/")
    session.post(
        f"{base}/ja/office/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": csrf_of(page.text)},
        headers={"Referer": page.url},
    )
    page = session.get(f"{base}/ja/accounts/2fa/authenticate/")
    code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
    response = session.post(
        f"{base}/ja/accounts/2fa/authenticate/",
        data={"code": code, "csrfmiddlewaretoken": csrf_of(page.text)},
        headers={"Referer": page.url},
    )
    if "/office/" not in response.url:
        raise RuntimeError(f"staff login failed at {response.url}")
    return session


@dataclass
class Timings:
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0

    def add(self, seconds: float, ok: bool, size: int = 0) -> None:
        self.samples.append(seconds)
        self.errors += 0 if ok else 1
        self.bytes += size

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def summary(self, seconds: float) -> dict[str, float]:
        return {
            "requests": len(self.samples),
            "requests_per_s": round(len(self.samples) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.samples) * 1000, 1) if self.samples else 0.0,
            "errors": self.errors,
        }
