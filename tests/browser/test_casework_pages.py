"""The back office's casework pages in Chromium, with demo cases in every state: axe finds
nothing in ja and en, and a caseworker can ask for a correction with the keyboard alone."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def _accessible(page):
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def caseworker_page(demo_city, browser_context, staff_client, live_server):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department
    from yakusho.demo.cases import demo_cases_load

    from ..factories import StaffFactory, assign

    demo_cases_load(count=60)
    staff = StaffFactory()
    for code in ("kodomo-seisaku", "koseki-jumin"):
        department = Department.objects.get(code=code)
        assign(staff, department, Role.TANTO)
        assign(staff, department, Role.SHOZOKUCHO)
    client = staff_client(staff)
    context = browser_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlparse(live_server.url).hostname,
                "path": "/",
            }
        ]
    )
    return context.new_page()


def test_casework_pages_pass_axe(caseworker_page):
    from yakusho.cases.models import Case, Decision, State
    from yakusho.residents.models import ResidentRecord

    page = caseworker_page
    departments = ("kodomo-seisaku", "koseki-jumin")
    mine = Case.objects.filter(department__code__in=departments)
    samples = [
        mine.filter(state=State.CORRECTION).first(),
        mine.filter(decisions__stage=Decision.Stage.AWAITING_APPROVAL).first(),
        mine.filter(documents__isnull=False).first(),
    ]
    assert all(samples), "the demo should have cases in each of these states"
    for language in ("ja", "en"):
        for path in (
            "/office/",
            "/office/cases/",
            "/office/cases/?state=open&overdue=on&sort=-received",
            "/office/cases/?q=ハダノ",
            "/office/cases/stats/",
            *[f"/office/cases/{case.pk}/" for case in samples],
        ):
            page.goto(f"/{language}{path}")
            _accessible(page)
    taro = ResidentRecord.objects.get(name="秦野 太郎")
    for path in (
        f"/ja/office/counter/residents/{taro.pk}/",
        f"/ja/office/counter/residents/{taro.pk}/apply/",
        f"/ja/office/counter/residents/{taro.pk}/life-events/shussei/",
    ):
        page.goto(path)
        _accessible(page)
    # The questions answered wrongly: the summary and the fields stay accessible.
    page.get_by_role("button", name="必要な手続きを調べる").click()
    assert page.locator(".error-summary").is_visible()
    _accessible(page)


def test_correction_request_with_the_keyboard_alone(caseworker_page):
    from yakusho.cases.models import Case, State

    page = caseworker_page
    case = Case.objects.filter(
        department__code="kodomo-seisaku", state=State.REVIEWING, decisions__isnull=True
    ).first()
    page.goto(f"/ja/office/cases/{case.pk}/")
    form = page.locator(f"form[action$='/cases/{case.pk}/correction/']")
    form.locator("input[type=checkbox]").first.focus()
    page.keyboard.press("Space")
    form.locator("textarea").focus()
    page.keyboard.type("電話番号をもう一度確認してください。")
    form.locator("button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    case.refresh_from_db()
    assert case.state == State.CORRECTION
    assert case.paused_since is not None
    assert page.locator("[role=status], .notification").first.is_visible()
    _accessible(page)
