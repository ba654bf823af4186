"""Issue 5's journey in Chromium, as a resident would take it: find 児童手当 by typing its
reading, answer the 出生 questions, fill the two resulting forms with the parents taken from
the registry, send them together, and follow them in マイページ — every page passing axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def _accessible(page):
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _next(page):
    page.get_by_role("button", name="次へ進む").click()


def _step(page):
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_birth_of_a_child_from_search_to_mypage(demo_city, page):
    from yakusho.core.models import OutboundEmail
    from yakusho.demo.services import DEMO_PASSWORD
    from yakusho.procedures.models import Submission

    page.goto("/ja/accounts/login/")
    page.get_by_label("メールアドレス").fill("taro@example.jp")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    # The finder understands the reading in hiragana.
    page.goto("/ja/")
    page.get_by_role("searchbox", name="手続きをさがす").fill("じどうてあて")
    page.keyboard.press("Enter")
    page.wait_for_url("**/procedures/?q=*")
    assert page.get_by_role("link", name="児童手当の認定請求").is_visible()
    _accessible(page)

    # The 出生 life event: what happened, not which forms — the city works out the forms.
    page.goto("/ja/")
    page.get_by_role("link", name="出生").click()
    _accessible(page)
    page.get_by_label("氏名 必須", exact=True).fill("秦野 湊")  # marked before sending
    page.get_by_label("氏名（フリガナ）").fill("ﾊﾀﾞﾉ ﾐﾅﾄ")  # half-width kana is accepted
    page.get_by_label("元号").select_option(label="令和")
    page.get_by_label("年", exact=True).fill("８")  # and full-width digits
    page.get_by_label("月", exact=True).fill("11")
    page.get_by_label("日", exact=True).fill("20")
    page.get_by_role("group", name="出生届はもう出しましたか").get_by_label("はい").check()
    page.get_by_label("父または母の勤務先の健康保険（扶養）").check()
    page.get_by_role("group", name="出産した方は国民健康保険に入っていますか").get_by_label(
        "いいえ"
    ).check()
    page.get_by_role(
        "group", name="上のお子さんの児童手当を、すでに秦野市から受け取っていますか"
    ).get_by_label("いいえ").check()
    page.get_by_role("button", name="必要な手続きを調べる").click()
    needed = page.locator("main form ul").inner_text()
    assert "児童手当の認定請求" in needed
    assert "小児医療費助成" in needed
    assert "国民健康保険" not in needed  # the baby joins a parent's insurance at work
    page.get_by_role("button", name="まとめて申請をはじめる").click()
    bundle_url = page.url
    _accessible(page)

    # 児童手当: the claimant and the spouse come from the registry, the newborn from above.
    page.get_by_role("link", name="入力する 児童手当の認定請求").click()
    assert "秦野 太郎" in page.locator("main").inner_text()
    page.locator("[name=phone]").fill("０４６３－８２－５１１１")
    page.locator("[name=job][value=company]").check()
    page.locator("[name=reason][value=birth]").check()
    _next(page)
    page.locator("[name=has_spouse]").first.check()
    assert page.locator("[name=spouse__name]").input_value() == "秦野 花子"
    page.locator("[name=spouse_together]").first.check()
    _next(page)
    assert _step(page) == "jido"
    assert "秦野 湊（ハダノ ミナト）" in page.locator("main").inner_text()
    _next(page)  # the registry's child still needs 同居/別居
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "（1人目）" in summary.inner_text()  # says which row is wrong
    _accessible(page)
    page.locator("[name='children-0__living']").first.check()
    _next(page)
    page.locator("[name=use_koukin]").first.check()
    _next(page)
    page.locator("[name=agree]").check()
    _next(page)
    assert _step(page) == "check"
    _accessible(page)
    page.get_by_role("link", name="手続きの一覧に戻る").click()

    # 小児医療費助成
    page.get_by_role("link", name="入力する 小児医療費助成（医療証）の申請").click()
    page.locator("[name=phone]").fill("090-1234-5678")
    _next(page)
    page.locator("[name=child_sex][value=male]").check()
    page.locator("[name=reason][value=birth]").check()
    _next(page)
    page.locator("[name=insurance_type][value=shaho]").check()
    page.locator("[name=insured_name]").fill("秦野 太郎")
    page.locator("[name=insurer_name]").fill("全国健康保険協会 神奈川支部")
    page.locator("[name=pending][value=yes]").check()
    _next(page)
    page.locator("[name=delivery][value=mail]").check()
    page.locator("[name=agree]").check()
    _next(page)
    page.get_by_role("link", name="手続きの一覧に戻る").click()
    assert page.url == bundle_url

    # Both sent at once; nothing to pay; a receipt number each.
    page.get_by_role("button", name="まとめて申請する").click()
    _accessible(page)
    numbers = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator("main").inner_text())
    assert len(set(numbers)) == 2
    submissions = Submission.objects.filter(receipt_number__in=numbers)
    assert {s.procedure.code for s in submissions} == {"jido-teate-nintei", "kodomo-iryohi"}
    for submission in submissions:
        assert submission.answers["child"]["name"] == "秦野 湊"
        assert OutboundEmail.objects.filter(
            to="taro@example.jp", body__contains=submission.receipt_number
        ).exists()
    nintei = submissions.get(procedure__code="jido-teate-nintei")
    assert nintei.answers["spouse"]["name"] == "秦野 花子"
    assert nintei.answers["phone"] == "0463-82-5111"

    # マイページ lists each with its state; the receipt is a real PDF.
    page.goto("/ja/mypage/")
    _accessible(page)
    for number in numbers:
        row = page.get_by_role("row").filter(has_text=number)
        assert "受付" in row.inner_text()
    page.get_by_role("link", name=numbers[0]).click()
    pdf = page.request.get(
        page.get_by_role("link", name="受付票（PDF）をダウンロードする").get_attribute("href")
    )
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
