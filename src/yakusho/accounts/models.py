"""Accounts of residents and of city staff, how sure we are who a resident is, and what each
member of staff may do in which department."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel
from yakusho.core.reads import row_by


class UserManager(DjangoUserManager):
    def get(self, *args: Any, **kwargs: Any) -> User:
        """`get(pk=…)` alone — what Django's authentication backends ask on every signed-in
        request — reads the row with one fixed statement (`core.reads`) instead of building
        the query through the ORM (about 0.25 ms of Python a request; docs/performance.md).
        Anything else, and a key that is not a number, goes the usual way."""
        if args or list(kwargs) != ["pk"]:
            return super().get(*args, **kwargs)
        try:
            found = row_by(self.model, "pk", kwargs["pk"], using=self.db)
        except (TypeError, ValueError):  # not a number: the ORM says so its own way
            return super().get(*args, **kwargs)
        if found is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return found


class User(AbstractUser):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("住民")
        STAFF = "staff", _("職員")

    class Assurance(models.TextChoices):
        NONE = "none", _("未確認")
        EMAIL = "email", _("メールアドレス確認済み")
        VERIFIED = "verified", _("本人確認済み")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    preferred_language = models.CharField(_("表示言語"), max_length=16, blank=True)
    assurance = models.CharField(
        _("本人確認の水準"), max_length=10, choices=Assurance.choices, default=Assurance.NONE
    )
    resident = models.ForeignKey(
        "residents.ResidentRecord",
        verbose_name=_("住民記録"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF

    def meets(self, level: str) -> bool:
        """Whether this account reaches an identity level a procedure asks for."""
        order = [self.Assurance.NONE, self.Assurance.EMAIL, self.Assurance.VERIFIED]
        return order.index(self.assurance) >= order.index(level)


class IdentityLink(TimeStampedModel):
    """How a resident proved who they are: the provider and its subject identifier.
    A マイナンバー is never stored; the provider's pairwise `sub` is all we keep."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links"
    )
    provider = models.CharField(_("確認の方法"), max_length=40)
    subject = models.CharField(_("識別子"), max_length=255)
    resident = models.ForeignKey(
        "residents.ResidentRecord", on_delete=models.PROTECT, related_name="identity_links"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("本人確認の記録")
        verbose_name_plural = _("本人確認の記録")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class CounterCode(TimeStampedModel):
    """A one-time code staff issue at the counter (書かない窓口) after checking a resident's
    identity in person; the resident enters it in their account to become verified."""

    code_hash = models.CharField(max_length=64, unique=True)
    resident = models.ForeignKey(
        "residents.ResidentRecord", on_delete=models.CASCADE, related_name="counter_codes"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("窓口確認コード")
        verbose_name_plural = _("窓口確認コード")

    def __str__(self) -> str:
        return f"counter code for {self.resident_id}"


class Role(models.TextChoices):
    TANTO = "tanto", _("担当")
    KESSAI = "kessai", _("決裁者")
    SHOZOKUCHO = "shozokucho", _("所属長")
    SYSADMIN = "sysadmin", _("システム管理者")
    AUDITOR = "auditor", _("監査")


class StaffAssignment(TimeStampedModel):
    """A member of staff's role in a department (事務分掌). Roles in a 部 reach its 課 and 係."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("役割"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("職員の役割")
        verbose_name_plural = _("職員の役割")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}@{self.department_id}"


class AccessGrant(TimeStampedModel):
    """An explicit share: another department (or one person) may work on this department's
    cases, for a stated reason, until an end date."""

    department = models.ForeignKey(
        "core.Department", on_delete=models.CASCADE, related_name="grants_given"
    )
    to_department = models.ForeignKey(
        "core.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants_received",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants_received",
    )
    reason = models.CharField(_("理由"), max_length=200)
    valid_until = models.DateField(_("有効期限"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("閲覧の共有")
        verbose_name_plural = _("閲覧の共有")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_department__isnull=False, to_user__isnull=True)
                | models.Q(to_department__isnull=True, to_user__isnull=False),
                name="grant_has_one_grantee",
            )
        ]

    def __str__(self) -> str:
        return f"grant {self.department_id} → {self.to_department_id or self.to_user_id}"
