"""Form fields for Japanese administrative forms, with messages that name the fix.

Every message is a Japanese msgid translated into the project's languages; Django's own
English messages never reach a resident (Django has no Tagalog or やさしい日本語 catalogue).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .japanese.kana import is_katakana_name, normalize_kana
from .japanese.postal import lookup_postal_code, normalize_postal_code
from .japanese.wareki import ERAS, WarekiError, to_wareki, wareki_to_date
from .validators import validate_no_individual_number

MESSAGES = {
    "required": _("入力してください。"),
    "invalid": _("入力内容を確かめてください。"),
    "invalid_choice": _("選択肢の中から選んでください。"),
    "max_length": _("%(limit_value)d文字以内で入力してください（今は%(show_value)d文字です）。"),
    "min_length": _("%(limit_value)d文字以上で入力してください。"),
    "max_value": _("%(limit_value)s以下の数を入力してください。"),
    "min_value": _("%(limit_value)s以上の数を入力してください。"),
    "empty": _("ファイルが空です。"),
    "missing": _("ファイルを選んでください。"),
}
CHOICE_REQUIRED = _("選んでください。")
_CHOICE_WIDGETS = (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def apply_messages(form: forms.BaseForm) -> None:
    """Give every field of `form` our translated messages where it would use Django's."""
    for field in form.fields.values():
        field.error_messages.update(MESSAGES)
        if isinstance(
            field.widget, (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple)
        ):
            field.error_messages["required"] = CHOICE_REQUIRED
        field.error_messages.update(getattr(field, "own_messages", {}))


class Form(forms.Form):
    """A form whose fields speak the resident's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_messages(self)


class FreeTextField(forms.CharField):
    """Free text: control characters removed, マイナンバー refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(validate_no_individual_number)

    def to_python(self, value: Any) -> str:
        return _CONTROL_CHARS.sub("", super().to_python(value))


class KanaField(forms.CharField):
    """フリガナ: hiragana, half-width or full-width katakana in, full-width katakana out."""

    own_messages = {"kana": _("フリガナはカタカナで入力してください（例：ハダノ タロウ）。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "autocomplete": "off", "lang": "ja"}

    def to_python(self, value: Any) -> str:
        return normalize_kana(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not is_katakana_name(value):
            raise ValidationError(self.error_messages["kana"], code="kana")


class PostalCodeField(forms.CharField):
    """A postal code that exists; cleaned to 「257-0015」."""

    own_messages = {
        "format": _("郵便番号は7桁の数字で入力してください（例：257-0015）。"),
        "unknown": _("郵便番号が見つかりません。番号を確かめてください。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {
            **super().widget_attrs(widget),
            "autocomplete": "postal-code",
            "inputmode": "numeric",
            "data-postal-code": "",
        }

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        code = normalize_postal_code(value)
        if code is None:
            raise ValidationError(self.error_messages["format"], code="format")
        address = lookup_postal_code(code)
        if address is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return address.formatted_code


class PhoneField(forms.CharField):
    """A Japanese phone number: 0 then 9 or 10 more digits, hyphens optional."""

    own_messages = {
        "phone": _("電話番号は0から始まる10桁か11桁の数字で入力してください（例：0463-82-5111）。")
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "autocomplete": "tel", "inputmode": "tel"}

    def to_python(self, value: Any) -> str:
        text = unicodedata.normalize("NFKC", super().to_python(value))
        return re.sub(r"[‐‑–—―−ー]", "-", text).replace(" ", "")

    def validate(self, value: str) -> None:
        super().validate(value)
        digits = re.sub(r"[-()]", "", value)
        if value and not re.fullmatch(r"0[0-9]{9,10}", digits):
            raise ValidationError(self.error_messages["phone"], code="phone")


SEIREKI = "AD"
ERA_CHOICES = [("", _("選んでください")), (SEIREKI, _("西暦"))] + [
    (era.letter, era.name) for era in ERAS
]


class EraDateWidget(forms.MultiWidget):
    """元号 (or 西暦), 年, 月, 日: four labelled inputs, no JavaScript needed."""

    template_name = "components/widgets/era_date.html"

    def __init__(self, attrs: dict | None = None) -> None:
        number = {"inputmode": "numeric", "autocomplete": "off", "class": "input"}
        widgets = {
            "era": forms.Select(choices=ERA_CHOICES, attrs={"class": "select"}),
            "year": forms.TextInput(attrs={**number, "maxlength": "4"}),
            "month": forms.TextInput(attrs={**number, "maxlength": "2"}),
            "day": forms.TextInput(attrs={**number, "maxlength": "2"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            try:
                wareki = to_wareki(value)
            except WarekiError:
                return [SEIREKI, value.year, value.month, value.day]
            return [wareki.era.letter, wareki.year, value.month, value.day]
        return [None, None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        labels = [_("元号"), _("年"), _("月"), _("日")]
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["label"] = label
        return context


class JapaneseDateField(forms.Field):
    """A date entered as 元号＋年月日 or 西暦; refuses 令和0年, 2月30日 and the like by name."""

    widget = EraDateWidget
    own_messages = {
        "incomplete": _("元号・年・月・日をすべて入力してください。"),
        "not_number": _("年・月・日は数字で入力してください。"),
        "future": _("未来の日付は入力できません。"),
        **WarekiError.MESSAGES,
    }

    def __init__(self, *, allow_future: bool = False, **kwargs: Any) -> None:
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date) or value is None:
            return value
        era, year, month, day = (unicodedata.normalize("NFKC", str(v or "")).strip() for v in value)
        if not any((era, year, month, day)):
            return None
        if not all((era, year, month, day)):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if year == "元":
            year = "1"
        try:
            y, m, d = int(year), int(month), int(day)
        except ValueError:
            raise ValidationError(self.error_messages["not_number"], code="not_number") from None
        try:
            if era == SEIREKI:
                date = dt.date(y, m, d)
                to_wareki(date)  # refuses dates before the Gregorian calendar
            else:
                date = wareki_to_date(era, y, m, d)
        except WarekiError as exc:
            raise ValidationError(self.error_messages[exc.code], code=exc.code) from None
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid_date"], code="invalid_date"
            ) from None
        if not self.allow_future and date > timezone.localdate():
            raise ValidationError(self.error_messages["future"], code="future")
        return date


class PostalLookupMixin:
    """Fill the address from the postal code without JavaScript: the form's 「住所を検索」
    button (name="lookup_postal") posts the form, and it comes back with the address filled
    in and nothing else checked yet. With JavaScript the same happens as the code is typed."""

    postal_field = "postal_code"
    address_field = "address"
    lookup_button = "lookup_postal"
    _lookup_only = False

    def looked_up_postal_code(self) -> bool:
        if not self.is_bound or self.lookup_button not in self.data:
            return False
        self._lookup_only = True
        address = lookup_postal_code(self.data.get(self.add_prefix(self.postal_field), ""))
        if address is not None:
            data = self.data.copy()
            data[self.add_prefix(self.address_field)] = address.address
            self.data = data
        return True

    def full_clean(self) -> None:
        if not self._lookup_only:
            super().full_clean()
            return
        # Only the postal code is checked; the rest waits until the form is really sent.
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}
        field = self.fields[self.postal_field]
        try:
            field.clean(self[self.postal_field].data)
        except ValidationError as exc:
            self.add_error(self.postal_field, exc)
