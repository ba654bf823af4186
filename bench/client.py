"""HTTP clients that behave like a browser: sessions, cookies, CSRF and redirects."""

from __future__ import annotations

import http.client
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

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
class Page:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Browser:
    """One resident's browser for the load loops: keeps cookies (set, replaced and expired by
    Set-Cookie), follows redirects when asked, reuses the connection while the server allows.

    Built on http.client rather than requests because the load generator shares the machine
    with the server: requests spends about 1.7 ms of CPU on a request, this about 0.5 ms (same
    local server, `time.process_time()` over 500 requests), and every millisecond the load
    generator uses is one the server under test does not get."""

    REDIRECTS = (301, 302, 303, 307, 308)

    def __init__(self, base: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(base)
        self.base = base
        self.cookies: dict[str, str] = {}
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout
        )

    def get(self, path: str, *, follow: bool = True) -> Page:
        page = self._send("GET", path)
        for _ in range(5):
            if not follow or page.status not in self.REDIRECTS:
                break
            page = self._send("GET", urljoin(page.url, page.headers["location"]))
        return page

    def post(self, path: str, data: dict[str, str], *, referer: str) -> Page:
        """A form sent as a browser sends it; the redirect that answers it is returned, not
        followed, so the caller can read where it points."""
        body = urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
        return self._send("POST", path, body, headers)

    def _send(
        self, method: str, path: str, body: bytes | None = None, extra: dict | None = None
    ) -> Page:
        url = urljoin(self.base, path)
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Accept": "text/html", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self._connection.request(method, target, body=body, headers=headers)
            response = self._connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self._connection.close()  # the next request opens a fresh connection
            raise
        for header in response.msg.get_all("Set-Cookie") or ():
            self._remember(header)
        names = {name.lower(): value for name, value in response.getheaders()}
        return Page(response.status, names, content, url)

    def _remember(self, header: str) -> None:
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        attributes = attributes.lower()
        if "max-age=0" in attributes or "01 jan 1970" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()


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
