"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one).

A missing Chromium fails these tests; it never skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls that tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    path = os.environ.get("YAKUSHO_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium) "
            "or set YAKUSHO_CHROMIUM to its path."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium, live_server):
    """A fresh browser profile per test; `context(javascript=False)` for a no-JS one."""
    opened = []

    def open_context(*, javascript: bool = True, width: int = 1280):
        context = chromium.new_context(
            base_url=live_server.url,
            locale="ja-JP",
            java_script_enabled=javascript,
            viewport={"width": width, "height": 900},
        )
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


@pytest.fixture
def demo_city(transactional_db, settings):
    from yakusho.demo.services import demo_city_load

    settings.DEMO = True
    return demo_city_load()


def sign_in_browser(context, client):
    """Hand a Django test client's signed-in session to a browser context."""
    from urllib.parse import urlparse

    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    host = urlparse(context.pages[0].url if context.pages else "http://localhost").hostname
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "domain": host or "localhost",
                "path": "/",
            }
        ]
    )
