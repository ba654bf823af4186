"""Names of the form engine's field types, for staff."""

from django.utils.translation import gettext_lazy as _

TYPE_LABELS = [
    ("text", _("1行の文字")),
    ("textarea", _("複数行の文字")),
    ("number", _("数")),
    ("date", _("日付（和暦・西暦）")),
    ("name", _("氏名とフリガナ")),
    ("address", _("郵便番号と住所")),
    ("phone", _("電話番号")),
    ("email", _("メールアドレス")),
    ("select", _("選択（プルダウン）")),
    ("radio", _("選択（ひとつ）")),
    ("checkbox", _("選択（いくつでも）")),
    ("yesno", _("はい・いいえ")),
    ("file", _("ファイル")),
    ("bank_account", _("振込先口座")),
    ("person", _("人（氏名・フリガナ・生年月日・続柄）")),
    ("group", _("繰り返し（世帯員・子など）")),
    ("consent", _("同意・誓約")),
    ("info", _("説明文")),
]
