"""Accounts of residents and of city staff."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("住民")
        STAFF = "staff", _("職員")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    preferred_language = models.CharField(_("表示言語"), max_length=16, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
