"""The mirror of the city's resident registry (住民基本台帳), used to verify identity and to
prefill forms. Loaded from the core system; never edited here. No マイナンバー is held."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel


class ResidentRecord(TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    atena_number = models.CharField(_("宛名番号"), max_length=15, unique=True)
    household_number = models.CharField(_("世帯番号"), max_length=15, db_index=True)
    relation = models.CharField(_("続柄"), max_length=20, blank=True)
    name = models.CharField(_("氏名"), max_length=60)
    name_kana = models.CharField(_("氏名（フリガナ）"), max_length=120)
    # Normalised forms used for matching (no spaces, NFKC, katakana).
    name_key = models.CharField(max_length=60, db_index=True, editable=False)
    name_kana_key = models.CharField(max_length=120, db_index=True, editable=False)
    birth_date = models.DateField(_("生年月日"))
    sex = models.CharField(_("性別"), max_length=6, choices=Sex.choices)
    postal_code = models.CharField(_("郵便番号"), max_length=8)
    address = models.CharField(_("住所"), max_length=200)
    is_current = models.BooleanField(_("住民である"), default=True)

    class Meta:
        verbose_name = _("住民記録")
        verbose_name_plural = _("住民記録")
        indexes = [models.Index(fields=["name_key", "birth_date"], name="resident_basic_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.atena_number}）"
