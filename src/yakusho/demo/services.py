"""Load the Hadano demo city through the apps' own services.

Every step is idempotent: running `yakusho demo` again finds what it loaded before and changes
nothing. The organisation follows the shape of 秦野市's public organisation chart (部 → 課 →
担当); names a city adopts for its own deployment come from its own chart.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from yakusho.accounts import services as account_services
from yakusho.accounts.models import User
from yakusho.core import services as core_services
from yakusho.core.models import Department
from yakusho.residents import services as resident_services
from yakusho.residents.models import ResidentRecord

HADANO = {
    "code": "142115",
    "name": "秦野市",
    "name_kana": "ハダノシ",
    "prefecture": "神奈川県",
    "name_translations": {"en": "Hadano City"},
    "postal_code": "257-8501",
    "address": "神奈川県秦野市桜町一丁目3番2号",
    "phone": "0463-82-5111",
    "website": "https://www.city.hadano.kanagawa.jp/",
}

# (code, name, English name, [(code, name, English name, [(code, name, English name)])])
ORGANISATION: list[tuple[str, str, str, list[tuple[str, str, str, list[tuple[str, str, str]]]]]] = [
    (
        "seisaku",
        "政策部",
        "Policy Department",
        [
            ("kikaku", "企画課", "Planning Division", []),
            ("koho", "広報広聴課", "Public Relations Division", []),
            ("zaisei", "財政課", "Finance Division", []),
            (
                "joho-seisaku",
                "情報政策課",
                "ICT Policy Division",
                [
                    ("dx-suishin", "DX推進担当", "Digital Transformation Section"),
                ],
            ),
        ],
    ),
    (
        "somu",
        "総務部",
        "General Affairs Department",
        [
            ("gyosei-somu", "行政総務課", "Administrative Affairs Division", []),
            ("shokuin", "職員課", "Personnel Division", []),
            ("shiminzei", "市民税課", "Municipal Tax Division", []),
            ("shisanzei", "資産税課", "Property Tax Division", []),
            ("nozei", "納税課", "Tax Collection Division", []),
        ],
    ),
    (
        "kurashi",
        "くらし安心部",
        "Community Safety Department",
        [
            (
                "koseki-jumin",
                "戸籍住民課",
                "Family and Resident Registry Division",
                [
                    ("jumin-kiroku", "住民記録担当", "Resident Records Section"),
                    ("koseki", "戸籍担当", "Family Register Section"),
                ],
            ),
            ("bosai", "防災課", "Disaster Management Division", []),
            (
                "shimin-sodan",
                "市民相談人権課",
                "Citizens' Consultation and Human Rights Division",
                [],
            ),
        ],
    ),
    (
        "fukushi",
        "福祉部",
        "Welfare Department",
        [
            ("chiiki-kyosei", "地域共生推進課", "Community Welfare Division", []),
            ("shogai-fukushi", "障害福祉課", "Disability Welfare Division", []),
            (
                "korei-kaigo",
                "高齢介護課",
                "Elderly and Long-term Care Division",
                [
                    ("kaigo-nintei", "介護認定担当", "Care Needs Certification Section"),
                ],
            ),
            ("seikatsu-fukushi", "生活福祉課", "Public Assistance Division", []),
            ("kokuho-nenkin", "国保年金課", "National Health Insurance and Pension Division", []),
        ],
    ),
    (
        "kodomo-kenko",
        "こども健康部",
        "Children and Health Department",
        [
            (
                "kodomo-seisaku",
                "こども政策課",
                "Child Policy Division",
                [
                    ("teate", "手当担当", "Child Allowance Section"),
                ],
            ),
            ("hoiku", "保育こども園課", "Childcare Division", []),
            ("kodomo-katei", "こども家庭支援課", "Child and Family Support Division", []),
            ("kenko", "健康づくり課", "Health Promotion Division", []),
        ],
    ),
    (
        "kankyo-sangyo",
        "環境産業部",
        "Environment and Industry Department",
        [
            ("kankyo-kyosei", "環境共生課", "Environmental Harmony Division", []),
            ("kankyo-shigen", "環境資源対策課", "Waste and Resources Division", []),
            ("shoko-kanko", "商工観光課", "Commerce and Tourism Division", []),
            ("nosan", "農産課", "Agriculture Division", []),
        ],
    ),
    (
        "toshi",
        "都市部",
        "Urban Development Department",
        [
            ("machizukuri", "まちづくり計画課", "Urban Planning Division", []),
            ("kenchiku-shido", "建築指導課", "Building Guidance Division", []),
            ("doro", "道路整備課", "Road Development Division", []),
        ],
    ),
    (
        "kyoiku",
        "教育部",
        "Education Department",
        [
            ("kyoiku-somu", "教育総務課", "Education Affairs Division", []),
            ("gakko-kyoiku", "学校教育課", "School Education Division", []),
            ("shogai-gakushu", "生涯学習課", "Lifelong Learning Division", []),
        ],
    ),
    (
        "kaikei-kanri",
        "会計管理者",
        "Accounting Manager",
        [("kaikei", "会計課", "Accounting Division", [])],
    ),
]


# The demo registry mirror: households of Hadano residents (fictional people).
# (宛名番号, 世帯番号, 続柄, 氏名, フリガナ, 生年月日, 性別, 郵便番号, 住所)
RESIDENTS = [
    (
        "100001",
        "300001",
        "世帯主",
        "秦野 太郎",
        "ハダノ タロウ",
        "1985-04-12",
        "male",
        "257-0015",
        "神奈川県秦野市平沢1234-5",
    ),
    (
        "100002",
        "300001",
        "妻",
        "秦野 花子",
        "ハダノ ハナコ",
        "1988-09-30",
        "female",
        "257-0015",
        "神奈川県秦野市平沢1234-5",
    ),
    (
        "100003",
        "300001",
        "子",
        "秦野 陽菜",
        "ハダノ ヒナ",
        "2019-05-01",
        "female",
        "257-0015",
        "神奈川県秦野市平沢1234-5",
    ),
    (
        "100004",
        "300002",
        "世帯主",
        "丹沢 一郎",
        "タンザワ イチロウ",
        "1948-01-20",
        "male",
        "257-0004",
        "神奈川県秦野市下大槻410-3",
    ),
    (
        "100005",
        "300002",
        "妻",
        "丹沢 和子",
        "タンザワ カズコ",
        "1951-11-03",
        "female",
        "257-0004",
        "神奈川県秦野市下大槻410-3",
    ),
    (
        "100006",
        "300003",
        "世帯主",
        "渋沢 美咲",
        "シブサワ ミサキ",
        "1996-07-07",
        "female",
        "259-1315",
        "神奈川県秦野市柳町2-8-14",
    ),
    (
        "100007",
        "300004",
        "世帯主",
        "サントス マリア",
        "サントス マリア",
        "1990-02-14",
        "female",
        "257-0035",
        "神奈川県秦野市本町3-2-1",
    ),
    (
        "100008",
        "300004",
        "子",
        "サントス ルカス",
        "サントス ルカス",
        "2016-12-24",
        "male",
        "257-0035",
        "神奈川県秦野市本町3-2-1",
    ),
    (
        "100009",
        "300005",
        "世帯主",
        "鶴巻 健",
        "ツルマキ ケン",
        "1979-03-03",
        "male",
        "257-0001",
        "神奈川県秦野市鶴巻北2-5-21",
    ),
    (
        "100010",
        "300006",
        "世帯主",
        "グエン ヴァン アン",
        "グエン ヴァン アン",
        "1998-10-10",
        "male",
        "259-1302",
        "神奈川県秦野市菩提35-6",
    ),
]

DEMO_PASSWORD = "hadano-demo-2026"  # noqa: S105 - printed by `yakusho demo` on purpose
# (login e-mail, 姓, 名, [(department code, role)])
STAFF = [
    ("kosodate@city.hadano.example.jp", "子育", "はるか", [("kodomo-seisaku", "tanto")]),
    ("kessai@city.hadano.example.jp", "決裁", "まもる", [("kodomo-seisaku", "kessai")]),
    ("kacho@city.hadano.example.jp", "課長", "ひろし", [("kodomo-seisaku", "shozokucho")]),
    ("madoguchi@city.hadano.example.jp", "窓口", "あかり", [("koseki-jumin", "tanto")]),
    ("kaigo@city.hadano.example.jp", "介護", "たくみ", [("korei-kaigo", "tanto")]),
    ("gomi@city.hadano.example.jp", "資源", "みどり", [("kankyo-shigen", "tanto")]),
    ("admin@city.hadano.example.jp", "情報", "つよし", [("joho-seisaku", "sysadmin")]),
    ("kansa@city.hadano.example.jp", "監査", "ただし", [("gyosei-somu", "auditor")]),
    ("kaikei@city.hadano.example.jp", "会計", "みのる", [("kaikei", "tanto")]),
    # A manager over every 部, who moves the demo's cases along and approves their decisions.
    (
        "bucho@city.hadano.example.jp",
        "部長",
        "まさる",
        [(code, "shozokucho") for code, *_ in ORGANISATION],
    ),
]
# (login e-mail, resident 宛名番号 if verified through the demo provider)
RESIDENT_ACCOUNTS = [
    ("taro@example.jp", "100001"),
    ("maria@example.jp", None),
]


def demo_totp_secret(email: str) -> str:
    """Demo staff use a published authenticator secret, so anyone trying the demo can sign
    in; the demo's 2段階認証 page shows the current code. Never used outside the demo."""
    digest = hashlib.sha256(f"yakusho-demo:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


@dataclass
class DemoSummary:
    municipality: str
    departments: int
    procedures: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role, login, password)


CONTENT_DIR = Path(__file__).parent


def _catalog_load() -> int:
    """Categories, life events and the procedure files under demo/procedures/."""
    from yakusho.procedures.exchange import loads, procedure_import
    from yakusho.procedures.models import Category, LifeEvent

    catalog = json.loads((CONTENT_DIR / "catalog.json").read_text(encoding="utf-8"))
    for order, item in enumerate(catalog["categories"], start=1):
        name = dict(item["name"])
        Category.objects.update_or_create(
            code=item["code"],
            defaults={"name": name.pop("ja"), "name_translations": name, "sort_order": order},
        )
    for order, item in enumerate(catalog["life_events"], start=1):
        name, description = dict(item["name"]), dict(item.get("description", {}))
        values = {
            "name": name.pop("ja"),
            "name_translations": name,
            "description": description.pop("ja", ""),
            "description_translations": description,
            "questionnaire": item["questionnaire"],
            "rules": item["rules"],
            "sort_order": order,
        }
        event = LifeEvent.objects.filter(code=item["code"]).first()
        if event is None or any(getattr(event, k) != v for k, v in values.items()):
            LifeEvent.objects.update_or_create(code=item["code"], defaults=values)
    files = sorted((CONTENT_DIR / "procedures").glob("*.json"))
    for order, path in enumerate(files, start=1):
        data = loads(path.read_text(encoding="utf-8"))
        data.setdefault("sort_order", order)
        procedure_import(data)
    return len(files)


@transaction.atomic
def demo_city_load() -> DemoSummary:
    municipality = core_services.municipality_set(**HADANO)
    count = 0
    for order, (bu_code, bu_name, bu_en, divisions) in enumerate(ORGANISATION, start=1):
        bu = core_services.department_upsert(
            code=bu_code,
            name=bu_name,
            level="bu",
            name_translations={"en": bu_en},
            sort_order=order * 100,
        )
        count += 1
        for ka_order, (ka_code, ka_name, ka_en, sections) in enumerate(divisions, start=1):
            ka = core_services.department_upsert(
                code=ka_code,
                name=ka_name,
                level="ka",
                parent=bu,
                name_translations={"en": ka_en},
                sort_order=order * 100 + ka_order * 10,
                phone="0463-82-5111",
            )
            count += 1
            for kakari_order, (kakari_code, kakari_name, kakari_en) in enumerate(sections, 1):
                core_services.department_upsert(
                    code=kakari_code,
                    name=kakari_name,
                    level="kakari",
                    parent=ka,
                    name_translations={"en": kakari_en},
                    sort_order=order * 100 + ka_order * 10 + kakari_order,
                    phone="0463-82-5111",
                )
                count += 1
    for atena, household, relation, name, kana, born, sex, postal, address in RESIDENTS:
        resident_services.resident_upsert(
            atena_number=atena,
            household_number=household,
            relation=relation,
            name=name,
            name_kana=kana,
            birth_date=dt.date.fromisoformat(born),
            sex=sex,
            postal_code=postal,
            address=address,
        )
    summary = DemoSummary(municipality=municipality.name, departments=count)
    from .payments import demo_payments_load

    demo_payments_load()  # charge types first: procedures with a fee name them
    summary.procedures = _catalog_load()
    for email, last, first, roles in STAFF:
        _demo_staff(email, last, first, roles)
        summary.accounts.append((f"staff: {roles[0][1]}@{roles[0][0]}", email, DEMO_PASSWORD))
    for email, atena in RESIDENT_ACCOUNTS:
        _demo_resident(email, atena)
        summary.accounts.append(
            ("resident" + (" (verified)" if atena else ""), email, DEMO_PASSWORD)
        )
    return summary


def _demo_staff(email: str, last: str, first: str, roles: list[tuple[str, str]]) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = User.objects.filter(username=email).first()
    if user is None:
        user = account_services.staff_create(
            username=email,
            email=email,
            last_name=last,
            first_name=first,
            actor=None,
            password=DEMO_PASSWORD,
        )
    for code, role in roles:
        account_services.staff_assign(
            user=user, department=Department.objects.get(code=code), role=role, actor=None
        )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(email))


def _demo_resident(email: str, atena: str | None) -> None:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(username=email).first()
    if user is None:
        user = User.objects.create_user(
            username=email,
            email=email,
            password=DEMO_PASSWORD,
            kind=User.Kind.RESIDENT,
            assurance=User.Assurance.EMAIL,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if atena and user.assurance != User.Assurance.VERIFIED:
        from yakusho.accounts.identity.demo import claims_for

        record = ResidentRecord.objects.get(atena_number=atena)
        account_services.identity_verify(user=user, provider="demo", claims=claims_for(record))
