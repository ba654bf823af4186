"""The payment pages as people use them: residents over HTTP through the demo provider's
sandbox, staff searching, refunding and reconciling."""

import datetime as dt
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yakusho.payments import services
from yakusho.payments.models import Charge, LedgerEntry, Payment, SettlementFile, TaxBill
from yakusho.payments.providers import demo
from yakusho.payments.receipts import receipt_token
from yakusho.procedures import services as procedure_services

from ..factories import StaffFactory, UserFactory, assign, resident_record


def path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pay_by_card(client, charge, outcome="success"):
    key = str(uuid.uuid4())
    response = client.post(
        f"/ja/payments/{charge.reference}/", {"action": "pay", "method": "card", "key": key}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    sandbox = path(response["Location"])
    assert "/payments/demo-provider/" in sandbox
    assert client.get(sandbox).status_code == 200
    back = client.post(sandbox, {"outcome": outcome})
    return key, path(back["Location"])


def test_a_resident_pays_900_yen_by_card_and_downloads_the_receipt(
    resident_client, procedure, resident
):
    draft = procedure_services.draft_start(procedure=procedure, user=resident)
    procedure_services.draft_save_step(draft=draft, step_key="main", answers={"copies": 3})
    check = resident_client.get(f"/ja/apply/{draft.key}/check/")
    assert "900円" in check.content.decode()
    assert "申請して支払いへ進む" in check.content.decode()
    sent = resident_client.post(f"/ja/apply/{draft.key}/check/")
    charge = Charge.objects.get()
    assert sent["Location"] == f"/ja/payments/{charge.reference}/?sent=1"
    page = resident_client.get(sent["Location"]).content.decode()
    assert "900円" in page
    assert "続けて手数料をお支払いください" in page
    key, back = pay_by_card(resident_client, charge)
    # A double click re-sends the same key: still one attempt.
    resident_client.post(
        f"/ja/payments/{charge.reference}/", {"action": "pay", "method": "card", "key": key}
    )
    assert Payment.objects.count() == 1
    done = resident_client.get(back, follow=True).content.decode()
    assert "お支払いが完了しました" in done
    assert "支払済み" in done
    pdf = resident_client.get(f"/ja/payments/{charge.reference}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    charge.refresh_from_db()
    verify = resident_client.get(
        f"/ja/payments/receipts/{charge.reference}/{receipt_token(charge)}/"
    ).content.decode()
    assert "発行したものです" in verify
    assert "900円" in verify
    forged = resident_client.get(f"/ja/payments/receipts/{charge.reference}/{'0' * 24}/")
    assert "確認できませんでした" in forged.content.decode()
    # マイページ lists the receipt, the submission page the paid fee.
    mypage = resident_client.get("/ja/mypage/").content.decode()
    assert f"/ja/payments/{charge.reference}/receipt.pdf" in mypage
    assert "お支払いが必要なもの" not in mypage
    submission = resident_client.get(f"/ja/submissions/{charge.purpose_label}/").content.decode()
    assert "支払済み" in submission


def test_a_declined_card_leaves_the_charge_payable(resident_client, charge):
    _key, back = pay_by_card(resident_client, charge, outcome="decline")
    page = resident_client.get(back, follow=True).content.decode()
    assert "お支払いができませんでした" in page
    assert "支払方法を選ぶ" in page
    charge.refresh_from_db()
    assert charge.state == "unpaid"


def test_konbini_number_on_the_page_then_paid_two_days_later(resident_client, charge, run_tasks):
    response = resident_client.post(
        f"/ja/payments/{charge.reference}/",
        {"action": "pay", "method": "konbini", "key": str(uuid.uuid4())},
    )
    sandbox = path(response["Location"])
    with run_tasks():
        back = resident_client.post(sandbox, {"outcome": "issue"})
    page = resident_client.get(path(back["Location"]), follow=True).content.decode()
    number = Payment.objects.get().instructions["payment_number"]
    assert number in page
    assert "コンビニでお支払いください" in page
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    with run_tasks():
        resident_client.post(f"{sandbox}settle/", {"paid_at": later})
    charge.refresh_from_db()
    assert charge.state == "paid"
    assert timezone.localtime(charge.paid_at).date().isoformat() == later


def test_nobody_else_sees_a_residents_charge(client, charge):
    other = UserFactory(resident=resident_record(name="別人 花子"))
    client.force_login(other)
    assert client.get(f"/ja/payments/{charge.reference}/").status_code == 404
    assert client.get(f"/ja/payments/{charge.reference}/receipt.pdf").status_code == 404
    payment = services.payment_start(
        charge=charge, method="card", idempotency_key="k-1", return_url="http://x/{key}/"
    )
    assert client.get(f"/ja/payments/return/{payment.key}/").status_code == 404
    client.logout()
    assert client.get(f"/ja/payments/{charge.reference}/").status_code == 404


def test_bad_method_and_missing_key_get_a_clear_answer(resident_client, charge):
    page = resident_client.post(
        f"/ja/payments/{charge.reference}/", {"action": "pay", "method": "bitcoin", "key": "k"}
    ).content.decode()
    assert "支払方法：正しく選択してください。" in page
    response = resident_client.post(
        f"/ja/payments/{charge.reference}/", {"action": "pay", "method": "card", "key": ""}
    )
    assert response.status_code == 302
    assert "有効期限が切れました" in resident_client.get(response["Location"]).content.decode()
    assert not Payment.objects.exists()


def _paid(charge, run_tasks):
    payment = services.payment_start(
        charge=charge, method="card", idempotency_key=str(uuid.uuid4()), return_url="http://x/"
    )
    with run_tasks():
        demo.sandbox_choose(ref=payment.provider_ref, outcome="success")
    charge.refresh_from_db()
    return payment


def test_staff_find_a_charge_and_refund_it_partly_then_fully(
    staff_client, charge, kessai, tanto, run_tasks
):
    _paid(charge, run_tasks)
    office = staff_client(tanto)
    listing = office.get("/ja/office/payments/", {"q": charge.purpose_label.lower()})
    assert charge.reference in listing.content.decode()
    detail = office.get(f"/ja/office/payments/{charge.reference}/").content.decode()
    assert "支払いの記録" in detail
    assert "収納台帳" in detail
    assert "返金する" not in detail
    refund_url = f"/ja/office/payments/{charge.reference}/refund/"
    assert office.post(refund_url, {"amount": 300, "reason": "x"}).status_code == 403
    approver = staff_client(kessai)
    approver.post(refund_url, {"amount": 300, "reason": "1通取消し"})
    too_much = approver.post(refund_url, {"amount": 700, "reason": "誤り"}, follow=True)
    assert "返金できる金額は最大 600円 です" in too_much.content.decode()
    approver.post(refund_url, {"amount": 600, "reason": "申請の取下げ"})
    charge.refresh_from_db()
    assert charge.state == "refunded"
    from yakusho.core.models import OutboundEmail

    assert OutboundEmail.objects.filter(key__startswith="refund:").count() == 2
    assert charge.amount_refunded == 900
    assert sorted(LedgerEntry.objects.values_list("amount", flat=True)) == [-600, -300, 900]


def test_another_department_does_not_see_the_charge(staff_client, charge):
    from yakusho.core.models import Department

    other = StaffFactory()
    assign(other, Department.objects.create(code="kodomo", name="こども政策課", level="bu"))
    office = staff_client(other)
    assert office.get(f"/ja/office/payments/{charge.reference}/").status_code == 404
    assert charge.reference not in office.get("/ja/office/payments/").content.decode()


def test_reconciliation_flags_a_planted_settlement_difference(
    staff_client, submit, accountant, tanto, run_tasks
):
    charges = [Charge.objects.get(submission=submit(copies=n)) for n in (1, 2, 3)]
    for charge in charges:
        _paid(charge, run_tasks)
    today = timezone.localdate()
    lines = demo.settlement_csv(today).splitlines()
    assert len(lines) == 1 + 2 * 3  # header, a payment and a fee line each
    # Plant differences: one payment settled 100 yen short, one unknown transaction.
    short = charges[1].payments.get().provider_ref
    lines = [
        re.sub(r",600$", ",500", line) if short in line and ",payment," in line else line
        for line in lines
    ]
    lines.append(f"{today.isoformat()},payment,demo_unknown000,1200")
    content = ("\n".join(lines) + "\n").encode("cp932")
    office = staff_client(accountant)
    assert staff_client(tanto).get("/ja/office/payments/reconcile/").status_code == 403
    upload = office.post(
        "/ja/office/payments/reconcile/",
        {"provider": "demo", "file": _file("settlement.csv", content)},
    )
    assert upload.status_code == 302
    report = office.get(upload["Location"]).content.decode()
    assert "2件の差異があります" in report
    assert "台帳にない入金" in report
    assert "金額の違い" in report
    assert LedgerEntry.objects.filter(kind="fee").count() == 3  # provider fees booked
    again = office.post(
        "/ja/office/payments/reconcile/",
        {"provider": "demo", "file": _file("again.csv", content)},
    )
    assert "すでに取り込まれています" in again.content.decode()
    broken = office.post(
        "/ja/office/payments/reconcile/",
        {"provider": "demo", "file": _file("b.csv", b"date,type,transaction_id,amount\nx,y,,z\n")},
    )
    assert "2行目" in broken.content.decode()
    assert SettlementFile.objects.count() == 1


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_finance_export_in_utf8_bom_and_cp932(staff_client, charge, accountant, run_tasks):
    _paid(charge, run_tasks)
    office = staff_client(accountant)
    today = timezone.localdate().isoformat()
    utf8 = office.get(
        "/ja/office/payments/export.csv", {"first": today, "last": today, "encoding": "utf-8-sig"}
    )
    assert utf8.content.startswith("\ufeff収納日,歳入科目コード".encode())
    assert f"14-01-01-01,総務手数料,{charge.reference}" in utf8.content.decode("utf-8-sig")
    sjis = office.get(
        "/ja/office/payments/export.csv", {"first": today, "last": today, "encoding": "cp932"}
    )
    assert sjis.content.decode("cp932").startswith("収納日")
    wrong = office.get("/ja/office/payments/export.csv", {"first": today, "last": "2000-01-01"})
    assert wrong.status_code == 302


def test_a_fee_set_after_review_is_requested_from_the_case(
    staff_client, after_procedure, submit, tanto
):
    submission = submit(copies=2, proc=after_procedure)
    assert not Charge.objects.exists()
    office = staff_client(tanto)
    case_url = f"/ja/office/cases/{submission.case.pk}/"
    page = office.get(case_url).content.decode()
    assert "手数料を請求する" in page
    assert 'value="600"' in page
    bad = office.post(f"{case_url}charge/", {"amount": "-5"}, follow=True)
    assert "1円以上" in bad.content.decode()
    office.post(f"{case_url}charge/", {"amount": "600"})
    charge = Charge.objects.get()
    assert (charge.amount, charge.submission) == (600, submission)
    from yakusho.core.models import OutboundEmail

    assert OutboundEmail.objects.filter(key=f"charge-request:{charge.reference}").exists()
    assert "手数料を請求する" not in office.get(case_url).content.decode()


def test_mypage_shows_what_is_owed_and_tax_bills(resident_client, charge, resident):
    services.tax_bills_import(
        content=(
            "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on\n"
            f"B-1,{resident.resident.atena_number},固定資産税,2026,第3期,38500,2026-12-28,"
            "01142115-0000001-7-1,ELQR:x,\n"
        ).encode("cp932")
    )
    page = resident_client.get("/ja/mypage/").content.decode()
    assert "お支払いが必要なもの" in page
    assert charge.reference in page
    assert "固定資産税" in page
    assert "01142115-0000001-7-1" in page
    assert "地方税お支払サイト" in page


def test_mypage_lists_only_the_residents_own(client, charge, resident, submit):
    other = UserFactory(
        username="hanako@example.jp", assurance="verified", resident=resident_record()
    )
    theirs = Charge.objects.get(submission=submit(copies=2, user=other))
    header = "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on\n"
    services.tax_bills_import(
        content=(
            header
            + f"B-1,{resident.resident.atena_number},固定資産税,2026,第3期,38500,2026-12-28,EL-TARO,Q,\n"
            + f"B-2,{other.resident.atena_number},軽自動車税,2026,全期,10800,2026-05-31,EL-HANAKO,Q,\n"
        ).encode()
    )
    client.force_login(other)
    page = client.get("/ja/mypage/").content.decode()
    assert theirs.reference in page
    assert theirs.submission.receipt_number in page
    assert "EL-HANAKO" in page
    assert charge.reference not in page
    assert charge.submission.receipt_number not in page
    assert "EL-TARO" not in page
    client.force_login(resident)
    page = client.get("/ja/mypage/").content.decode()
    assert charge.reference in page
    assert "EL-TARO" in page
    assert theirs.reference not in page
    assert "EL-HANAKO" not in page


def test_a_tax_bill_file_with_a_bad_line_is_refused_whole(db):
    resident_record(atena_number="700001")
    text = (
        "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on\n"
        "B-1,700001,住民税,2026,第1期,1000,2026-06-30,EL1,Q,\n"
        "B-2,999999,住民税,2026,第1期,-5,2026-06-30,EL2,Q,\n"
    )
    with pytest.raises(ValidationError) as refused:
        services.tax_bills_import(content=text.encode())
    assert "3行目" in str(refused.value)
    assert not TaxBill.objects.exists()


def test_the_tax_bill_command_reports_bad_lines(tmp_path, db):
    from django.core.management import CommandError, call_command

    resident_record(atena_number="700002")
    good = tmp_path / "bills.csv"
    good.write_bytes(
        (
            "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on\n"
            "B-9,700002,市民税・県民税,2026,第2期,12000,2026-08-31,EL9,Q,2026-08-20\n"
        ).encode("cp932")
    )
    call_command("taxbills_import", str(good))
    assert TaxBill.objects.get().paid_on == dt.date(2026, 8, 20)
    bad = tmp_path / "bad.csv"
    bad.write_text("bill_number\nB-1\n")
    with pytest.raises(CommandError, match="見出し"):
        call_command("taxbills_import", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("taxbills_import", str(tmp_path / "missing.csv"))


def test_a_tax_bill_shows_its_el_qr_to_its_owner_only(resident_client, resident, client):
    services.tax_bills_import(
        content=(
            "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on\n"
            f"B-7,{resident.resident.atena_number},固定資産税,2026,第3期,38500,2026-12-28,"
            "01142115-0000007-7-1,ELQR-PAYLOAD-7,\n"
        ).encode()
    )
    page = resident_client.get("/ja/payments/tax-bills/B-7/").content.decode()
    assert "令和8年度 第3期" in page
    assert "<svg" in page
    assert "01142115-0000007-7-1" in page
    client.force_login(UserFactory(resident=resident_record(name="別人")))
    assert client.get("/ja/payments/tax-bills/B-7/").status_code == 404


def test_cash_at_the_counter_is_booked_like_an_online_payment(staff_client, charge, tanto, kessai):
    office = staff_client(tanto)
    url = f"/ja/office/payments/{charge.reference}/counter/"
    office.post(url, {"note": "レジ2"})
    again = office.post(url, {"note": "レジ2"}, follow=True)  # a double click
    assert "支払済みです" in again.content.decode()
    charge.refresh_from_db()
    assert charge.state == "paid"
    [entry] = LedgerEntry.objects.all()
    assert (entry.provider, entry.method, entry.amount) == ("counter", "cash", 900)
    # Handing part of it back is a refund recorded at once.
    staff_client(kessai).post(
        f"/ja/office/payments/{charge.reference}/refund/", {"amount": 300, "reason": "1通取消し"}
    )
    assert sorted(LedgerEntry.objects.values_list("amount", flat=True)) == [-300, 900]


def test_the_api_lists_only_the_residents_own_charges(resident_client, charge, submit):
    from django.test import Client

    other = UserFactory(resident=resident_record(name="別人"))
    submit(copies=1, user=other)
    [item] = resident_client.get("/api/v1/me/charges").json()
    assert (item["reference"], item["amount"], item["state"]) == (charge.reference, 900, "unpaid")
    assert item["receipt_number"] == charge.purpose_label
    assert Client().get("/api/v1/me/charges").status_code == 401


def test_the_webhook_arriving_before_the_resident_returns(resident_client, charge, run_tasks):
    key = str(uuid.uuid4())
    response = resident_client.post(
        f"/ja/payments/{charge.reference}/", {"action": "pay", "method": "card", "key": key}
    )
    with run_tasks():  # the provider's notification is processed first
        back = resident_client.post(path(response["Location"]), {"outcome": "success"})
    charge.refresh_from_db()
    assert charge.state == "paid"
    page = resident_client.get(path(back["Location"]), follow=True).content.decode()
    assert "お支払いが完了しました" in page
    assert LedgerEntry.objects.count() == 1
