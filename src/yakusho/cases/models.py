"""The back office: a case for every submission, its history, messages, corrections,
decisions, issued documents and hand-offs to the city's core systems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel
from yakusho.procedures.models import SubmissionStatus

State = SubmissionStatus  # a case's state is what the resident sees of their submission
OPEN_STATES = frozenset({State.RECEIVED, State.REVIEWING, State.CORRECTION})
CLOSED_STATES = frozenset({State.COMPLETED, State.WITHDRAWN})


class Case(TimeStampedModel):
    submission = models.OneToOneField(
        "procedures.Submission", on_delete=models.CASCADE, related_name="case"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(
        _("状態"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    # Copied from the submission, so the queue filters and searches without joins.
    receipt_number = models.CharField(_("受付番号"), max_length=12, unique=True)
    applicant_name = models.CharField(_("申請者"), max_length=60, blank=True)
    applicant_key = models.CharField(max_length=120, blank=True, db_index=True)
    received_at = models.DateTimeField(_("受付日時"))
    due_date = models.DateField(_("処理期限"), null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    staff_assisted = models.BooleanField(_("窓口で入力"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)  # optimistic concurrency

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            # Covers the queue's filter and default order, so a page's ids come from the
            # index alone (see selectors.queue_page).
            models.Index(
                fields=["department", "state", "due_date", "received_at", "paused_since"],
                name="case_queue_idx",
            ),
            models.Index(fields=["department", "received_at"], name="case_received_idx"),
            models.Index(fields=["department", "assignee", "state"], name="case_assignee_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class CaseEvent(models.Model):
    """One line of a case's history: who did what, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Message(TimeStampedModel):
    class Direction(models.TextChoices):
        TO_RESIDENT = "out", _("市から")
        FROM_RESIDENT = "in", _("申請者から")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("本文"))
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Correction(TimeStampedModel):
    """補正: the fields staff ask the resident to fix, and the answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    fields = models.JSONField(_("直す項目"))
    message = models.TextField(_("依頼の内容"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"correction {self.pk}"


class AnswerVersion(models.Model):
    """Every version of a case's answers: as sent, then after each correction."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answer_versions")
    number = models.PositiveIntegerField()
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    correction = models.ForeignKey(
        Correction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="answer_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"


class DocumentTemplate(TimeStampedModel):
    """The text of a document a procedure issues (決定通知書, 却下通知書, 証明書)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("決定通知書")
        REJECTION = "rejection", _("却下通知書")
        CERTIFICATE = "certificate", _("証明書")

    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="document_templates"
    )
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("表題"), max_length=100)
    body = models.TextField(
        _("本文"),
        help_text=_(
            "{{申請者}} {{受付番号}} {{受付日}} {{決定日}} {{理由}} {{回答:キー}} が使えます。"
        ),
    )
    requires_approval = models.BooleanField(_("決裁が必要"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["procedure", "kind"], name="one_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.kind}"


class Decision(TimeStampedModel):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")

    class Stage(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("決裁待ち")
        SENT_BACK = "sent_back", _("差し戻し")
        ISSUED = "issued", _("発行済み")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("決定"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("理由"), blank=True)
    stage = models.CharField(_("段階"), max_length=10, choices=Stage.choices)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("決裁者のコメント"), blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"decision {self.pk}"


class DocumentSequence(models.Model):
    """文書番号: one counter per prefix and fiscal year, taken under a row lock."""

    prefix = models.CharField(max_length=20)
    fiscal_year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "fiscal_year"], name="document_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.fiscal_year}:{self.last}"


class IssuedDocument(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(max_length=12, choices=DocumentTemplate.Kind.choices)
    number = models.CharField(_("文書番号"), max_length=40, unique=True)
    title = models.CharField(max_length=100)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200)
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.number


class HandoffTarget(TimeStampedModel):
    """Where a procedure's cases go in the city's core systems (several at once)."""

    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="handoff_targets"
    )
    kind = models.CharField(_("種類"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    config = models.JSONField(_("設定"), default=dict)
    is_active = models.BooleanField(_("有効"), default=True)

    def __str__(self) -> str:
        return self.name


class HandoffDelivery(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        DELIVERED = "delivered", _("送信済み")
        FAILED = "failed", _("失敗")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs")
    target = models.ForeignKey(HandoffTarget, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    response = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "target"], name="handoff_once")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.target_id}"
