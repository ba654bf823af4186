"""The demo's money: kinds of charges with their revenue accounts, and tax bills from the
core tax system for the verified demo resident. All through the payments services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yakusho.payments import services

# (code, name, English, methods, 歳入科目コード, 歳入科目)
CHARGE_TYPES = [
    (
        "certificate-fee",
        "証明手数料",
        "Certificate fees",
        ["card", "konbini", "payeasy"],
        "14-01-01-01",
        "総務手数料（戸籍住民基本台帳・税証明）",
    ),
    (
        "sodai-gomi-fee",
        "粗大ごみ処理手数料",
        "Oversized waste fees",
        ["card", "konbini"],
        "14-01-04-02",
        "衛生手数料（粗大ごみ）",
    ),
    (
        "dog-registration-fee",
        "犬の登録・注射済票交付手数料",
        "Dog registration fees",
        ["card", "konbini", "payeasy"],
        "14-01-04-05",
        "衛生手数料（畜犬）",
    ),
]


def demo_payments_load() -> None:
    for code, name, english, methods, account_code, account_name in CHARGE_TYPES:
        services.charge_type_upsert(
            code=code,
            name=name,
            name_translations={"en": english},
            provider="demo",
            methods=methods,
            account_code=account_code,
            account_name=account_name,
        )
    _tax_bills()


def _tax_bills() -> None:
    """固定資産税 and 軽自動車税 for 秦野 太郎 (宛名番号 100001): one paid, two open."""
    from yakusho.payments.models import TaxBill
    from yakusho.residents.models import ResidentRecord

    if TaxBill.objects.exists() or not ResidentRecord.objects.filter(atena_number="100001"):
        return
    year = timezone.localdate().year
    today = timezone.localdate()
    rows = [
        ("R8-KOTEI-0012345-1", "固定資産税・都市計画税", "第1期", 38_600, dt.date(year, 4, 30)),
        ("R8-KEIJI-0004321-1", "軽自動車税（種別割）", "全期", 10_800, dt.date(year, 6, 1)),
        (
            "R8-KOTEI-0012345-3",
            "固定資産税・都市計画税",
            "第3期",
            38_500,
            today + dt.timedelta(days=34),
        ),
    ]
    lines = [
        "bill_number,atena_number,tax,fiscal_year,installment,amount,due_date,el_number,el_qr,paid_on"
    ]
    for index, (number, tax, installment, amount, due) in enumerate(rows):
        el_number = f"01142115-{number[-9:].replace('-', '')}-{index + 7}-1"
        paid = due.isoformat() if due < today else ""
        lines.append(
            f"{number},100001,{tax},{year},{installment},{amount},{due.isoformat()},"
            f"{el_number},ELQR:{el_number}:{amount},{paid}"
        )
    services.tax_bills_import(content="\n".join(lines).encode())
