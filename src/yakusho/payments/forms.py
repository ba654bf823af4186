from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Charge, Method


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("支払方法"),
        widget=forms.RadioSelect,
        error_messages={"required": _("支払方法を選んでください。")},
    )

    def __init__(self, *args, charge: Charge, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Method.choices)
        self.fields["method"].choices = [(m, labels[m]) for m in charge.charge_type.methods]
        if len(charge.charge_type.methods) == 1:
            self.fields["method"].initial = charge.charge_type.methods[0]


class RefundForm(forms.Form):
    amount = forms.IntegerField(
        label=_("返金額（円）"),
        min_value=1,
        error_messages={
            "required": _("返金額を入力してください。"),
            "invalid": _("返金額は1円単位の整数で入力してください。"),
            "min_value": _("返金額は1円以上にしてください。"),
        },
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=200,
        error_messages={"required": _("返金の理由を入力してください。")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取り消す理由"),
        max_length=200,
        error_messages={"required": _("取り消す理由を入力してください。")},
    )


class ChargeRequestForm(forms.Form):
    """審査後決済: staff confirm the fee of a submission."""

    amount = forms.IntegerField(
        label=_("請求する金額（円）"),
        min_value=1,
        max_value=10_000_000,
        error_messages={
            "required": _("金額を入力してください。"),
            "invalid": _("金額は1円単位の整数で入力してください。"),
            "min_value": _("金額は1円以上にしてください。"),
            "max_value": _("金額が大きすぎます（上限は1,000万円です）。"),
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("受付番号・納付番号・取引ID"), required=False, max_length=120)
    state = forms.ChoiceField(
        label=_("状態"), required=False, choices=[("", _("すべて")), *Charge.State.choices]
    )
    attention = forms.BooleanField(label=_("確認が必要なものだけ"), required=False)


class PeriodForm(forms.Form):
    first = forms.DateField(
        label=_("開始日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("開始日を入力してください。"),
            "invalid": _("日付を正しく入力してください。"),
        },
    )
    last = forms.DateField(
        label=_("終了日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("終了日を入力してください。"),
            "invalid": _("日付を正しく入力してください。"),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last"):
            if data["first"] > data["last"]:
                raise forms.ValidationError(_("開始日は終了日より前にしてください。"))
            if (data["last"] - data["first"]).days > 366:
                raise forms.ValidationError(_("期間は1年以内にしてください。"))
        return data


class ReconcileForm(PeriodForm):
    provider = forms.ChoiceField(label=_("決済事業者"))

    def __init__(self, *args, providers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers


class SettlementForm(forms.Form):
    provider = forms.ChoiceField(label=_("決済事業者"))
    file = forms.FileField(
        label=_("入金明細（CSV）"),
        help_text=_("見出し date,type,transaction_id,amount。UTF-8かShift_JIS。"),
        error_messages={"required": _("ファイルを選んでください。")},
    )

    def __init__(self, *args, providers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers


class ExportForm(PeriodForm):
    encoding = forms.ChoiceField(
        label=_("文字コード"),
        choices=[("utf-8-sig", _("UTF-8（BOM付き）")), ("cp932", _("Shift_JIS（CP932）"))],
        initial="utf-8-sig",
    )


class SandboxForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label=_("結果"))
    duplicate = forms.BooleanField(label=_("通知を2回送る"), required=False)
    delay = forms.BooleanField(label=_("通知を60秒遅らせる"), required=False)


class SettleForm(forms.Form):
    paid_at = forms.DateField(
        label=_("支払った日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("日付を入力してください。"),
            "invalid": _("日付を正しく入力してください。"),
        },
    )
    duplicate = forms.BooleanField(label=_("通知を2回送る"), required=False)
