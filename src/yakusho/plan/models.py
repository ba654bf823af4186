"""The city's ICT plan as data (基本理念 → 基本方針 → 事業推進計画 → 個別事業, KPIs, yearly
evaluations reviewed by the ICT推進会議's levels) and the bodies that run it (the ICT推進会議's
five levels and the 情報化推進委員会: members and terms, officers, meetings, votes, minutes)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel


def fiscal_year_of(day: dt.date) -> int:
    """年度: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


# --- the plan ---------------------------------------------------------------------------------


class Plan(TimeStampedModel):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("計画の名称"), max_length=100)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    start_year = models.PositiveIntegerField(_("計画期間の初年度（西暦）"))
    end_year = models.PositiveIntegerField(_("計画期間の最終年度（西暦）"))
    midterm_year = models.PositiveIntegerField(_("中間見直しの年度（西暦）"), null=True, blank=True)
    philosophy = models.CharField(_("基本理念"), max_length=200)
    philosophy_translations = models.JSONField(_("基本理念（各言語）"), default=dict, blank=True)
    philosophy_text = models.TextField(_("基本理念の説明"), blank=True)
    philosophy_text_translations = models.JSONField(
        _("基本理念の説明（各言語）"), default=dict, blank=True
    )
    is_published = models.BooleanField(_("公開"), default=True)

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Grade(models.Model):
    """The evaluation scale the city uses (A/B/C/D) with its definitions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(_("評価"), max_length=2)
    label = models.CharField(_("評価の名称"), max_length=60)
    label_translations = models.JSONField(_("評価の名称（各言語）"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="grade_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Policy(models.Model):
    """基本方針."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="policies")
    number = models.PositiveIntegerField(_("番号"))
    title = models.CharField(_("基本方針"), max_length=200)
    title_translations = models.JSONField(_("基本方針（各言語）"), default=dict, blank=True)
    text = models.TextField(_("内容"), blank=True)
    text_translations = models.JSONField(_("内容（各言語）"), default=dict, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("基本方針")
        verbose_name_plural = _("基本方針")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="policy_once")]

    def __str__(self) -> str:
        return self.title


class Program(models.Model):
    """事業推進計画: re-planned in the mid-term review, each change kept as a revision."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="programs")
    number = models.PositiveIntegerField(_("番号"))
    title = models.CharField(_("事業推進計画"), max_length=200)
    title_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    description = models.TextField(_("内容"))
    description_translations = models.JSONField(_("内容（各言語）"), default=dict, blank=True)
    sdg_goals = models.JSONField(_("関連するSDGsのゴール"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["policy__number", "number"]
        verbose_name = _("事業推進計画")
        verbose_name_plural = _("事業推進計画")
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="program_once")]

    def __str__(self) -> str:
        return self.title


class ProgramRevision(models.Model):
    """One change to a 事業推進計画: what changed (before and after) and why."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    fiscal_year = models.PositiveIntegerField(_("見直しの年度"))
    changes = models.JSONField(_("変更内容"))
    reason = models.TextField(_("変更の理由"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="program_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} v{self.version}"


class Project(models.Model):
    """個別事業, owned by one department, which enters its yearly evaluation."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="projects")
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("個別事業"), max_length=200)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    description = models.TextField(_("内容"), blank=True)
    description_translations = models.JSONField(_("内容（各言語）"), default=dict, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("担当課"),
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("実施中"), default=True)

    class Meta:
        ordering = ["program__policy__number", "program__number", "sort_order", "code"]
        verbose_name = _("個別事業")
        verbose_name_plural = _("個別事業")

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    COUNT = "件", _("件")
    PERCENT = "%", _("%")
    DAYS = "日", _("日")
    YEN = "円", _("円")
    PEOPLE = "人", _("人")
    PROCEDURES = "手続", _("手続")


INTEGER_UNITS = frozenset({Unit.COUNT, Unit.YEN, Unit.PEOPLE, Unit.PROCEDURES})


class Kpi(models.Model):
    """A measure of a 個別事業: measured from yakusho's own data by a named metric, or entered
    by hand with a note of where the number came from."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("指標"), max_length=200)
    name_translations = models.JSONField(_("指標（各言語）"), default=dict, blank=True)
    unit = models.CharField(_("単位"), max_length=4, choices=Unit.choices)
    metric = models.CharField(_("自動計測の指標"), max_length=40, blank=True)
    metric_params = models.JSONField(default=dict, blank=True)
    higher_is_better = models.BooleanField(_("大きいほどよい"), default=True)
    baseline = models.DecimalField(
        _("基準値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "sort_order", "pk"]
        verbose_name = _("指標")
        verbose_name_plural = _("指標")

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return bool(self.metric)


class KpiTarget(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveIntegerField(_("年度"))
    value = models.DecimalField(_("目標値"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="kpi_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.fiscal_year} {self.value}"


class KpiActual(models.Model):
    class Source(models.TextChoices):
        METRIC = "metric", _("yakusho のデータから計測")
        MANUAL = "manual", _("手入力")

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="actuals")
    fiscal_year = models.PositiveIntegerField(_("年度"))
    value = models.DecimalField(_("実績値"), max_digits=14, decimal_places=2)
    source = models.CharField(_("出典の種類"), max_length=8, choices=Source.choices)
    source_note = models.CharField(_("出典"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="kpi_actual_once")
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.fiscal_year} {self.value}"


class Level(models.TextChoices):
    """The ICT推進会議's levels an evaluation passes through, in order."""

    CHOSEI = "chosei", _("調整部会")
    KANJI = "kanji", _("幹事会")
    HONBU = "honbu", _("本部会")


REVIEW_ORDER = [Level.CHOSEI, Level.KANJI, Level.HONBU]


class Evaluation(TimeStampedModel):
    class Stage(models.TextChoices):
        DRAFT = "draft", _("入力中")
        RETURNED = "returned", _("差し戻し")
        CHOSEI = "chosei", _("調整部会で審査中")
        KANJI = "kanji", _("幹事会で審査中")
        HONBU = "honbu", _("本部会で審査中")
        FINAL = "final", _("確定")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    fiscal_year = models.PositiveIntegerField(_("年度"))
    progress = models.TextField(_("進捗状況"))
    grade = models.CharField(_("評価"), max_length=2)
    issues = models.TextField(_("課題"), blank=True)
    next_actions = models.TextField(_("次年度の取組"), blank=True)
    stage = models.CharField(_("段階"), max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["fiscal_year", "project"]
        verbose_name = _("年度評価")
        verbose_name_plural = _("年度評価")
        constraints = [
            models.UniqueConstraint(fields=["project", "fiscal_year"], name="evaluation_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.fiscal_year}"

    @property
    def editable(self) -> bool:
        return self.stage in (self.Stage.DRAFT, self.Stage.RETURNED)


class EvaluationReview(models.Model):
    class Decision(models.TextChoices):
        APPROVED = "approved", _("了承")
        RETURNED = "returned", _("差し戻し")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reviews")
    level = models.CharField(_("審査した会議"), max_length=10, choices=Level.choices)
    decision = models.CharField(_("結果"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("意見"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    on_behalf = models.BooleanField(_("情報政策課が会議に代わって記録"), default=False)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.level} {self.decision}"


class AnnualReport(TimeStampedModel):
    """The year's progress report, as published: a signed PDF and the HTML page."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports")
    fiscal_year = models.PositiveIntegerField(_("年度"))
    pdf = models.FileField(upload_to="plan/reports/", max_length=200)
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="annual_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.fiscal_year}"


# --- bodies and meetings ----------------------------------------------------------------------


class Body(models.Model):
    """A body that meets: one of the ICT推進会議's five levels, or the 情報化推進委員会.
    Its rules (seat limit, term, officers by mutual election) are data, from its 規則/要綱."""

    class Kind(models.TextChoices):
        HONBU = "honbu", _("本部会")
        KANJI = "kanji", _("幹事会")
        CHOSEI = "chosei", _("調整部会")
        PROJECT = "project", _("プロジェクトチーム")
        WORKING = "working", _("ワーキンググループ")
        COMMITTEE = "committee", _("附属機関（委員会）")

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    description = models.TextField(_("所掌事項"), blank=True)
    max_members = models.PositiveIntegerField(_("委員の定数"), null=True, blank=True)
    term_years = models.PositiveIntegerField(_("任期（年）"), null=True, blank=True)
    officers_elected = models.BooleanField(_("会長・副会長を互選で定める"), default=False)
    chair_title = models.CharField(_("議長の職名"), max_length=20, default="会長")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("会議体")
        verbose_name_plural = _("会議体")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who sits on a body: an outside 委員 (no account) or a member of staff."""

    name = models.CharField(_("氏名"), max_length=60)
    affiliation = models.CharField(_("所属・役職"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員アカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_person",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One term of one person on one body. A reappointment is a new term; a replacement
    (補欠) serves the rest of its predecessor's term."""

    class Category(models.TextChoices):
        ACADEMIC = "academic", _("学識経験を有する者")
        ICT_EXPERT = "ict", _("情報通信技術について高度な知識及び経験を有する者")
        OTHER = "other", _("その他市長が必要と認める者")
        STAFF = "staff", _("職員（充て職）")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    category = models.CharField(_("区分"), max_length=10, choices=Category.choices)
    position = models.CharField(_("役割"), max_length=40, blank=True)
    term_start = models.DateField(_("任期の始まり"))
    term_end = models.DateField(_("任期の終わり"), null=True, blank=True)
    vacated_on = models.DateField(_("欠けた日"), null=True, blank=True)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("前任者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
    )
    appointed_by = models.CharField(_("委嘱・任命"), max_length=40, blank=True)

    class Meta:
        ordering = ["body", "term_start", "pk"]
        verbose_name = _("委員")
        verbose_name_plural = _("委員")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="membership_term_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.body_id}"

    def serves_on(self, day: dt.date) -> bool:
        if day < self.term_start:
            return False
        if self.term_end is not None and day > self.term_end:
            return False
        return self.vacated_on is None or day < self.vacated_on

    @property
    def last_day(self) -> dt.date | None:
        if self.vacated_on is not None:
            return self.vacated_on - dt.timedelta(days=1)
        return self.term_end


class Officer(models.Model):
    """会長 or 副会長 (or a level's リーダー), as elected by the members or set by position."""

    class Office(models.TextChoices):
        CHAIR = "chair", _("会長")
        VICE_CHAIR = "vice_chair", _("副会長")

    class Method(models.TextChoices):
        ELECTION = "election", _("委員の互選")
        POSITION = "position", _("充て職")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="officers")
    office = models.CharField(_("役職"), max_length=12, choices=Office.choices)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="offices")
    method = models.CharField(_("選び方"), max_length=10, choices=Method.choices)
    since = models.DateField(_("就任日"))
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="elections"
    )
    votes_for = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    electors = models.PositiveIntegerField(_("出席委員数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["body", "office", "-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.office} {self.membership_id}"


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("予定")
        OPEN = "open", _("開会中")
        ENDED = "ended", _("閉会")
        NOT_HELD = "not_held", _("不成立")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(_("回"))
    date = models.DateField(_("開催日"))
    place = models.CharField(_("場所"), max_length=120, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    is_public = models.BooleanField(_("公開"), default=True)
    closed_reason = models.TextField(_("非公開の理由"), blank=True)
    presiding = models.ForeignKey(
        Membership,
        verbose_name=_("議長"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    guests = models.TextField(_("委員以外の出席者"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="meeting_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.body} 第{self.number}回"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("出席"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.membership_id} {self.present}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("報告")
        RESOLUTION = "resolution", _("議決")
        CLOSE_MEETING = "close", _("会議の非公開")

    class Result(models.TextChoices):
        PENDING = "", _("未決")
        CARRIED = "carried", _("可決")
        REJECTED = "rejected", _("否決")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(_("番号"))
    title = models.CharField(_("議題"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices)
    result = models.CharField(
        _("結果"), max_length=10, choices=Result.choices, default="", blank=True
    )
    ayes = models.PositiveIntegerField(default=0)
    nays = models.PositiveIntegerField(default=0)
    abstentions = models.PositiveIntegerField(default=0)
    casting_vote = models.CharField(_("議長の裁決"), max_length=10, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_once")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_tie(self) -> bool:
        return bool(self.casting_vote)


class Vote(models.Model):
    class Choice(models.TextChoices):
        AYE = "aye", _("賛成")
        NAY = "nay", _("反対")
        ABSTAIN = "abstain", _("棄権")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("表決"), max_length=8, choices=Choice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "membership"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.membership_id} {self.choice}"


class Minutes(TimeStampedModel):
    """議事録: the points of the proceedings, signed by the chair and one member the chair
    names, then published (a closed meeting's minutes are never published)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SIGNING = "signing", _("署名中")
        SIGNED = "signed", _("署名済み")
        PUBLISHED = "published", _("公開済み")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("議事の要点"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default="draft")
    named_signer = models.ForeignKey(
        Membership,
        verbose_name=_("会長が指名した署名委員"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("議事録")
        verbose_name_plural = _("議事録")

    def __str__(self) -> str:
        return f"minutes {self.meeting_id}"


class MinutesSignature(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("議長")
        NAMED = "named", _("指名された委員")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="signatures")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=6, choices=Role.choices)
    sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "role"], name="minutes_signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id} {self.role}"
