"""The procedures journey in Chromium: every page passes axe, in ja and en, and works
without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from ..factories import PASSWORD, UserFactory, resident_record

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def _accessible(page):
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _signed_in(browser_context, client, live_server, user):
    client.post("/ja/accounts/login/", {"login": user.email, "password": PASSWORD})
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


@pytest.mark.parametrize("language", ["ja", "en"])
def test_resident_journey_pages_pass_axe(demo_city, browser_context, client, live_server, language):
    user = UserFactory(assurance="verified", resident=resident_record())
    page = _signed_in(browser_context, client, live_server, user)
    for path in (
        "/procedures/",
        "/procedures/?q=じゅうみんひょう",
        "/procedures/juminhyo-yuso/",
        "/mypage/",
    ):
        page.goto(f"/{language}{path}")
        _accessible(page)
    page.goto(f"/{language}/procedures/juminhyo-yuso/")
    page.locator("main form button[type=submit]").click()
    _accessible(page)  # step 1: registry values shown, locked
    page.locator("#id_phone").fill("0463-82-5111")
    page.locator("main form button[type=submit]").first.click()
    page.locator("#id_scope_0").check()
    page.locator("#id_copies").fill("3")
    page.locator("#id_purpose").select_option("other")
    page.locator("main form button[type=submit]").first.click()
    _accessible(page)  # errors: the conditional field is required now
    assert page.locator(".error-summary").is_visible()
    page.locator("#id_purpose_other").fill("ビザの申請")
    page.locator("main form button[type=submit]").first.click()
    page.locator("#id_agree").check()
    page.locator("main form button[type=submit]").first.click()
    _accessible(page)  # check your answers
    assert "900" in page.locator("main").inner_text()
    page.locator("main form button[type=submit]").last.click()
    _accessible(page)  # done, with the receipt number
    assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator("main").inner_text())


def _past_the_first_step(browser_context, client, live_server, code, check=None):
    """A verified resident who started the procedure and sent its first step (the applicant,
    prefilled, and a phone number); the page shows the second step."""
    user = UserFactory(assurance="verified", resident=resident_record())
    page = _signed_in(browser_context, client, live_server, user)
    page.goto(f"/ja/procedures/{code}/")
    page.locator("main form button[type=submit]").click()
    page.locator("#id_phone").fill("0463-82-5111")
    if check:
        page.locator(check).check()
    page.locator("main form button[type=submit]").first.click()
    return page


def test_conditional_field_appears_with_javascript_and_is_ignored_without(
    demo_city, browser_context, client, live_server
):
    page = _past_the_first_step(browser_context, client, live_server, "juminhyo-yuso")
    other = page.locator("#id_purpose_other")
    assert not other.is_visible()
    page.locator("#id_purpose").select_option("other")
    assert other.is_visible()

    no_js = browser_context(javascript=False)
    no_js.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlparse(live_server.url).hostname,
                "path": "/",
            }
        ]
    )
    plain = no_js.new_page()
    plain.goto(page.url)
    assert plain.locator("#id_purpose_other").is_visible()  # shown, and ignored unless "other"
    plain.locator("#id_scope_0").check()
    plain.locator("#id_copies").fill("1")
    plain.locator("#id_purpose").select_option("job")
    plain.locator("#id_purpose_other").fill("これは使われない")
    plain.locator("main form button[type=submit]").first.click()
    assert plain.url.endswith("/confirm/")


def test_a_field_required_by_another_answer_shows_its_marker_as_the_resident_chooses(
    demo_city, browser_context, client, live_server
):
    page = _past_the_first_step(
        browser_context, client, live_server, "risai-shomei", check="#id_is_head_0"
    )
    marker = page.locator("label[for=id_disaster_detail] .required")
    assert marker.count() == 1
    assert not marker.is_visible()
    page.get_by_label("その他").check()  # 災害の種類: the detail is required now
    assert marker.is_visible()
    # The marker is part of the field's accessible name exactly while it shows.
    assert page.get_by_role("textbox", name="災害の名称・内容 必須", exact=True).count() == 1
    _accessible(page)
    page.get_by_label("火災").check()
    assert not marker.is_visible()
    detail = page.locator("#id_disaster_detail")
    assert detail.evaluate("e => e.labels[0].innerText.trim()") == "災害の名称・内容"
    assert page.get_by_role("textbox", name="災害の名称・内容", exact=True).count() == 1


def test_a_group_rows_field_required_by_its_own_row_shows_its_marker(
    demo_city, browser_context, client, live_server
):
    """粗大ごみ: 品名・特徴 is required in a row whose 品目 is その他 — that row's marker only."""
    page = _past_the_first_step(browser_context, client, live_server, "sodai-gomi")
    page.locator("button[name=_add_items_small]").click()  # a second row (the server adds it)
    # Things are counted 点, not 人: the row's heading and its buttons say so.
    assert page.get_by_role("heading", name="（2点目）").count() == 1
    assert page.locator("button[name=_add_items_small]").inner_text() == "もう1点追加する"
    assert page.get_by_role("button", name="2点目を削除する").count() == 1
    first, second = (
        page.locator(f"label[for=id_items_small-{i}__detail] .required") for i in (0, 1)
    )
    assert not first.is_visible()
    assert not second.is_visible()
    page.locator("#id_items_small-1__item").select_option("other")
    assert second.is_visible()
    assert not first.is_visible()
    assert page.get_by_role("textbox", name="品名・特徴 必須", exact=True).count() == 1
    _accessible(page)
    page.locator("#id_items_small-0__item").select_option("sofa")
    page.get_by_role("button", name="次へ進む").click()  # with row 2's 品名 empty
    assert page.locator("#id_items_small-1__detail").get_attribute("aria-invalid") == "true"
    assert second.is_visible()
    assert not first.is_visible()
    page.locator("#id_items_small-1__item").select_option("chair")
    assert not second.is_visible()


def test_builder_pages_pass_axe(demo_city, browser_context, staff_client, live_server):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    staff = StaffFactory()
    assign(staff, Department.objects.get(code="koseki-jumin"), Role.SHOZOKUCHO)
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
    page = context.new_page()
    for language in ("ja", "en"):
        for path in (
            "/office/procedures/",
            "/office/procedures/new/",
            "/office/procedures/juminhyo-yuso/",
            "/office/procedures/juminhyo-yuso/edit/",
            "/office/procedures/juminhyo-yuso/steps/request/fields/purpose/",
            "/office/procedures/juminhyo-yuso/steps/request/",
        ):
            page.goto(f"/{language}{path}")
            _accessible(page)
