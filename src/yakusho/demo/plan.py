"""The demo's はだのＩＣＴ活用推進計画: the plan as the city published it (基本理念, the three
基本方針 and ten 事業推進計画 in the plan's own words), fictional but realistic 個別事業 with
KPIs and evaluations for 令和3–6年度, the ICT推進会議's levels and the 情報化推進委員会 with
members, and one committee meeting whose tie the chair decides and whose signed minutes are
published. 令和6年度's online-application KPI is measured from demo submissions of that year.

Idempotent: each part is loaded once and found again on the next `yakusho demo`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yakusho.accounts.models import User
from yakusho.core.models import Department
from yakusho.plan import services
from yakusho.plan.models import (
    AgendaItem,
    Body,
    Evaluation,
    Membership,
    Minutes,
    Plan,
    Project,
)

PLAN_CODE = "hadano-ict-2021"

PHILOSOPHY = "市民と行政の未来をつなぐ、ＩＣＴ・データの有効活用"
PHILOSOPHY_TEXT = (
    "行政手続のデジタル化や地域におけるＩＣＴ活用のサポートなどを通じて、いつでも、どこでも、"
    "つながる、市民目線に立った利便性向上や地域コミュニティの活性化を図り、市民と行政をつなぐ、"
    "便利でやさしい行政サービスの実現を目指します。\n"
    "革新技術やデータの活用、行政のデジタル化を通じて、業務の効率化や多様で柔軟な働き方に向けた"
    "環境づくりを図っていくことで、様々な相手や情報とつながる、効率的で持続可能な行政運営を目指します。"
)

# (number, title, English title, text)
POLICIES = [
    (
        1,
        "市民にとって便利でやさしいＩＣＴ活用の推進",
        "Convenient and friendly use of ICT for residents",
        "新型コロナウイルス感染症対策の「新しい生活様式」も見据え、行政手続等のデジタル化による市民の"
        "利便性向上を推進します。\n"
        "地域におけるＩＣＴ活用の支援を推進します。\n"
        "高齢者や外国籍住民等に対するデジタルデバイドに配慮したＩＣＴ活用を推進します。",
    ),
    (
        2,
        "ＩＣＴを活用した効率的で持続可能な行政運営の推進",
        "Efficient and sustainable administration using ICT",
        "業務のペーパーレス化・デジタル化を進め、定型業務や決裁事務等の効率化を推進します。\n"
        "新型コロナウイルス感染症の感染拡大による社会の変化も踏まえ、ＩＣＴ活用により職員が多様で柔軟な"
        "働き方を選択できる環境整備を推進します。\n"
        "行政事務におけるＩＣＴ活用を支えるため、職員のＩＣＴスキル向上及び情報セキュリティ対策等を"
        "推進します。",
    ),
    (
        3,
        "データの積極的な利活用の推進",
        "Active use of data",
        "行政等で保有するデータを様々な主体が容易に活用できるようにするため、本市が保有するデータの"
        "オープンデータ化を推進します。\n"
        "合理的根拠に基づく政策立案（ＥＢＰＭ）の考え方を踏まえ、データの共有や分析等を支える環境整備を"
        "推進します。",
    ),
]

# (policy, number, title, English title, description, SDG goals)
# The plan shows each 事業推進計画's SDG goals as icons; the demo's choice of goals is ours.
PROGRAMS = [
    (
        1,
        1,
        "行政手続等デジタル化の推進",
        "Digitalising administrative procedures",
        "市民の利便性向上、事務の効率化、感染症の感染拡大防止の観点を踏まえ、行政手続をはじめとする"
        "各種行政サービスのデジタル化を推進し、いつでも、どこでもやり取りできる市役所を目指します。",
        [3, 9, 11, 16],
    ),
    (
        1,
        2,
        "地域におけるＩＣＴ活用の推進",
        "Using ICT in the community",
        "ＩＣＴを活用した市民への効果的な情報発信や、地域におけるＩＣＴ活用に関する支援、環境整備等を"
        "推進し、地域がつながる環境づくりを目指します。",
        [4, 9, 11, 17],
    ),
    (
        1,
        3,
        "デジタルデバイド対策の推進",
        "Closing the digital divide",
        "ICT を活用することにより、年齢や身体的な条件その他要因に関わらず、誰もが容易に行政サービスを"
        "利用できる環境づくりを目指します。",
        [4, 10, 16],
    ),
    (
        2,
        4,
        "ＩＣＴ活用による業務の効率化",
        "Efficient work through ICT",
        "ＡＩやＲＰＡ等を活用した定型業務の自動化・省力化や、業務におけるＩＣＴ活用を推進し、業務効率化や"
        "職員の事務負担軽減を目指します。",
        [8, 9],
    ),
    (
        2,
        5,
        "業務のペーパーレス化の推進",
        "Paperless administration",
        "紙資料の電子化や、ＩＣＴ活用によるペーパーレス化を推進することで、環境への配慮とともに業務効率化を"
        "目指します。",
        [12, 13, 15],
    ),
    (
        2,
        6,
        "ＩＣＴ活用による多様で柔軟な働き方の推進",
        "Diverse and flexible work styles with ICT",
        "感染症の感染拡大といった非常時における業務継続や、限られた職員数で必要とされる行政運営を遂行して"
        "いくこと等を目的として、テレワーク勤務制度をはじめ、ＩＣＴを活用した職員の多様で柔軟な働き方に"
        "向けた環境づくりに取り組みます。",
        [5, 8],
    ),
    (
        2,
        7,
        "ＩＣＴ環境の最適化の推進",
        "Optimising the ICT environment",
        "ＩＣＴ活用の基盤となる庁内ネットワーク等の整備、各種情報システムの標準化や最適化に取り組みます。",
        [9, 17],
    ),
    (
        2,
        8,
        "ＩＣＴ人材の育成と情報セキュリティの確保",
        "ICT skills and information security",
        "高度化・多様化するＩＣＴを有効活用していくため、職員のＩＣＴスキル向上や、情報セキュリティの維持"
        "向上に取り組みます。",
        [4, 16],
    ),
    (
        3,
        9,
        "オープンデータの推進",
        "Open data",
        "本市が保有するデータのオープンデータ化を推進し、公民連携による市民サービスの向上を目指します。",
        [9, 17],
    ),
    (
        3,
        10,
        "データ利活用の推進",
        "Using data",
        "合理的根拠に基づく政策立案（ＥＢＰＭ）の考え方を踏まえ、ＩｏＴ等の技術を活用したデータ収集や、"
        "データ共有・分析等を支える環境づくりを進め、積極的なデータ利活用を目指します。",
        [9, 11, 17],
    ),
]

GRADES = [
    ("A", "計画どおり以上に進んでいる", {"en": "Ahead of plan"}),
    ("B", "概ね計画どおり進んでいる", {"en": "Broadly on plan"}),
    ("C", "遅れている", {"en": "Behind plan"}),
    ("D", "大幅に遅れている・未着手", {"en": "Far behind plan or not started"}),
]

YEARS = [2021, 2022, 2023, 2024]  # 令和3–6年度 evaluated; 令和7年度 is the plan's last year

# (program, code, name, English name, department, description, grades R3–R6,
#  [(KPI name, unit, metric, higher is better, targets R3–R7, manual actuals R3–R6, source)])
PROJECTS = [
    (
        1,
        "online-application",
        "オンライン申請の拡充",
        "More procedures online",
        "joho-seisaku",
        "申請・届出をオンラインで受け付け、受付票・状況確認・通知までオンラインで完結させる。",
        "BBAA",
        [
            (
                "オンラインで受け付けた申請の割合",
                "%",
                "online_share",
                True,
                [20, 30, 40, 50, 60],
                [18.5, 27.0, 41.2, None],
                "電子申請システムの受付件数と窓口の受付件数（情報政策課集計）",
            ),
            (
                "オンラインで申請できる手続の数",
                "手続",
                "",
                True,
                [30, 60, 90, 120, 150],
                [34, 58, 95, 126],
                "電子申請システムの公開手続一覧（各年度末）",
            ),
        ],
    ),
    (
        1,
        "child-allowance-online",
        "子育て関連手続のオンライン化",
        "Child-related procedures online",
        "kodomo-seisaku",
        "児童手当・保育関係の申請をオンライン化し、申請から決定までの日数を短くする。",
        "BBBA",
        [
            (
                "申請から決定までの日数（中央値）",
                "日",
                "",
                False,
                [20, 18, 15, 12, 10],
                [21, 17, 14, 11],
                "こども政策課の処理簿（決定日−受付日の中央値）",
            )
        ],
    ),
    (
        1,
        "cashless",
        "手数料・税のキャッシュレス決済",
        "Cashless payment of fees and taxes",
        "nozei",
        "市税・手数料をスマートフォン決済やクレジットカードで納められるようにする。",
        "CBBB",
        [
            (
                "オンラインで支払われた件数",
                "件",
                "",
                True,
                [2000, 6000, 12000, 20000, 30000],
                [1250, 5400, 11800, 19600],
                "収納代行事業者の月次報告",
            )
        ],
    ),
    (
        1,
        "kakanai-madoguchi",
        "書かない窓口の導入",
        "Counter service without paperwork",
        "koseki-jumin",
        "住民記録から申請書を作成し、来庁者が書かずに手続きできる窓口を整える。",
        "DCBB",
        [
            (
                "書かない窓口で受け付けた手続の数",
                "手続",
                "",
                True,
                [0, 5, 15, 25, 35],
                [0, 3, 16, 24],
                "戸籍住民課の窓口業務報告",
            )
        ],
    ),
    (
        2,
        "bosai-info",
        "防災情報の多様な発信",
        "Disaster information on every channel",
        "bosai",
        "防災行政無線に加え、メール・アプリ・SNSで避難情報を届ける。",
        "BAAA",
        [
            (
                "防災情報メールの登録者数",
                "人",
                "",
                True,
                [20000, 23000, 26000, 29000, 32000],
                [21400, 24800, 27900, 30600],
                "配信システムの登録者数（各年度末）",
            )
        ],
    ),
    (
        2,
        "public-wifi",
        "公共施設の公衆無線LAN整備",
        "Public Wi-Fi in city facilities",
        "shogai-gakushu",
        "公民館・図書館などで誰でも使える無線LANを整える。",
        "BBBB",
        [
            (
                "公衆無線LANを使える公共施設の数",
                "件",
                "",
                True,
                [10, 14, 18, 22, 26],
                [10, 13, 18, 21],
                "生涯学習課の施設台帳",
            )
        ],
    ),
    (
        3,
        "smartphone-class",
        "高齢者向けスマートフォン教室",
        "Smartphone classes for older residents",
        "korei-kaigo",
        "地域の会場で、スマートフォンの使い方とオンライン手続を学ぶ教室を開く。",
        "CBAA",
        [
            (
                "教室の参加者数",
                "人",
                "",
                True,
                [200, 300, 400, 500, 600],
                [120, 310, 455, 530],
                "高齢介護課の教室参加者名簿",
            )
        ],
    ),
    (
        3,
        "multilingual",
        "多言語・やさしい日本語での案内",
        "Information in many languages",
        "koho",
        "市の案内とオンライン手続を多言語とやさしい日本語で提供する。",
        "BBAA",
        [
            (
                "案内を提供している言語の数",
                "件",
                "",
                True,
                [3, 5, 8, 10, 12],
                [3, 5, 9, 12],
                "広報広聴課の集計",
            )
        ],
    ),
    (
        4,
        "rpa",
        "RPA・AI-OCRの活用",
        "RPA and AI-OCR",
        "joho-seisaku",
        "定型的な入力・照合業務をRPAとAI-OCRで自動化する。",
        "BBBA",
        [
            (
                "RPAを導入した業務の数",
                "件",
                "",
                True,
                [5, 10, 15, 20, 25],
                [6, 10, 14, 22],
                "情報政策課のRPA運用台帳",
            )
        ],
    ),
    (
        5,
        "e-kessai",
        "電子決裁の導入",
        "Electronic approval",
        "gyosei-somu",
        "文書管理システムで起案から決裁、保存までを電子で行う。",
        "CCBB",
        [
            (
                "電子決裁の割合",
                "%",
                "",
                True,
                [10, 30, 50, 70, 90],
                [4.8, 22.5, 48.0, 68.3],
                "文書管理システムの決裁件数",
            )
        ],
    ),
    (
        6,
        "telework",
        "テレワーク環境の整備",
        "Telework",
        "shokuin",
        "職員が自宅やサテライトで安全に働ける端末と制度を整える。",
        "BABB",
        [
            (
                "テレワークを利用した職員の数",
                "人",
                "",
                True,
                [100, 200, 300, 400, 500],
                [112, 260, 310, 395],
                "職員課の利用申請記録",
            )
        ],
    ),
    (
        7,
        "standardization",
        "基幹系システムの標準化",
        "Standardising core systems",
        "joho-seisaku",
        "国の標準仕様に準拠したシステムへ、基幹業務を計画的に移行する。",
        "BBCB",
        [
            (
                "標準準拠システムへ移行した業務の数",
                "件",
                "",
                True,
                [0, 0, 4, 12, 20],
                [0, 0, 2, 11],
                "情報政策課の移行計画進捗表",
            )
        ],
    ),
    (
        8,
        "security-training",
        "情報セキュリティ研修",
        "Information security training",
        "joho-seisaku",
        "全職員向けのeラーニングと標的型メール訓練を毎年度行う。",
        "AAAA",
        [
            (
                "研修の受講率",
                "%",
                "",
                True,
                [90, 95, 95, 98, 100],
                [93.1, 96.4, 97.0, 98.6],
                "eラーニングシステムの受講記録",
            )
        ],
    ),
    (
        9,
        "opendata",
        "オープンデータの公開",
        "Publishing open data",
        "joho-seisaku",
        "自治体標準オープンデータセットを中心に、機械判読できる形式で公開する。",
        "BBBA",
        [
            (
                "公開しているデータセットの数",
                "件",
                "",
                True,
                [20, 35, 50, 65, 80],
                [22, 36, 51, 70],
                "オープンデータカタログの掲載数（各年度末）",
            )
        ],
    ),
    (
        10,
        "ebpm",
        "データ分析による政策立案（EBPM）",
        "Evidence-based policy making",
        "kikaku",
        "統計・業務データの分析基盤を整え、施策の立案と評価に活かす。",
        "DCBB",
        [
            (
                "データ分析を活用した施策の数",
                "件",
                "",
                True,
                [1, 3, 5, 7, 9],
                [0, 2, 5, 7],
                "企画課の施策評価シート",
            )
        ],
    ),
]

PROGRESS = {
    "A": "計画を上回って進みました。{what}",
    "B": "概ね計画どおり進みました。{what}",
    "C": "一部に遅れが生じました。{what}",
    "D": "準備段階にとどまりました。{what}",
}
ISSUES = {
    "A": "効果の周知と、他の業務への展開。",
    "B": "利用の少ない手続・部署への展開。",
    "C": "予算・人員の確保と関係課との調整。",
    "D": "事業の進め方の見直しが必要。",
}
NEXT = {
    "A": "対象を広げ、次年度の目標を引き上げる。",
    "B": "計画どおり継続し、利用の少ない分野を重点的に進める。",
    "C": "遅れの原因を整理し、工程を見直して取り戻す。",
    "D": "庁内の推進体制を見直し、早期に着手する。",
}

# ICT推進会議 (要綱 第3条–第8条)
BODIES = [
    (
        "honbu",
        Body.Kind.HONBU,
        "秦野市ＩＣＴ推進会議 本部会",
        "ICT Promotion Council: Headquarters",
        "本市の情報化推進を総括し、情報化推進計画の策定及び推進並びに幹事会及びプロジェクトチームによる"
        "検討事項について協議する。情報セキュリティに関する最高機関。",
        "最高情報責任者（CIO）",
    ),
    (
        "kanji",
        Body.Kind.KANJI,
        "秦野市ＩＣＴ推進会議 幹事会",
        "ICT Promotion Council: Executive Board",
        "本市の情報化推進に関する事項について総合調整を図るとともに、調整部会による検討事項について協議"
        "する。",
        "リーダー",
    ),
    (
        "chosei",
        Body.Kind.CHOSEI,
        "秦野市ＩＣＴ推進会議 調整部会",
        "ICT Promotion Council: Coordination Group",
        "幹事会を補佐するため、本市の情報化推進に関する事項について検討を行う。",
        "リーダー",
    ),
    (
        "project",
        Body.Kind.PROJECT,
        "秦野市ＩＣＴ推進会議 プロジェクトチーム（自治体DX）",
        "ICT Promotion Council: Project Team",
        "最高情報責任者が必要の都度設置する。",
        "リーダー",
    ),
    (
        "working",
        Body.Kind.WORKING,
        "秦野市ＩＣＴ推進会議 ワーキンググループ（オンライン申請）",
        "ICT Promotion Council: Working Group",
        "プロジェクトチームを補佐し、その所掌事項に係る検討を行う。",
        "リーダー",
    ),
]

# (body, name, affiliation, demo staff login or None, position, chair?)
COUNCIL_MEMBERS = [
    ("honbu", "副市長（情報化推進担任）", "副市長・最高情報責任者（CIO）", None, "CIO", True),
    ("honbu", "副市長", "副市長", None, "", False),
    ("honbu", "教育長", "教育委員会", None, "", False),
    ("honbu", "部長 まさる", "政策部長", "bucho@city.hadano.example.jp", "", False),
    ("honbu", "総務部長", "総務部", None, "", False),
    (
        "kanji",
        "情報 つよし",
        "情報政策課長（情報化推進主管課長）",
        "admin@city.hadano.example.jp",
        "リーダー",
        True,
    ),
    ("kanji", "課長 ひろし", "こども政策課長", "kacho@city.hadano.example.jp", "", False),
    ("kanji", "議事政策課長", "議会局", None, "", False),
    ("chosei", "情報政策課課長代理", "情報政策課", None, "リーダー", True),
    ("chosei", "決裁 まもる", "こども政策課課長代理", "kessai@city.hadano.example.jp", "", False),
    ("chosei", "行政総務課課長代理", "行政総務課", None, "", False),
    ("project", "情報 つよし", "情報政策課長", "admin@city.hadano.example.jp", "リーダー", True),
    ("working", "情報政策課課長代理", "情報政策課", None, "リーダー", True),
]

COMMITTEE_CODE = "joho-iinkai"
# 附則第2項: the first term ended on 18 November 2014; terms of two years follow on.
TERM_START = dt.date(2024, 11, 19)
# (name, affiliation, category)
COMMITTEE_MEMBERS = [
    ("丹沢 誠一", "大学教授（情報学）", Membership.Category.ACADEMIC),
    ("大山 京子", "大学准教授（行政学）", Membership.Category.ACADEMIC),
    ("水無 健", "情報処理安全確保支援士", Membership.Category.ICT_EXPERT),
    ("弘法 真理", "地元IT企業 代表", Membership.Category.ICT_EXPERT),
    ("葛葉 隆", "商工会議所", Membership.Category.OTHER),
    ("蓑毛 さくら", "自治会連合会", Membership.Category.OTHER),
    ("菖蒲 陽介", "市民公募委員", Membership.Category.OTHER),
    ("震生 和子", "社会福祉協議会", Membership.Category.OTHER),
]
REPLACEMENT = ("曽屋 翼", "社会福祉協議会", Membership.Category.OTHER)


def _user(login: str) -> User:
    return User.objects.get(username=login)


def demo_plan_load() -> bool:
    """Load the plan and its bodies once; returns whether anything was made."""
    if (
        Plan.objects.filter(code=PLAN_CODE).exists()
        and Minutes.objects.filter(
            meeting__body__code=COMMITTEE_CODE, status=Minutes.Status.PUBLISHED
        ).exists()
    ):
        return False
    admin = _user("admin@city.hadano.example.jp")
    bucho = _user("bucho@city.hadano.example.jp")
    with transaction.atomic():
        plan = _structure(admin)
        _fy2024_submissions(bucho)
        _evaluations(plan, admin, bucho)
        _council(admin)
        _committee(admin)
    services.report_publish(plan=plan, fiscal_year=2024, actor=admin)
    return True


def _structure(admin: User) -> Plan:
    plan = services.plan_upsert(
        code=PLAN_CODE,
        name="はだのＩＣＴ活用推進計画",
        name_translations={"en": "Hadano ICT Utilisation Plan"},
        start_year=2021,
        end_year=2025,
        midterm_year=2023,
        philosophy=PHILOSOPHY,
        philosophy_translations={
            "en": "Connecting the future of residents and the city through ICT and data"
        },
        philosophy_text=PHILOSOPHY_TEXT,
        actor=admin,
    )
    services.grades_set(plan=plan, grades=GRADES, actor=admin)
    policies = {}
    for number, title, english, text in POLICIES:
        policies[number] = services.policy_upsert(
            plan=plan,
            number=number,
            title=title,
            title_translations={"en": english},
            text=text,
            actor=admin,
        )
    programs = {}
    for policy, number, title, english, description, goals in PROGRAMS:
        programs[number] = services.program_create(
            policy=policies[policy],
            number=number,
            title=title,
            title_translations={"en": english},
            description=description,
            sdg_goals=goals,
            actor=admin,
        )
    for order, (program, code, name, english, department, description, _grades, kpis) in enumerate(
        PROJECTS, start=1
    ):
        project = services.project_upsert(
            program=programs[program],
            code=code,
            name=name,
            name_translations={"en": english},
            department=Department.objects.get(code=department),
            description=description,
            sort_order=order,
            actor=admin,
        )
        for kpi_order, (kpi_name, unit, metric, higher, targets, *_rest) in enumerate(kpis):
            services.kpi_upsert(
                project=project,
                name=kpi_name,
                unit=unit,
                metric=metric,
                higher_is_better=higher,
                targets=dict(zip(range(2021, 2026), targets, strict=True)),
                sort_order=kpi_order,
                actor=admin,
            )
    return plan


def _fy2024_submissions(bucho: User, count: int = 48) -> None:
    """Applications of 令和6年度 (April 2024 – March 2025), made through the same services as
    the rest of the demo and closed by the department, so the year's KPIs have data."""
    from yakusho.cases import services as case_services
    from yakusho.cases.models import Case, State
    from yakusho.demo.cases import _needs_files, fill
    from yakusho.procedures import services as procedure_services
    from yakusho.procedures.engine import FormDefinition
    from yakusho.procedures.models import Draft, Procedure, Submission

    zone = timezone.get_current_timezone()
    start = dt.datetime(2024, 4, 1, 9, tzinfo=zone)
    if Submission.objects.filter(
        submitted_at__gte=start, submitted_at__lt=dt.datetime(2025, 4, 1, tzinfo=zone)
    ).exists():
        return
    rng = random.Random(2024)  # noqa: S311 - repeatable demo data
    procedures = [
        p
        for p in Procedure.objects.filter(is_published=True).select_related("published_version")
        if not _needs_files(p)
    ]
    if not procedures:
        return
    for index in range(count):
        procedure = procedures[index % len(procedures)]
        definition = FormDefinition.parse(procedure.published_version.definition)
        draft = Draft.objects.create(
            procedure=procedure,
            version=procedure.published_version,
            answers=fill(definition, {}, rng),
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        if procedure_services.missing_step(definition, draft.answers):
            draft.delete()
            continue
        # About six in ten sent online by residents, the rest entered at the counter.
        submission = procedure_services.submission_create(
            draft=draft, language="ja", staff_assisted=rng.random() < 0.38
        )
        case = Case.objects.get(submission=submission)
        case = case_services.case_transition(
            case=case, to_state=State.REVIEWING, actor=bucho, revision=case.revision
        )
        case = (
            case_services.case_transition(
                case=case, to_state=State.WITHDRAWN, actor=bucho, revision=case.revision
            )
            if rng.random() < 0.05
            else case
        )
        when = start + dt.timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 7))
        decided = when + dt.timedelta(days=rng.randint(3, 20))
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=when,
            status=State.COMPLETED if case.state != State.WITHDRAWN else State.WITHDRAWN,
            status_changed_at=decided,
        )
        Case.objects.filter(pk=case.pk).update(
            received_at=when,
            due_date=None,
            state=State.COMPLETED if case.state != State.WITHDRAWN else State.WITHDRAWN,
            decided_at=decided if case.state != State.WITHDRAWN else None,
            closed_at=decided,
        )


def _evaluations(plan: Plan, admin: User, bucho: User) -> None:
    projects = {p.code: p for p in Project.objects.filter(program__policy__plan=plan)}
    for _program, code, _name, _en, _dept, description, grades, kpis in PROJECTS:
        project = projects[code]
        for kpi_spec, kpi in zip(kpis, project.kpis.all(), strict=True):
            _name_k, unit, metric, _higher, _targets, actuals, source = kpi_spec
            for year, value in zip(YEARS, actuals, strict=True):
                if value is not None:
                    services.kpi_actual_record(
                        kpi=kpi,
                        fiscal_year=year,
                        value=value,
                        unit=unit,
                        source_note=source,
                        actor=bucho,
                    )
            if metric:
                services.kpi_actual_measure(kpi=kpi, fiscal_year=2024, actor=bucho)
        for year, grade in zip(YEARS, grades, strict=True):
            if Evaluation.objects.filter(project=project, fiscal_year=year).exists():
                continue
            evaluation = services.evaluation_save(
                project=project,
                fiscal_year=year,
                progress=PROGRESS[grade].format(what=description),
                grade=grade,
                issues=ISSUES[grade],
                next_actions=NEXT[grade],
                actor=bucho,
            )
            services.evaluation_submit(evaluation=evaluation, actor=bucho)
            for level in ("chosei", "kanji", "honbu"):
                services.evaluation_review(
                    evaluation=evaluation,
                    level=level,
                    decision="approved",
                    actor=admin,
                    comment="了承",
                )
    # The mid-term review (令和5年度) re-planned one 事業推進計画; its history shows why.
    program = plan.policies.get(number=3).programs.get(number=10)
    if program.version == 1:
        services.program_revise(
            program=program,
            fiscal_year=2023,
            reason="中間見直し：国の「自治体DX推進計画」を踏まえ、データ連携基盤の整備を明記した。",
            changes={
                "description": program.description
                + "また、庁内データ連携基盤を整え、部署を越えたデータの共有を進めます。"
            },
            actor=admin,
        )


def _council(admin: User) -> None:
    for order, (code, kind, name, english, description, chair_title) in enumerate(BODIES):
        services.body_upsert(
            code=code,
            kind=kind,
            name=name,
            name_translations={"en": english},
            description=description,
            chair_title=chair_title,
            sort_order=order,
            actor=admin,
        )
    for code, name, affiliation, login, position, chair in COUNCIL_MEMBERS:
        body = Body.objects.get(code=code)
        user = _user(login) if login else None
        person = services.person_upsert(name=name, affiliation=affiliation, user=user)
        if body.memberships.filter(person=person).exists():
            continue
        membership = services.member_appoint(
            body=body,
            person=person,
            category=Membership.Category.STAFF,
            position=position,
            term_start=dt.date(2021, 4, 1),
            appointed_by="充て職",
            actor=admin,
        )
        if chair:
            services.officer_elect(
                body=body,
                office="chair",
                membership=membership,
                since=dt.date(2021, 4, 1),
                actor=admin,
            )


def _committee(admin: User) -> None:
    committee = services.body_upsert(
        code=COMMITTEE_CODE,
        kind=Body.Kind.COMMITTEE,
        name="秦野市情報化推進委員会",
        name_translations={"en": "Hadano Informatisation Promotion Committee"},
        description="秦野市附属機関の設置等に関する条例に基づく附属機関。情報化の推進について"
        "調査審議する。",
        max_members=8,
        term_years=2,
        officers_elected=True,
        chair_title="会長",
        sort_order=10,
        actor=admin,
    )
    if committee.meetings.exists():
        return
    members = []
    for name, affiliation, category in COMMITTEE_MEMBERS:
        members.append(
            services.member_appoint(
                body=committee,
                person=services.person_upsert(name=name, affiliation=affiliation),
                category=category,
                term_start=TERM_START,
                appointed_by="市長",
                actor=admin,
            )
        )
    # 第1回: the members elect 会長 and 副会長 among themselves (第4条第1項).
    first = services.meeting_schedule(
        body=committee,
        date=TERM_START,
        place="秦野市役所 本庁舎3階 議会第1会議室",
        items=[
            ("resolution", "会長及び副会長の互選", ""),
            ("report", "はだのＩＣＴ活用推進計画の進捗状況（令和5年度評価）", ""),
        ],
        actor=admin,
    )
    services.attendance_record(meeting=first, present=members[:7], actor=admin)
    first = services.meeting_open(meeting=first, actor=admin)
    services.officer_elect(
        body=committee,
        office="chair",
        membership=members[0],
        since=TERM_START,
        meeting=first,
        votes_for=7,
        actor=admin,
    )
    services.officer_elect(
        body=committee,
        office="vice_chair",
        membership=members[1],
        since=TERM_START,
        meeting=first,
        votes_for=6,
        actor=admin,
    )
    services.presiding_set(meeting=first, actor=admin)
    services.meeting_end(meeting=first, actor=admin)
    _minutes(
        first,
        admin,
        named=members[2],
        text=(
            "1 会長及び副会長の互選\n委員の互選により、会長に丹沢誠一委員、副会長に大山京子委員を選出した。\n"
            "2 はだのＩＣＴ活用推進計画の進捗状況（令和5年度評価）\n事務局（情報政策課）から、"
            "個別事業の評価結果について報告した。委員から、オンライン申請の利用状況を年齢別にも示して"
            "ほしいとの意見があった。"
        ),
    )

    # A member leaves; the replacement serves the rest of the term (第3条第2項).
    services.member_vacate(
        membership=members[7],
        on=dt.date(2025, 6, 30),
        reason="所属団体の役員交代による辞任",
        actor=admin,
    )
    replacement = services.member_replace(
        predecessor=members[7],
        person=services.person_upsert(name=REPLACEMENT[0], affiliation=REPLACEMENT[1]),
        category=REPLACEMENT[2],
        term_start=dt.date(2025, 7, 15),
        appointed_by="市長",
        actor=admin,
    )
    members[7] = replacement

    # 第2回 (令和7年度): a tie decided by the chair (第5条第3項).
    second = services.meeting_schedule(
        body=committee,
        date=dt.date(2025, 8, 26),
        place="秦野市役所 本庁舎3階 議会第1会議室",
        items=[
            ("report", "はだのＩＣＴ活用推進計画 令和6年度進捗状況", ""),
            (
                "resolution",
                "次期計画でオンライン手続の目標を「原則すべて」とする提言",
                "次期計画（令和8年度〜）の目標として、市の行政手続を原則すべてオンラインで行えるようにする"
                "ことを市に提言するかどうか。",
            ),
        ],
        actor=admin,
    )
    services.attendance_record(meeting=second, present=members[:7], actor=admin)
    second = services.meeting_open(meeting=second, actor=admin)
    item = second.items.get(kind=AgendaItem.Kind.RESOLUTION)
    for membership, choice in zip(
        members[1:7], ["aye", "aye", "aye", "nay", "nay", "nay"], strict=True
    ):
        services.vote_record(item=item, membership=membership, choice=choice, actor=admin)
    services.item_decide(item=item, casting_vote="aye", actor=admin)
    services.meeting_end(meeting=second, actor=admin)
    _minutes(
        second,
        admin,
        named=members[3],
        text=(
            "1 はだのＩＣＴ活用推進計画 令和6年度進捗状況\n事務局から、令和6年度の個別事業の評価と"
            "指標の実績を報告した。オンラインで受け付けた申請の割合は、yakusho の受付データから計測した"
            "値である旨の説明があった。\n"
            "2 次期計画でオンライン手続の目標を「原則すべて」とする提言\n"
            "賛成の意見：市民の利便性と職員の負担軽減のため、高い目標を掲げるべきである。\n"
            "反対の意見：対面での支援を必要とする市民への配慮を先に示すべきである。\n"
            "採決の結果、賛成3、反対3の可否同数となり、規則第5条第3項により議長が可と決し、提言することとした。"
            "あわせて、対面支援の充実を付記することを確認した。"
        ),
    )


def _minutes(meeting, admin: User, *, named: Membership, text: str) -> None:
    minutes = services.minutes_draft(meeting=meeting, text=text, actor=admin)
    services.minutes_name_signer(minutes=minutes, membership=named, actor=admin)
    meeting.refresh_from_db()
    services.minutes_sign(minutes=minutes, membership=meeting.presiding, actor=admin)
    services.minutes_sign(minutes=minutes, membership=named, actor=admin)
    services.minutes_publish(minutes=minutes, actor=admin)
