"""Keyboard alone, and no JavaScript at all: both must get residents through."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_with_the_keyboard_alone(demo_city, page):
    page.goto("/ja/accounts/signup/")
    page.keyboard.press("Tab")  # skip link
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "本文へ移動"
    page.keyboard.press("Enter")
    page.locator("#id_email").focus()
    page.keyboard.type("keyboard@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-passphrase")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-passphrase")
    with page.expect_navigation(url="**/accounts/confirm-email/"):
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "確認のメールを送りました"


def test_display_settings_with_the_keyboard_alone(demo_city, page):
    page.goto("/ja/display/")
    page.locator("#id_text_size_0").focus()
    page.keyboard.press("ArrowRight")  # 標準 → 大きい
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # 標準 → 高コントラスト
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.className") == "text-large contrast-high"


def test_errors_are_announced_and_focused(demo_city, page):
    page.goto("/ja/accounts/signup/")
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"


def test_language_furigana_and_text_size_work_without_javascript(demo_city, browser_context):
    page = browser_context(javascript=False).new_page()
    page.goto("/ja/")
    page.locator("summary").click()  # the language list is a native <details>
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto("/ja/accessibility/")
    page.get_by_role("button", name="ふりがなをつける").click()
    assert page.locator("ruby").count() > 0
    assert page.url.endswith("/ja/accessibility/")
    page.goto("/ja/display/")
    page.locator("#id_text_size_2").check()  # とても大きい (its label now carries readings)
    page.locator("main button[type=submit]").click()
    assert "text-largest" in page.evaluate("document.documentElement.className")


def test_postal_code_fills_the_address_with_and_without_javascript(
    demo_city, browser_context, staff_client, live_server
):
    from urllib.parse import urlparse

    from django.conf import settings

    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    staff = StaffFactory()
    assign(staff, Department.objects.get(code="koseki-jumin"), Role.TANTO)
    client = staff_client(staff)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": urlparse(live_server.url).hostname,
        "path": "/",
    }
    with_js = browser_context()
    with_js.add_cookies([cookie])
    page = with_js.new_page()
    page.goto("/ja/office/components/")
    page.get_by_label("郵便番号").fill("257-0015")
    expect(page.locator("#id_address")).to_have_value("神奈川県秦野市平沢")

    without_js = browser_context(javascript=False)
    without_js.add_cookies([cookie])
    page = without_js.new_page()
    page.goto("/ja/office/components/")
    page.get_by_label("郵便番号").fill("〒２５７－００１５")
    page.get_by_role("button", name="郵便番号から住所を入れる").click()
    assert page.locator("#id_address").input_value() == "神奈川県秦野市平沢"
    assert page.locator(".error-summary").count() == 0


def test_residents_pages_are_light_and_stay_on_this_origin(demo_city, page, live_server):
    sizes: dict[str, int] = {}
    foreign: list[str] = []

    def record(response):
        url = response.url
        if not url.startswith(live_server.url):
            foreign.append(url)
            return
        kind = response.headers.get("content-type", "")
        if any(t in kind for t in ("text/html", "text/css", "javascript")):
            sizes[url] = len(response.body())

    page.on("response", record)
    for path in ("/ja/", "/en/", "/ja/accounts/login/", "/ja/display/", "/ja-x-easy/"):
        sizes.clear()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        assert total < 60 * 1024, (path, total, sizes)
    assert foreign == []
