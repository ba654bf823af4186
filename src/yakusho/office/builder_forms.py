"""Forms of the office's procedure builder. Texts have a Japanese field and, folded away,
one per other language."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from yakusho.core import fields
from yakusho.procedures.definition_labels import TYPE_LABELS
from yakusho.procedures.engine.definition import PREFILL_PATHS
from yakusho.procedures.models import Category, IdentityLevel

OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "ja"]


def add_text_fields(
    form: forms.Form,
    name: str,
    label: Any,
    *,
    required: bool = True,
    textarea: bool = False,
    initial: dict | None = None,
) -> None:
    """`name` (Japanese) plus `name__<lang>` for the other languages."""
    initial = initial or {}
    widget = forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput
    form.fields[name] = fields.FreeTextField(
        label=label,
        required=required,
        max_length=2000,
        widget=widget,
        initial=initial.get("ja", ""),
    )
    for code, language in OTHER_LANGUAGES:
        form.fields[f"{name}__{code}"] = fields.FreeTextField(
            label=f"{label}（{language}）",
            required=False,
            max_length=2000,
            widget=widget,
            initial=initial.get(code, ""),
        )


def collect_text(data: dict, name: str) -> dict[str, str]:
    text = {"ja": data.get(name, "")}
    for code, _language in OTHER_LANGUAGES:
        if data.get(f"{name}__{code}"):
            text[code] = data[f"{name}__{code}"]
    return text if text["ja"] else {}


class ProcedureForm(fields.Form):
    code = forms.SlugField(
        label=_("コード（半角英数字とハイフン）"),
        max_length=60,
        help_text=_("アドレスに使われます。例：jido-teate"),
    )
    department = forms.ModelChoiceField(label=_("担当課"), queryset=None)
    category = forms.ModelChoiceField(label=_("分類"), queryset=Category.objects.all())
    identity_level = forms.ChoiceField(
        label=_("必要な本人確認"), choices=IdentityLevel.choices, widget=forms.RadioSelect
    )
    processing_days = forms.IntegerField(
        label=_("標準処理期間（開庁日）"), min_value=0, max_value=365
    )
    fully_online = forms.BooleanField(label=_("オンラインで完結する"), required=False)
    legal_basis = fields.FreeTextField(label=_("根拠法令"), required=False, max_length=300)
    contact = fields.FreeTextField(label=_("問い合わせ先"), required=False, max_length=300)
    keywords = fields.FreeTextField(
        label=_("検索語"),
        required=False,
        max_length=500,
        help_text=_("言い換えや略語を、読点で区切って入力します。"),
    )

    def __init__(self, *args: Any, departments: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.instance = instance
        texts = {}
        if instance is not None:
            for name in ("name", "summary", "description", "eligibility", "fee_text"):
                texts[name] = {
                    "ja": getattr(instance, name),
                    **getattr(instance, f"{name}_translations"),
                }
            self.fields["code"].disabled = True
        add_text_fields(self, "name", _("名称"), initial=texts.get("name"))
        add_text_fields(
            self,
            "summary",
            _("概要（一覧に出る1〜2文）"),
            required=False,
            initial=texts.get("summary"),
        )
        add_text_fields(
            self,
            "description",
            _("説明"),
            required=False,
            textarea=True,
            initial=texts.get("description"),
        )
        add_text_fields(
            self, "eligibility", _("申請できる方"), required=False, initial=texts.get("eligibility")
        )
        add_text_fields(
            self,
            "fee_text",
            _("手数料（なければ空欄）"),
            required=False,
            initial=texts.get("fee_text"),
        )
        fields.apply_messages(self)

    def clean_code(self) -> str:
        from yakusho.procedures.models import Procedure

        code = self.cleaned_data["code"]
        if self.instance is None and Procedure.objects.filter(code=code).exists():
            raise forms.ValidationError(_("このコードの手続きはすでにあります。"))
        return code


class StepForm(fields.Form):
    def __init__(self, *args: Any, initial_texts: dict | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial_texts = initial_texts or {}
        add_text_fields(self, "title", _("ステップの見出し"), initial=initial_texts.get("title"))
        add_text_fields(
            self,
            "intro",
            _("説明文"),
            required=False,
            textarea=True,
            initial=initial_texts.get("intro"),
        )
        fields.apply_messages(self)


class FieldAddForm(fields.Form):
    type = forms.ChoiceField(label=_("項目の種類"), choices=TYPE_LABELS)
    label = fields.FreeTextField(label=_("見出し（日本語）"), max_length=200)


OPERATORS = [
    ("", _("いつも表示する")),
    ("equals", _("次の値のとき表示する")),
    ("not_equals", _("次の値でないとき表示する")),
    ("filled", _("入力されているとき表示する")),
]


class FieldForm(fields.Form):
    """The settings of one field, as plain inputs."""

    key = forms.RegexField(
        label=_("キー"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        max_length=40,
        help_text=_("半角英小文字・数字・_。共通の項目や自動入力の対応に使います。"),
    )
    required = forms.BooleanField(label=_("必須"), required=False)
    options = fields.FreeTextField(
        label=_("選択肢"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("1行に1つ。「値: 表示名」と書くと値を決められます（例：bank: 口座振込）。"),
    )
    condition_field = forms.ChoiceField(label=_("表示の条件：どの項目"), required=False, choices=())
    condition_operator = forms.ChoiceField(
        label=_("表示の条件：どんなとき"), required=False, choices=OPERATORS
    )
    condition_value = forms.CharField(
        label=_("表示の条件：値"),
        required=False,
        max_length=100,
        help_text=_("選択肢の値、または はい/いいえ"),
    )
    prefill = forms.ChoiceField(label=_("自動入力"), required=False, choices=())
    registry_bound = forms.BooleanField(
        label=_("住民記録の値を変更できないようにする"), required=False
    )
    max_length = forms.IntegerField(
        label=_("最大文字数"), required=False, min_value=1, max_value=10000
    )
    min = forms.IntegerField(label=_("最小値"), required=False)
    max = forms.IntegerField(label=_("最大値"), required=False)
    max_items = forms.IntegerField(label=_("最大件数"), required=False, min_value=1, max_value=20)
    max_size_mb = forms.IntegerField(
        label=_("ファイルの最大サイズ（MB）"), required=False, min_value=1, max_value=20
    )

    def __init__(
        self, *args: Any, item: dict, earlier: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        self.item = item
        kind = item["type"]
        super().__init__(*args, initial=self._initial(item), **kwargs)
        text_name = "text" if kind in ("info", "consent") else "label"
        add_text_fields(
            self,
            text_name,
            _("本文") if text_name == "text" else _("見出し"),
            textarea=text_name == "text",
            initial=item.get(text_name),
        )
        add_text_fields(self, "hint", _("補足の説明"), required=False, initial=item.get("hint"))
        self.fields["condition_field"].choices = [("", "—"), *earlier]
        prefills = [p for p, kinds in PREFILL_PATHS.items() if kind in kinds]
        self.fields["prefill"].choices = [
            ("", _("しない")),
            *[(p, p) for p in prefills],
            ("previous." + item["key"], _("前回の申請の同じ項目")),
        ]
        for name in self._unused(kind):
            del self.fields[name]
        fields.apply_messages(self)

    @staticmethod
    def _unused(kind: str) -> list[str]:
        unused = []
        if kind not in ("select", "radio", "checkbox"):
            unused.append("options")
        if kind not in ("text", "textarea"):
            unused.append("max_length")
        if kind != "number":
            unused += ["min", "max"]
        if kind != "group":
            unused.append("max_items")
        if kind != "file":
            unused.append("max_size_mb")
        if kind in ("info",):
            unused += ["required", "prefill", "registry_bound"]
        return unused

    @staticmethod
    def _initial(item: dict) -> dict:
        condition = item.get("visible_if") or {}
        operator = next((op for op in ("equals", "not_equals", "filled") if op in condition), "")
        value = condition.get(operator, "") if operator != "filled" else ""
        if value is True:
            value = "はい"
        elif value is False:
            value = "いいえ"
        options = "\n".join(
            f"{o['value']}: {o['label'].get('ja', '')}" for o in item.get("options", [])
        )
        return {
            "key": item["key"],
            "required": item.get("required") is True,
            "options": options,
            "condition_field": condition.get("field", ""),
            "condition_operator": operator,
            "condition_value": value,
            "prefill": item.get("prefill", ""),
            "registry_bound": item.get("registry_bound", False),
            **{k: item.get(k) for k in ("max_length", "min", "max", "max_items", "max_size_mb")},
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("condition_operator") and not cleaned.get("condition_field"):
            self.add_error("condition_field", _("条件にする項目を選んでください。"))
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = self.item["type"]
        text_name = "text" if kind in ("info", "consent") else "label"
        values: dict[str, Any] = {
            "key": data["key"],
            text_name: collect_text(data, text_name),
            "hint": collect_text(data, "hint"),
        }
        if data.get("required"):
            values["required"] = True
        if "options" in data:
            values["options"] = _parse_options(data["options"]) or self.item.get("options", [])
        operator = data.get("condition_operator")
        if operator:
            rule: dict[str, Any] = {"field": data["condition_field"]}
            if operator == "filled":
                rule["filled"] = True
            else:
                raw = data.get("condition_value", "")
                rule[operator] = {"はい": True, "いいえ": False}.get(raw, raw)
            values["visible_if"] = rule
        for name in (
            "prefill",
            "registry_bound",
            "max_length",
            "min",
            "max",
            "max_items",
            "max_size_mb",
        ):
            if data.get(name) not in (None, "", False):
                values[name] = data[name]
        for name in (
            "accept",
            "relations",
            "unit",
            "allow_future",
            "max_files",
            "min_items",
            "item_label",
            "counted_as",
        ):
            if name in self.item:
                values[name] = self.item[name]
        return values


def _parse_options(text: str) -> list[dict]:
    options, seen = [], set()
    for number, line in enumerate(
        (line.strip() for line in text.splitlines() if line.strip()), start=1
    ):
        value, sep, label = line.partition(":")
        if not sep:
            value, label = f"option_{number}", line
        value = re.sub(r"[^A-Za-z0-9_-]", "_", value.strip())[:40] or f"option_{number}"
        while value in seen:
            value += "_"
        seen.add(value)
        options.append({"value": value, "label": {"ja": label.strip()[:200]}})
    return options


class ImportForm(fields.Form):
    file = forms.FileField(label=_("手続きファイル（JSON または YAML）"))


class DuplicateForm(fields.Form):
    code = forms.SlugField(label=_("新しいコード"), max_length=60)


class HandoffTargetForm(fields.Form):
    """A hand-off target with the settings its kind needs (no JSON)."""

    kind = forms.ChoiceField(
        label=_("連携の方法"),
        choices=[
            ("csv", _("CSVファイル（基幹系が取り込むフォルダへ）")),
            ("email", _("課のメールアドレスへ送る")),
            ("webhook", _("Webhook（署名付きJSON）")),
            ("pull", _("取得API（RPA・基幹系が取りに来る）")),
        ],
    )
    name = fields.FreeTextField(
        label=_("名前"), max_length=100, help_text=_("例：児童手当システム")
    )
    folder = fields.FreeTextField(label=_("CSV：保存先フォルダ"), required=False, max_length=300)
    encoding = forms.ChoiceField(
        label=_("CSV：文字コード"),
        required=False,
        choices=[("utf-8-sig", "UTF-8（BOM付き）"), ("cp932", "Shift_JIS（CP932）")],
    )
    columns = fields.FreeTextField(
        label=_("CSV：列"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "1行に1列。「見出し: 値の場所」（例：氏名: answers.applicant.name）。空なら受付番号・受付日時・申請者。"
        ),
    )
    to = forms.EmailField(label=_("メール：宛先"), required=False)
    url = forms.URLField(
        label=_("Webhook：送り先URL"), required=False, max_length=500, assume_scheme="https"
    )
    secret = forms.CharField(label=_("Webhook：署名の鍵"), required=False, max_length=200)

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == "webhook" and not (cleaned.get("url") and cleaned.get("secret")):
            self.add_error("url", _("送り先URLと署名の鍵を入力してください。"))
        if kind == "email" and not cleaned.get("to"):
            self.add_error("to", _("宛先を入力してください。"))
        return cleaned

    def config(self) -> tuple[dict, str]:
        """The target's settings, and for a pull target the token to show once."""
        import hashlib
        import secrets

        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == "csv":
            columns = [
                [part.strip() for part in line.split(":", 1)]
                for line in data["columns"].splitlines()
                if ":" in line
            ]
            config = {"encoding": data["encoding"] or "utf-8-sig"}
            if data["folder"]:
                config["folder"] = data["folder"]
            if columns:
                config["columns"] = columns
            return config, ""
        if kind == "email":
            return {"to": data["to"]}, ""
        if kind == "webhook":
            return {"url": data["url"], "secret": data["secret"], "timeout": 10}, ""
        token = secrets.token_urlsafe(32)
        return {"token_sha256": hashlib.sha256(token.encode()).hexdigest()}, token
