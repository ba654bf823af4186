"""The procedure catalog, versioned forms, drafts, uploads, submissions and life-event bundles."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel


class IdentityLevel(models.TextChoices):
    NONE = "none", _("不要")
    EMAIL = "email", _("メールアドレスの確認")
    VERIFIED = "verified", _("本人確認（マイナンバーカードまたは窓口）")


class SubmissionStatus(models.TextChoices):
    """What a resident sees of their submission; the office's case moves it (cases app)."""

    RECEIVED = "received", _("受付")
    REVIEWING = "reviewing", _("審査中")
    CORRECTION = "correction", _("補正依頼中")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    COMPLETED = "completed", _("完了")
    WITHDRAWN = "withdrawn", _("取下げ")


# The words residents see for each status unless a procedure says otherwise.
DEFAULT_STATUS_TEXTS = {
    SubmissionStatus.RECEIVED: _("申請を受け付けました。担当課が内容を確認します。"),
    SubmissionStatus.REVIEWING: _("担当課で審査しています。"),
    SubmissionStatus.CORRECTION: _(
        "申請内容に直していただきたいところがあります。お知らせをご覧ください。"
    ),
    SubmissionStatus.APPROVED: _("申請が認められました。"),
    SubmissionStatus.REJECTED: _("申請は認められませんでした。理由はお知らせをご覧ください。"),
    SubmissionStatus.COMPLETED: _("手続きが終わりました。"),
    SubmissionStatus.WITHDRAWN: _("申請を取り下げました。"),
}


class Category(TimeStampedModel):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("分類")
        verbose_name_plural = _("分類")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(TimeStampedModel):
    """A moment in life that needs several procedures (引っ越し, 出生, おくやみ…).

    `questionnaire` holds the short questions that decide which procedures apply and the
    answers several forms share, in the form engine's field format; `rules` map procedure
    codes to the condition under which they apply."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    description = models.TextField(_("説明"), blank=True)
    description_translations = models.JSONField(_("説明（各言語）"), default=dict, blank=True)
    questionnaire = models.JSONField(_("質問"), default=dict)
    rules = models.JSONField(_("手続きの選び方"), default=list)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("ライフイベント")
        verbose_name_plural = _("ライフイベント")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    code = models.SlugField(_("コード"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    summary = models.CharField(_("概要"), max_length=300, blank=True)
    summary_translations = models.JSONField(_("概要（各言語）"), default=dict, blank=True)
    description = models.TextField(_("説明"), blank=True)
    description_translations = models.JSONField(_("説明（各言語）"), default=dict, blank=True)
    eligibility = models.TextField(_("申請できる方"), blank=True)
    eligibility_translations = models.JSONField(
        _("申請できる方（各言語）"), default=dict, blank=True
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("担当課"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("分類"), on_delete=models.PROTECT, related_name="procedures"
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("ライフイベント"), blank=True, related_name="procedures"
    )
    identity_level = models.CharField(
        _("必要な本人確認"),
        max_length=10,
        choices=IdentityLevel.choices,
        default=IdentityLevel.EMAIL,
    )
    processing_days = models.PositiveSmallIntegerField(_("標準処理期間（開庁日）"), default=10)
    fee_text = models.CharField(_("手数料"), max_length=200, blank=True)
    fee_text_translations = models.JSONField(_("手数料（各言語）"), default=dict, blank=True)
    # The fee, when there is one: when it is paid, what kind of money it is (the payments
    # app's charge type code) and which computed value of the form gives the amount.
    payment_timing = models.CharField(
        _("手数料の支払い"),
        max_length=10,
        blank=True,
        choices=[
            ("", _("手数料なし")),
            ("before", _("申請時に支払う（事前決済）")),
            ("after", _("審査の後に市が請求する（事後決済）")),
        ],
    )
    charge_type = models.SlugField(_("収納の種類"), max_length=40, blank=True)
    fee_key = models.SlugField(_("手数料の計算項目"), max_length=40, blank=True, default="fee")
    documents = models.JSONField(_("添付書類"), default=list, blank=True)
    legal_basis = models.CharField(_("根拠法令"), max_length=300, blank=True)
    fully_online = models.BooleanField(_("オンラインで完結"), default=True)
    contact = models.CharField(_("問い合わせ先"), max_length=300, blank=True)
    keywords = models.CharField(
        _("検索語"),
        max_length=500,
        blank=True,
        help_text=_("言い換えや略語を、読点かスペースで区切って"),
    )
    status_texts = models.JSONField(_("住民に見せる状態の説明"), default=dict, blank=True)
    draft_retention_days = models.PositiveSmallIntegerField(_("下書きの保存日数"), default=30)
    retention_days = models.PositiveIntegerField(_("完了後の保存日数"), default=365 * 5)
    is_published = models.BooleanField(_("公開"), default=False)
    published_version = models.ForeignKey(
        "FormVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    search_text = models.TextField(editable=False, blank=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("手続き")
        verbose_name_plural = _("手続き")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class FormVersion(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("下書き")
        PUBLISHED = "published", _("公開中")
        RETIRED = "retired", _("過去の版")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    definition = models.JSONField(_("定義"))
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("申請フォームの版")
        verbose_name_plural = _("申請フォームの版")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="form_version_number"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(state="draft"),
                name="form_version_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class Bundle(TimeStampedModel):
    """One life event's procedures, applied for together."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bundles"
    )
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="bundles")
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ライフイベントの申請")
        verbose_name_plural = _("ライフイベントの申請")

    def __str__(self) -> str:
        return f"{self.life_event.code} {self.key}"


class Draft(TimeStampedModel):
    """A form being filled in, saved at every step. Its key is the submission's idempotency
    key: sending it twice (double click, second tab, back button) gives one submission."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    # Counter mode (書かない窓口): staff fill in the form with the resident in front of them.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assisted_drafts",
    )
    resident = models.ForeignKey(
        "residents.ResidentRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="drafts")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="drafts")
    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    answers = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)  # field key → where the value came from
    locked = models.JSONField(default=list)  # field keys the resident may not change
    completed_steps = models.JSONField(default=list)
    expires_at = models.DateTimeField(db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("下書き")
        verbose_name_plural = _("下書き")

    def __str__(self) -> str:
        return f"draft {self.key}"


class Upload(TimeStampedModel):
    """A file a resident attached, kept with the draft and then the submission."""

    draft = models.ForeignKey(
        Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    submission = models.ForeignKey(
        "Submission", on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    field_key = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    def __str__(self) -> str:
        return self.original_name

    @property
    def reference(self) -> dict:
        return {"id": self.pk, "name": self.original_name, "size": self.size}


class Submission(TimeStampedModel):
    receipt_number = models.CharField(_("受付番号"), max_length=12, unique=True)
    draft_key = models.UUIDField(unique=True, editable=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="submissions")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    bundle = models.ForeignKey(
        Bundle, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    email = models.EmailField(_("連絡先メールアドレス"), blank=True)
    language = models.CharField(max_length=16, default="ja")
    answers = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)
    computed = models.JSONField(default=dict)
    applicant_name = models.CharField(_("申請者"), max_length=60, blank=True)
    applicant_kana = models.CharField(
        _("申請者（フリガナ）"), max_length=120, blank=True, db_index=True
    )
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("申請日時"), db_index=True)
    staff_assisted = models.BooleanField(_("窓口で職員が入力"), default=False)
    purge_after = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("申請")
        verbose_name_plural = _("申請")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.receipt_number
