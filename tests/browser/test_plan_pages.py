"""The ICT plan's pages in Chromium with the demo plan loaded: axe finds nothing on the
office plan pages and the residents' plan, year and minutes pages, in ja and en."""

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
def demo_plan(demo_city):
    from yakusho.demo.plan import demo_plan_load

    demo_plan_load()


def test_plan_pages_pass_axe(demo_plan, browser_context, staff_client, live_server):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department
    from yakusho.plan.models import Meeting, Minutes, Program, Project

    from ..factories import StaffFactory, assign

    ict = StaffFactory()
    assign(ict, Department.objects.get(code="joho-seisaku"), Role.TANTO)
    client = staff_client(ict)
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
    page = context.new_page()
    minutes = Minutes.objects.filter(meeting__items__casting_vote="aye").first()
    project = Project.objects.get(code="online-application")
    program = Program.objects.get(number=10)
    meeting = Meeting.objects.filter(body__code="joho-iinkai").first()
    for language in ("ja", "en"):
        for path in (
            "/office/plan/?year=2024",
            f"/office/plan/projects/{project.pk}/?year=2024",
            f"/office/plan/programs/{program.pk}/",
            "/office/plan/bodies/",
            f"/office/plan/meetings/{meeting.pk}/",
            "/plan/",
            "/plan/years/2024/",
            "/plan/minutes/",
            f"/plan/minutes/{minutes.pk}/",
        ):
            page.goto(f"/{language}{path}")
            assert page.locator("h1").count() == 1, path
            _accessible(page)
