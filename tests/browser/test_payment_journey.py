"""Issue 7's journey in Chromium: 住民票の写し by post for 3 copies paid with the demo card,
a second request paid at a コンビニ two days later through a simulated notification, a
receipt for each; then the accounting clerk's pages. Every page passes axe."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def _accessible(page):
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _request_copies(page, copies: int) -> None:
    page.goto("/ja/procedures/juminhyo-yuso/")
    page.get_by_role("button", name="申請をはじめる").click()
    page.get_by_label("日中に連絡がとれる電話番号").fill("0463-82-5111")
    page.get_by_role("button", name="次へ進む").click()
    page.get_by_label("本人のみ").check()
    page.get_by_label("通数").fill(str(copies))
    page.get_by_label("使い道 必須", exact=True).select_option(label="就職・勤務先へ提出")
    page.get_by_role("button", name="次へ進む").click()
    page.get_by_label("請求の内容に誤りがないことを確認しました。").check()
    page.get_by_role("button", name="次へ進む").click()
    assert f"{copies * 300:,}円" in page.locator("main").inner_text()
    _accessible(page)
    page.get_by_role("button", name="申請して支払いへ進む").click()
    page.wait_for_url("**/payments/*/?sent=1")


def test_card_and_konbini_payments_with_receipts(demo_city, page, live_server, settings):
    from yakusho.core.worker import Worker
    from yakusho.demo.services import DEMO_PASSWORD
    from yakusho.payments.models import Charge

    settings.SITE_URL = live_server.url  # the demo provider's pages are addressed by it
    page.goto("/ja/accounts/login/")
    page.get_by_label("メールアドレス").fill("taro@example.jp")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    # 3 copies, 900 yen, by card.
    _request_copies(page, 3)
    _accessible(page)
    page.get_by_label("クレジットカード").check()
    page.get_by_role("button", name="900円を支払う").click()
    page.wait_for_url("**/payments/demo-provider/*/")
    _accessible(page)
    page.get_by_label("支払いに成功する").check()
    page.get_by_role("button", name="決定して市のページに戻る").click()
    page.wait_for_url("**/payments/*/")
    assert "お支払いが完了しました" in page.locator("main").inner_text()
    _accessible(page)
    card = Charge.objects.get(amount=900)
    assert card.state == "paid"
    receipt = page.request.get(f"/ja/payments/{card.reference}/receipt.pdf")
    assert receipt.body().startswith(b"%PDF")

    # 1 copy at a コンビニ: the number now, the money two days later.
    _request_copies(page, 1)
    page.get_by_label("コンビニ払い").check()
    page.get_by_role("button", name="300円を支払う").click()
    page.wait_for_url("**/payments/demo-provider/*/")
    sandbox = page.url
    page.get_by_label("お支払い番号を発行する").check()
    page.get_by_role("button", name="決定して市のページに戻る").click()
    page.wait_for_url("**/payments/*/")
    assert "コンビニでお支払いください" in page.locator("main").inner_text()
    _accessible(page)
    page.goto(sandbox)
    paid_on = timezone.localdate() + dt.timedelta(days=2)
    page.get_by_label("支払った日").fill(paid_on.isoformat())
    page.get_by_role("button", name="入金の通知を送る").click()
    Worker(worker_id="test").run_until_idle()  # the notification, through the worker
    konbini = Charge.objects.get(amount=300)
    assert konbini.state == "paid"
    page.goto(f"/ja/payments/{konbini.reference}/")
    assert "支払済み" in page.locator("main").inner_text()
    page.goto("/ja/mypage/")
    assert page.get_by_role("link", name=f"領収書（PDF） {konbini.reference}").is_visible()
    _accessible(page)


def test_office_payment_pages_pass_axe(demo_city, browser_context, staff_client, live_server):
    from yakusho.accounts.models import Role
    from yakusho.core.models import Department

    from ..factories import StaffFactory, assign

    clerk = StaffFactory(last_name="会計")
    assign(clerk, Department.objects.get(code="kaikei"), Role.TANTO)
    client = staff_client(clerk)
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
    today = timezone.localdate().isoformat()
    for path in (
        "/ja/office/payments/",
        "/ja/office/payments/reconcile/",
        f"/ja/office/payments/reconcile/?provider=demo&first={today}&last={today}",
    ):
        page.goto(path)
        assert page.locator("h1").is_visible()
        _accessible(page)
