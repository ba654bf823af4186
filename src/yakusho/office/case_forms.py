"""Forms of casework in the office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakusho.cases.models import Decision, State
from yakusho.cases.selectors import QueueFilters
from yakusho.core import fields


class QueueForm(fields.Form):
    q = forms.CharField(
        label=_("受付番号・申請者の氏名（漢字かカナ）"), required=False, max_length=60
    )
    state = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[
            ("open", _("処理中（受付・審査中・補正依頼中）")),
            ("", _("すべて")),
            *State.choices,
        ],
    )
    procedure = forms.ChoiceField(label=_("手続き"), required=False, choices=())
    assignee = forms.ChoiceField(label=_("担当者"), required=False, choices=())
    overdue = forms.BooleanField(label=_("期限切れだけ"), required=False)
    since = forms.DateField(
        label=_("受付日（から）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("受付日（まで）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("並び順"),
        required=False,
        choices=[
            ("due", _("期限の近い順")),
            ("-due", _("期限の遠い順")),
            ("-received", _("新しい順")),
            ("received", _("古い順")),
        ],
    )

    def __init__(self, *args: Any, procedures: Any, colleagues: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [
            ("", _("すべて")),
            *[(p.code, p.name) for p in procedures],
        ]
        self.fields["assignee"].choices = [
            ("", _("すべて")),
            ("me", _("自分")),
            ("none", _("未割り当て")),
            *[(str(u.pk), f"{u.last_name} {u.first_name}") for u in colleagues],
        ]

    def filters(self) -> QueueFilters:
        if not self.is_bound:
            return QueueFilters(state="open")
        if not self.is_valid():
            return QueueFilters(state="open")
        data = self.cleaned_data
        return QueueFilters(
            state=data["state"],
            procedure=data["procedure"],
            assignee=data["assignee"],
            overdue=data["overdue"],
            since=data["since"],
            until=data["until"],
            q=data["q"],
            sort=data["sort"] or "due",
        )


class BulkForm(fields.Form):
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[
            ("assign", _("担当者を割り当てる")),
            ("unassign", _("担当者を外す")),
            ("state", _("状態を変える")),
        ],
    )
    assignee = forms.ModelChoiceField(label=_("担当者"), required=False, queryset=None)
    to_state = forms.ChoiceField(
        label=_("新しい状態"),
        required=False,
        choices=[
            ("", "—"),
            (State.REVIEWING, State.REVIEWING.label),
            (State.COMPLETED, State.COMPLETED.label),
        ],
    )

    def __init__(self, *args: Any, colleagues: list, **kwargs: Any) -> None:
        from yakusho.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(pk__in=[u.pk for u in colleagues])
        self.fields["assignee"].label_from_instance = lambda u: f"{u.last_name} {u.first_name}"

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") == "assign" and not cleaned.get("assignee"):
            self.add_error("assignee", _("担当者を選んでください。"))
        if cleaned.get("action") == "state" and not cleaned.get("to_state"):
            self.add_error("to_state", _("新しい状態を選んでください。"))
        return cleaned


class MessageForm(fields.Form):
    body = fields.FreeTextField(
        label=_("申請者へのお知らせ"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CorrectionForm(fields.Form):
    fields_ = forms.MultipleChoiceField(
        label=_("直してもらう項目"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    message = fields.FreeTextField(
        label=_("依頼の内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("何を、どう直してほしいかを書いてください。申請者に送られます。"),
    )

    def __init__(self, *args: Any, choices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fields_"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["fields"] = cleaned.get("fields_", [])
        return cleaned


class DecisionForm(fields.Form):
    outcome = forms.ChoiceField(
        label=_("決定"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = fields.FreeTextField(
        label=_("理由・補足"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("却下のときは必ず書いてください。通知書に載ります。"),
    )
