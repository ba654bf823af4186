"""Django's password rules with yakusho's words (Japanese msgids, translated)."""

from __future__ import annotations

from django.contrib.auth import password_validation as base
from django.utils.translation import gettext as _


class MinimumLengthValidator(base.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("パスワードは%(min_length)d文字以上にしてください。") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return self.get_error_message()


class CommonPasswordValidator(base.CommonPasswordValidator):
    """Refuses the 20,000 most common passwords, which breach lists are full of."""

    def get_error_message(self) -> str:
        return _("このパスワードはよく使われていて、見破られやすいため使えません。")

    def get_help_text(self) -> str:
        return _("よく使われているパスワードは使えません。")


class NumericPasswordValidator(base.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("数字だけのパスワードは使えません。")

    def get_help_text(self) -> str:
        return self.get_error_message()


class UserAttributeSimilarityValidator(base.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("メールアドレスや名前に似たパスワードは使えません。")

    def get_help_text(self) -> str:
        return self.get_error_message()
