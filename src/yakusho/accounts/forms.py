"""allauth's forms with yakusho's words: every label and message is a Japanese msgid
translated into the project's languages, and no placeholder stands in for a label."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yakusho.core.fields import Form, apply_messages
from yakusho.residents.models import ResidentRecord

from .models import User

EMAIL = _("メールアドレス")
PASSWORD = _("パスワード")
NEW_PASSWORD = _("新しいパスワード")
PASSWORD_AGAIN = _("パスワード（確認のためもう一度）")
PASSWORD_HINT = _("10文字以上。よく使われるものや、数字だけのものは使えません。")
CODE = _("確認コード")
CODE_HINT = _("認証アプリに表示されている6桁の数字")


def _relabel(form: forms.BaseForm, labels: dict[str, tuple[Any, str, Any]]) -> None:
    """Set label, autocomplete and hint per field; drop placeholders (a label never hides)."""
    for name, (label, autocomplete, hint) in labels.items():
        if name not in form.fields:
            continue
        field = form.fields[name]
        field.label = label
        field.help_text = hint or ""
        field.widget.attrs.pop("placeholder", None)
        if autocomplete:
            field.widget.attrs["autocomplete"] = autocomplete
    apply_messages(form)


class ResidentLoginForm(account_forms.LoginForm):
    """Residents sign in here; staff accounts are refused (they have their own page)."""

    kind = User.Kind.RESIDENT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {"login": (EMAIL, "email", None), "password": (PASSWORD, "current-password", None)},
        )
        self.fields["login"].widget.attrs.pop("autofocus", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and user.kind != self.kind:
            # The same words as a wrong password: nobody learns which accounts exist where.
            raise ValidationError(self.error_messages_for_mismatch())
        return cleaned

    @staticmethod
    def error_messages_for_mismatch() -> Any:
        from allauth.account.adapter import get_adapter

        return get_adapter().error_messages["email_password_mismatch"]


class StaffLoginForm(ResidentLoginForm):
    kind = User.Kind.STAFF

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("職員のメールアドレス")


class SignupForm(account_forms.SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "email": (EMAIL, "email", _("確認のメールを送ります。")),
                "password1": (PASSWORD, "new-password", PASSWORD_HINT),
                "password2": (PASSWORD_AGAIN, "new-password", None),
            },
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"email": (EMAIL, "email", _("登録したメールアドレスを入力してください。"))})


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "password1": (NEW_PASSWORD, "new-password", PASSWORD_HINT),
                "password2": (PASSWORD_AGAIN, "new-password", None),
            },
        )


class ChangePasswordForm(account_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "oldpassword": (_("今のパスワード"), "current-password", None),
                "password1": (NEW_PASSWORD, "new-password", PASSWORD_HINT),
                "password2": (PASSWORD_AGAIN, "new-password", None),
            },
        )


class ChangeEmailForm(account_forms.ChangeEmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "email": (
                    _("新しいメールアドレス"),
                    "email",
                    _("新しいアドレスに確認のメールを送ります。"),
                )
            },
        )


class ReauthenticateForm(account_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password": (PASSWORD, "current-password", None)})


class MFAAuthenticateForm(mfa_base_forms.AuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self, {"code": (CODE, "one-time-code", _("認証アプリの6桁の数字か、リカバリーコード"))}
        )
        self.fields["code"].widget.attrs.update({"inputmode": "numeric"})


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": (CODE, "one-time-code", CODE_HINT)})
        self.fields["code"].widget.attrs.update({"inputmode": "numeric"})


class DeactivateTOTPForm(totp_forms.DeactivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_messages(self)


class GenerateRecoveryCodesForm(recovery_forms.GenerateRecoveryCodesForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_messages(self)


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "name": (_("パスキーの名前"), "off", _("例：自分のスマートフォン")),
                "passwordless": (_("パスワードなしでログインに使う"), "", None),
            },
        )


# --- yakusho's own forms -------------------------------------------------------------------


class CounterCodeForm(Form):
    code = forms.CharField(
        label=_("窓口で受け取った確認コード"),
        max_length=20,
        help_text=_("8文字の英数字です（例：K7M4-Q2XP）。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


class AccountDeleteForm(Form):
    confirm = forms.BooleanField(label=_("上の説明を読み、アカウントを削除することに同意します"))


class ResidentSearchForm(Form):
    query = forms.CharField(
        label=_("氏名（漢字またはカナ）"),
        max_length=60,
        help_text=_("姓だけ、または姓名の最初の部分でも探せます。"),
    )
    birth_date = forms.DateField(
        label=_("生年月日"),
        required=False,
        help_text=_("例：1985-04-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CounterIssueForm(Form):
    resident = forms.ModelChoiceField(
        queryset=ResidentRecord.objects.none(), widget=forms.HiddenInput
    )
    checked = forms.BooleanField(
        label=_("本人確認書類（運転免許証など）で、本人であることを確認しました")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = ResidentRecord.objects.filter(is_current=True)
