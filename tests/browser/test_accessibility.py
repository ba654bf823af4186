"""axe (WCAG 2.2 A/AA rules) finds nothing on any page, in ja and en, and in a sample of
every other language; in the high-contrast theme and at large text too."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}

RESIDENT_PAGES = [
    "/",
    "/display/",
    "/accessibility/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/accounts/",
    "/accounts/identity/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/password/change/",
    "/accounts/email/",
]
OFFICE_PAGES = [
    "/office/",
    "/office/components/",
    "/office/counter/?query=ハダノ",
    "/office/audit/",
    "/office/staff/",
]
OTHER_LANGUAGES = [c for c, _ in settings.LANGUAGES if c not in ("ja", "en")]


def assert_accessible(page, path):
    page.goto(path)
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, f"{path}\n{results.generate_report()}"


def _cookie_for(context, client, base_url):
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlparse(base_url).hostname,
                "path": "/",
            }
        ]
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_residents_pages(demo_city, page, language):
    for path in RESIDENT_PAGES:
        assert_accessible(page, f"/{language}{path}")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_sample_in_every_other_language(demo_city, page, language):
    for path in ("/", "/accounts/login/", "/display/"):
        assert_accessible(page, f"/{language}{path}")


def test_signed_in_residents_pages(demo_city, browser_context, client, live_server):
    user = UserFactory()
    client.post("/ja/accounts/login/", {"login": user.email, "password": PASSWORD})
    context = browser_context()
    _cookie_for(context, client, live_server.url)
    page = context.new_page()
    for language in ("ja", "en"):
        for path in SIGNED_IN_PAGES:
            assert_accessible(page, f"/{language}{path}")


def test_office_pages(demo_city, browser_context, staff_client, live_server):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    staff = StaffFactory()
    department = Department.objects.get(code="koseki-jumin")
    for role in (Role.TANTO, Role.SYSADMIN, Role.AUDITOR):
        assign(staff, department, role)
    client = staff_client(staff)
    context = browser_context()
    _cookie_for(context, client, live_server.url)
    page = context.new_page()
    for language in ("ja", "en"):
        for path in OFFICE_PAGES:
            assert_accessible(page, f"/{language}{path}")
    # A form showing its errors (error summary, inline errors, aria-invalid).
    page.goto("/ja/office/components/")
    page.get_by_role("button", name="送信する").click()
    assert page.locator(".error-summary").is_visible()
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(("text_size", "contrast"), [("largest", "standard"), ("standard", "high")])
def test_display_preferences_stay_accessible(
    demo_city, browser_context, live_server, text_size, contrast
):
    context = browser_context(width=320)
    host = urlparse(live_server.url).hostname
    context.add_cookies(
        [
            {"name": "yakusho_text", "value": text_size, "domain": host, "path": "/"},
            {"name": "yakusho_contrast", "value": contrast, "domain": host, "path": "/"},
        ]
    )
    page = context.new_page()
    for path in ("/ja/", "/ja/accounts/login/", "/ja/display/"):
        assert_accessible(page, path)
        # Reflow: nothing wider than the 320 px viewport.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_furigana_pages_stay_accessible(demo_city, page):
    for path in ("/ja-x-easy/", "/ja-x-easy/accessibility/"):
        assert_accessible(page, path)
        assert page.locator("ruby").count() > 0
