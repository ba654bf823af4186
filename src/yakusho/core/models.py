"""The city itself, its organisation, the audit log and the plumbing every app shares."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_local_government_code


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True


class Municipality(TimeStampedModel):
    """The one municipality this deployment serves (one city, one database)."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    code = models.CharField(
        _("全国地方公共団体コード"), max_length=6, validators=[validate_local_government_code]
    )
    name = models.CharField(_("名称"), max_length=50)
    name_kana = models.CharField(_("名称（カナ）"), max_length=100)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=10)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("代表電話"), max_length=20, blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)

    class Meta:
        verbose_name = _("自治体")
        verbose_name_plural = _("自治体")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="municipality_singleton"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    """A unit of the city's organisation: 部 → 課 → 係."""

    class Level(models.TextChoices):
        BU = "bu", _("部")
        KA = "ka", _("課")
        KAKARI = "kakari", _("係")

    PARENT_LEVEL = {Level.KA: Level.BU, Level.KAKARI: Level.KA}

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    level = models.CharField(_("階層"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="bu", parent__isnull=True)
                | models.Q(level__in=["ka", "kakari"], parent__isnull=False),
                name="department_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AuditRecord(models.Model):
    """One entry of the append-only, hash-chained audit log (see core.audit).

    No foreign keys: a record must outlive the user or object it names, and deleting either
    must never cascade into the log.
    """

    seq = models.PositiveBigIntegerField(_("連番"), unique=True)
    at = models.DateTimeField(_("日時"), db_index=True)
    actor_id = models.BigIntegerField(_("利用者ID"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("利用者"), max_length=150)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("対象の種類"), max_length=60, blank=True)
    object_id = models.CharField(_("対象のID"), max_length=64, blank=True)
    purpose = models.CharField(_("目的"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("接続元"), null=True, blank=True)
    data = models.JSONField(_("詳細"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return (
            f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit records are append-only.")


class AuditChainHead(models.Model):
    """The last link of the audit chain, locked while a record is appended so that
    concurrent writers form one chain."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # The retention purge removes the oldest records; verification starts after the last one
    # it removed, from that record's hash.
    purged_through_seq = models.PositiveBigIntegerField(default=0)
    purged_through_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"


class WorkerHeartbeat(models.Model):
    """Written by every running `yakusho worker` so /readyz and other workers know it lives."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PeriodicRun(models.Model):
    """One run of a periodic job for one time slot; the unique key lets only one of several
    workers run it."""

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot}"


class OutboundEmail(TimeStampedModel):
    """An e-mail the city sends, stored before it is sent.

    `key` names what the e-mail is about (e.g. "submission-confirmation:ABC-123"), so asking
    twice sends once. The stored Message-ID is reused on a resend after a crash, so a receiver
    can drop the copy.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="email_due_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.to}"
