import pytest

from yakusho.demo.services import demo_city_load

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_in_chromium_with_the_demo_marker(page, settings):
    settings.DEMO = True
    demo_city_load()
    page.goto("/")
    assert page.url.endswith("/ja/")
    assert page.title() == "オンライン窓口 | 秦野市"
    assert page.locator(".demo-marker").inner_text().startswith("デモ環境")
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
