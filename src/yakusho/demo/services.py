"""Load the Hadano demo city through the apps' own services.

Every step is idempotent: running `yakusho demo` again finds what it loaded before and changes
nothing. The organisation follows the shape of 秦野市's public organisation chart (部 → 課 →
担当); names a city adopts for its own deployment come from its own chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from yakusho.core import services as core_services

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
]


@dataclass
class DemoSummary:
    municipality: str
    departments: int
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role, login, password)


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
    return DemoSummary(municipality=municipality.name, departments=count)
