"""allauth adapters: yakusho's words for every message, e-mail through the outbox (sent after
commit, retried, never lost), and where people land after signing in."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yakusho.core.services import email_queue

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("このアカウントは使えません。市役所にお問い合わせください。"),
        "duplicate_email": _("このメールアドレスはすでに登録されています。"),
        "email_password_mismatch": _("メールアドレスかパスワードが違います。"),
        "email_taken": _("このメールアドレスは使えません。別のアドレスを入力してください。"),
        "enter_current_password": _("今のパスワードを入力してください。"),
        "incorrect_code": _("コードが違います。"),
        "incorrect_password": _("パスワードが違います。"),
        "invalid_or_expired_key": _("このリンクは使えないか、有効期限が切れています。"),
        "invalid_login": _("ログインできませんでした。"),
        "invalid_password_reset": _(
            "パスワード再設定のリンクが正しくないか、有効期限が切れています。"
            "もう一度、再設定の手続きをしてください。"
        ),
        "too_many_login_attempts": _(
            "ログインの失敗が続いたため、このアカウントへのログインを一時的に止めています。"
            "15分ほど待ってから、もう一度お試しください。"
        ),
        "unknown_email": _("このメールアドレスは登録されていません。"),
        "unverified_primary_email": _("メールアドレスの確認がまだ済んでいません。"),
        "same_as_current": _("今と同じ内容です。別の内容を入力してください。"),
        "rate_limited": _(
            "操作が続いたため、一時的に受け付けを止めています。1分ほど待ってからお試しください。"
        ),
        "select_only_one": _("一つだけ選んでください。"),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render in the current language and hand to the outbox (sent after commit)."""
        context = {**context, "email": email}
        subject = render_to_string(f"{template_prefix}_subject.txt", context, self.request)
        body = render_to_string(f"{template_prefix}_message.txt", context, self.request)
        email_queue(
            key=f"{template_prefix}:{uuid.uuid4().hex}",
            to=email,
            subject=" ".join(subject.split()),
            body=body.strip() + "\n",
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if request.user.is_authenticated and request.user.kind == User.Kind.STAFF:
            return reverse("office:dashboard")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        return reverse("accounts:home")

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            User.objects.filter(pk=email_address.user_id, assurance=User.Assurance.NONE).update(
                assurance=User.Assurance.EMAIL
            )
        return confirmed

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user.kind = User.Kind.RESIDENT
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "") or ""
        return super().save_user(request, user, form, commit=commit)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _(
            "2段階認証を使っているアカウントには、メールアドレスを追加できません。"
        ),
        "cannot_delete_authenticator": _("職員のアカウントでは、2段階認証を止められません。"),
        "cannot_generate_recovery_codes": _(
            "リカバリーコードを作るには、先に2段階認証を設定してください。"
        ),
        "incorrect_code": _(
            "コードが違います。認証アプリに今表示されている数字を入力してください。"
        ),
        "unverified_email": _("メールアドレスの確認が済んでから、2段階認証を設定してください。"),
    }

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Staff must keep a second factor; residents may remove theirs."""
        return authenticator.user.kind != User.Kind.STAFF

    def get_totp_label(self, user: User) -> str:
        return user.email or user.get_username()
