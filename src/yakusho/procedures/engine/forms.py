"""Turning a step of a definition into a Django form, and a sent form back into answers.

Composite fields (name, address, bank account, person) become several inputs named
`<key>__<part>`; repeating groups become rows `<key>-<n>__<member>` with buttons to add and
remove rows that work without JavaScript. Requiredness and conditions are applied after the
inputs are cleaned, with the answers of earlier steps and this step's own values, so a field
hidden by a condition is neither checked nor kept.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakusho.core import fields as jp
from yakusho.core.japanese.postal import lookup_postal_code

from .definition import Field, FormDefinition, Step
from .i18n import localize
from .rules import Answers, evaluate, is_filled, referenced_fields

ADD_ROW = "_add_"
REMOVE_ROW = "_remove_"
LOOKUP_POSTAL = "_lookup_postal"
ACCOUNT_TYPES = [
    ("ordinary", gettext_lazy("普通")),
    ("checking", gettext_lazy("当座")),
    ("savings", gettext_lazy("貯蓄")),
]


class DigitsField(forms.CharField):
    """An exact number of digits (full-width accepted): bank and branch codes, account numbers."""

    def __init__(self, *, digits: int, message: str, **kwargs: Any) -> None:
        self.digits, self.message = digits, message
        kwargs.setdefault("max_length", digits + 4)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> str:
        return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", super().to_python(value)))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not re.fullmatch(rf"[0-9]{{{self.digits}}}", value):
            raise ValidationError(self.message, code="digits")


class NumberField(forms.IntegerField):
    """Whole numbers typed with full-width digits or commas too."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)
        attrs.pop("max", None)
        return {**attrs, "inputmode": "numeric"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


@dataclass
class Block:
    """What a step template renders: one field, a fieldset of parts, a group, or a text."""

    kind: str  # "field", "parts", "group", "info", "files"
    item: Field | None = None
    names: list[str] = field(default_factory=list)
    rows: list[GroupRow] = field(default_factory=list)
    conditional: bool = False
    source: str = ""  # where a prefilled value came from
    existing: list[dict] = field(default_factory=list)
    add_label: str = ""  # a group's 「もう1人追加する」


@dataclass
class GroupRow:
    """One row of a group as the page shows it: its heading, its members' blocks and the
    label of the button that removes it."""

    heading: str
    blocks: list[Block]
    remove_label: str


def _label(item: Field) -> str:
    return str(item.label)


def _part_fields(
    item: Field,
    prefix: str,
    language: str,
    row_label: str = "",
    *,
    answers: Answers | None = None,
    required_if: dict | None = None,
) -> dict[str, forms.Field]:
    """The Django fields for one definition field, keyed by input name. Each carries the
    label the error summary needs to say which field is wrong when a page has several
    people, or several rows, each with a 氏名.

    Every Django field is optional (requiredness is checked when the step is sent, by the
    definition's rules), so the label's 必須 comes from here: `shows_required` when the item
    is always required, or when its condition holds on `answers` (the earlier steps' and this
    step's saved answers); `required_if`, the condition for the page's script to re-check as
    the resident answers this step's own fields."""
    parts = _django_fields(item, prefix, language)
    shows = item.is_required(answers) if answers is not None else item.required is True
    for part in parts.values():
        labels = dict.fromkeys(
            label for label in (row_label, _label(item), str(part.label)) if label
        )
        part.summary_label = " ".join(labels)
        part.shows_required = shows
        part.required_if = required_if
    return parts


def _django_fields(item: Field, prefix: str, language: str) -> dict[str, forms.Field]:
    label = _label(item)
    spec, kind = item.spec, item.type
    common = {"required": False, "label": label, "help_text": str(item.hint)}
    if kind == "text":
        return {prefix: jp.FreeTextField(max_length=spec.get("max_length", 200), **common)}
    if kind == "textarea":
        return {
            prefix: jp.FreeTextField(
                max_length=spec.get("max_length", 2000),
                widget=forms.Textarea(attrs={"rows": 5}),
                **common,
            )
        }
    if kind == "number":
        return {prefix: NumberField(min_value=spec.get("min"), max_value=spec.get("max"), **common)}
    if kind == "date":
        return {
            prefix: jp.JapaneseDateField(allow_future=spec.get("allow_future", False), **common)
        }
    if kind == "phone":
        return {prefix: jp.PhoneField(**common)}
    if kind == "email":
        return {prefix: forms.EmailField(max_length=200, **common)}
    if kind in ("select", "radio", "checkbox", "yesno"):
        if kind == "yesno":
            choices = [("yes", _("はい")), ("no", _("いいえ"))]
        else:
            choices = [(o["value"], str(localize(o["label"], language))) for o in item.options]
        if kind == "checkbox":
            return {
                prefix: forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            }
        if kind == "select":
            return {
                prefix: forms.ChoiceField(choices=[("", _("選んでください")), *choices], **common)
            }
        return {prefix: forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)}
    if kind == "consent":
        return {
            prefix: forms.BooleanField(
                **{
                    **common,
                    "label": str(localize(spec.get("label") or spec.get("text"), language)),
                }
            )
        }
    if kind == "name":
        return {
            f"{prefix}__name": jp.FreeTextField(max_length=60, **common),
            f"{prefix}__kana": jp.KanaField(
                **{
                    **common,
                    "label": _("%(label)s（フリガナ）") % {"label": label},
                    "help_text": "",
                }
            ),
        }
    if kind == "address":
        return {
            f"{prefix}__postal_code": jp.PostalCodeField(
                **{**common, "label": _("郵便番号"), "help_text": _("例：257-0015")}
            ),
            f"{prefix}__address": jp.FreeTextField(
                max_length=200, **{**common, "label": _("住所"), "help_text": ""}
            ),
        }
    if kind == "bank_account":
        return {
            f"{prefix}__bank_code": DigitsField(
                digits=4,
                message=_("金融機関コードは4桁の数字です。"),
                **{
                    **common,
                    "label": _("金融機関コード（4桁）"),
                    "help_text": _("通帳やキャッシュカードに書かれています。"),
                },
            ),
            f"{prefix}__branch_code": DigitsField(
                digits=3,
                message=_("支店コードは3桁の数字です。"),
                **{**common, "label": _("支店コード（3桁）"), "help_text": ""},
            ),
            f"{prefix}__account_type": forms.ChoiceField(
                choices=ACCOUNT_TYPES,
                widget=forms.RadioSelect,
                **{**common, "label": _("預金の種類"), "help_text": ""},
            ),
            f"{prefix}__number": DigitsField(
                digits=7,
                message=_("口座番号は7桁の数字です。7桁に満たないときは、前に0をつけてください。"),
                **{**common, "label": _("口座番号（7桁）"), "help_text": ""},
            ),
            f"{prefix}__holder_kana": jp.KanaField(
                **{
                    **common,
                    "label": _("口座名義（カタカナ）"),
                    "help_text": _("通帳のとおりに入力してください。"),
                }
            ),
        }
    if kind == "person":
        relations = spec.get("relations")
        parts = {
            f"{prefix}__name": jp.FreeTextField(
                max_length=60, **{**common, "label": _("氏名"), "help_text": ""}
            ),
            f"{prefix}__kana": jp.KanaField(
                **{**common, "label": _("氏名（フリガナ）"), "help_text": ""}
            ),
            f"{prefix}__birth_date": jp.JapaneseDateField(
                **{**common, "label": _("生年月日"), "help_text": ""}
            ),
        }
        if relations:
            parts[f"{prefix}__relation"] = forms.ChoiceField(
                choices=[
                    ("", _("選んでください")),
                    *[(o["value"], str(localize(o["label"], language))) for o in relations],
                ],
                **{**common, "label": _("続柄"), "help_text": ""},
            )
        return parts
    if kind == "file":
        return {f"{prefix}__upload": MultipleFileField(**common)}
    return {}


def _parts_of(item: Field) -> list[str]:
    return {
        "name": ["name", "kana"],
        "address": ["postal_code", "address"],
        "bank_account": ["bank_code", "branch_code", "account_type", "number", "holder_kana"],
        "person": ["name", "kana", "birth_date", "relation"],
    }.get(item.type, [])


def _assemble(item: Field, prefix: str, cleaned: dict[str, Any]) -> Any:
    """Cleaned inputs → the stored answer for one definition field."""
    parts = _parts_of(item)
    if parts:
        value = {p: cleaned.get(f"{prefix}__{p}") for p in parts if f"{prefix}__{p}" in cleaned}
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else (v or "")) for k, v in value.items()
        }
    value = cleaned.get(prefix)
    if item.type == "yesno":
        return {"yes": True, "no": False}.get(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _initial(item: Field, prefix: str, value: Any) -> dict[str, Any]:
    """A stored answer → initial values of the inputs."""
    parts = _parts_of(item)
    if parts:
        value = value if isinstance(value, dict) else {}
        out = {}
        for p in parts:
            part_value = value.get(p)
            if p == "birth_date" and part_value:
                part_value = dt.date.fromisoformat(part_value)
            out[f"{prefix}__{p}"] = part_value
        return out
    if item.type == "yesno" and value is not None:
        return {prefix: "yes" if value else "no"}
    if item.type == "date" and value:
        return {prefix: dt.date.fromisoformat(value)}
    return {prefix: value}


@dataclass
class StepForm:
    """A step of the form, bound to what the resident sent (or to their saved answers)."""

    definition: FormDefinition
    step: Step
    answers: Answers
    form: forms.Form
    blocks: list[Block]
    row_counts: dict[str, int]
    sources: dict[str, str]
    locked: set[str]

    @property
    def errors(self):
        return self.form.errors


def _row_words(group: Field, number: int) -> tuple[str, str]:
    """A group row's heading, which also names its fields in the error summary, and the label
    of its remove button: 「児童（2人目）」 or 「品物（2点目）」 as the group counts its rows."""
    values = {"label": _label(group), "number": number}
    if group.spec.get("counted_as") == "items":
        return _("%(label)s（%(number)s点目）") % values, _("%(number)s点目を削除する") % values
    return _("%(label)s（%(number)s人目）") % values, _("%(number)s人目を削除する") % values


def _add_label(group: Field) -> str:
    return _("もう1点追加する") if group.spec.get("counted_as") == "items" else _("もう1人追加する")


def _dynamic(item: Field, step: Step) -> bool:
    """Does this field's condition read a field of the same step?"""
    keys = {f.key for f in step.fields}
    rules = [item.visible_if, item.required if isinstance(item.required, dict) else None]
    return any(k in keys for rule in rules for k in referenced_fields(rule))


def _required_if(
    item: Field, inputs: set[str], row: tuple[str, set[str]] | None = None
) -> dict | None:
    """The condition of a field required depending on the page's own inputs, for the page's
    script to re-check as the resident answers; None when the server alone decides (always,
    never, earlier steps) or when the script could not evaluate it alone — a count, an earlier
    step's answer, a locked registry value — as it would then guess, and a 必須 must not be a
    guess.

    For a member of a group's row, `row` is the row's input prefix and its members' keys: the
    rule reads the row's own answers first (a sibling's key means the sibling in this row, as
    `_require_group` evaluates it), so such a test gets the row's input name
    (`children-0__living`)."""
    prefix, siblings = row or ("", set())
    outside = inputs - siblings

    def for_script(rule: dict) -> dict | None:
        if "all" in rule or "any" in rule:
            kind = "all" if "all" in rule else "any"
            tests = [for_script(r) for r in rule[kind]]
            return None if None in tests else {**rule, kind: tests}
        if "not" in rule:
            test = for_script(rule["not"])
            return None if test is None else {**rule, "not": test}
        field = rule.get("field")
        if not isinstance(field, str):
            return None
        if field.split(".")[0] in siblings:
            return {**rule, "field": prefix + field}
        return rule if field.split(".")[0] in outside else None

    return for_script(item.required) if isinstance(item.required, dict) else None


def build_step_form(
    definition: FormDefinition,
    step: Step,
    answers: Answers,
    *,
    data: Any = None,
    files: Any = None,
    language: str = "ja",
    sources: dict[str, str] | None = None,
    locked: set[str] | None = None,
) -> StepForm:
    sources, locked = sources or {}, locked or set()
    inputs = {f.key for f in step.fields} - locked
    form_fields: dict[str, forms.Field] = {}
    initial: dict[str, Any] = {}
    blocks: list[Block] = []
    row_counts: dict[str, int] = {}
    for item in step.fields:
        dynamic = _dynamic(item, step)
        if not dynamic and not evaluate(item.visible_if, answers):
            continue
        if item.type == "info":
            blocks.append(Block("info", item, conditional=dynamic))
            continue
        if item.type == "group":
            count = _row_count(item, answers, data)
            row_counts[item.key] = count
            rows = []
            for index in range(count):
                row_blocks = []
                stored = answers.get(item.key) or []
                row_label, remove_label = _row_words(item, index + 1)
                row_answers = {**answers, **(stored[index] if index < len(stored) else {})}
                row = (f"{item.key}-{index}__", {m.key for m in item.members})
                for member in item.members:
                    prefix = f"{item.key}-{index}__{member.key}"
                    parts = _part_fields(
                        member,
                        prefix,
                        language,
                        row_label,
                        answers=row_answers,
                        required_if=_required_if(member, inputs, row),
                    )
                    form_fields.update(parts)
                    if index < len(stored):
                        initial.update(_initial(member, prefix, stored[index].get(member.key)))
                    row_blocks.append(
                        Block(
                            "parts"
                            if len(parts) > 1 or member.type in ("radio", "checkbox", "yesno")
                            else "field",
                            member,
                            list(parts),
                        )
                    )
                rows.append(GroupRow(row_label, row_blocks, remove_label))
            blocks.append(
                Block(
                    "group",
                    item,
                    rows=rows,
                    conditional=dynamic,
                    source=sources.get(item.key, ""),
                    add_label=_add_label(item),
                )
            )
            continue
        parts = _part_fields(
            item,
            item.key,
            language,
            answers=answers,
            required_if=_required_if(item, inputs),
        )
        if item.key in locked:
            for part in parts.values():
                part.disabled = True
        form_fields.update(parts)
        initial.update(_initial(item, item.key, answers.get(item.key)))
        kind = (
            "files"
            if item.type == "file"
            else (
                "parts"
                if len(parts) > 1 or item.type in ("radio", "checkbox", "yesno")
                else "field"
            )
        )
        blocks.append(
            Block(
                kind,
                item,
                list(parts),
                conditional=dynamic,
                source=sources.get(item.key, ""),
                existing=list(answers.get(item.key) or []) if item.type == "file" else [],
            )
        )
    form = _StepDjangoForm(form_fields, data=data, files=files, initial=initial, prefix=None)
    return StepForm(definition, step, answers, form, blocks, row_counts, sources, locked)


class _StepDjangoForm(jp.Form):
    """A step's Django form, with the fields made for this request used as they are: a form
    class declared per request would be built by the metaclass and then deep-copy them."""

    def __init__(self, fields: dict[str, forms.Field], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields
        jp.apply_messages(self)


def _row_count(item: Field, answers: Answers, data: Any) -> int:
    minimum = item.spec.get("min_items", 0)
    maximum = item.spec.get("max_items", 20)
    if data is not None and f"{item.key}__count" in data:
        try:
            count = int(data.get(f"{item.key}__count"))
        except (TypeError, ValueError):
            count = len(answers.get(item.key) or [])
    else:
        count = len(answers.get(item.key) or [])
    return max(minimum, min(maximum, count if count else max(minimum, 1)))


def clean_step(step_form: StepForm) -> tuple[bool, Answers]:
    """Validate the sent step. Returns (valid, answers including this step)."""
    form = step_form.form
    form.is_valid()  # every input is optional at this point; requiredness comes next
    cleaned = getattr(form, "cleaned_data", {})
    answers = dict(step_form.answers)
    step_answers: Answers = {}
    for block in step_form.blocks:
        item = block.item
        if item is None or block.kind == "info":
            continue
        if block.kind == "group":
            rows = []
            for index in range(step_form.row_counts[item.key]):
                rows.append(
                    {
                        m.key: _assemble(m, f"{item.key}-{index}__{m.key}", cleaned)
                        for m in item.members
                    }
                )
            step_answers[item.key] = rows
        elif block.kind == "files":
            continue  # uploads are stored by the service, which knows the draft
        else:
            step_answers[item.key] = _assemble(item, item.key, cleaned)
    merged = {**answers, **step_answers}
    for block in step_form.blocks:
        item = block.item
        if item is None or block.kind == "info":
            continue
        if not evaluate(item.visible_if, merged):
            for name in block.names:
                form.errors.pop(name, None)
            merged.pop(item.key, None)
            continue
        if block.kind == "group":
            _require_group(step_form, item, merged)
        elif block.kind != "files":
            required = item.is_required(merged)
            for name in block.names:  # the page shown again marks what was required
                form.fields[name].shows_required = required
            if required:
                _require(step_form, item, block.names, merged.get(item.key))
    return not form.errors, merged


def _require(step_form: StepForm, item: Field, names: list[str], value: Any) -> None:
    form = step_form.form
    if item.key in step_form.locked:
        return
    if item.type == "consent":
        if value is not True:
            form.add_error(names[0], _("内容を確認して、チェックを入れてください。"))
        return
    parts = _parts_of(item)
    if parts:
        for name in names:
            part = name.rsplit("__", 1)[1]
            if part == "relation" and name not in form.fields:
                continue
            if not is_filled((value or {}).get(part)) and name not in form.errors:
                form.add_error(name, _("入力してください。"))
        return
    if not is_filled(value) and value is not False and names and names[0] not in form.errors:
        message = (
            _("選んでください。")
            if item.type in ("select", "radio", "checkbox", "yesno")
            else _("入力してください。")
        )
        form.add_error(names[0], message)


def _require_group(step_form: StepForm, item: Field, merged: Answers) -> None:
    rows = merged.get(item.key) or []
    for index, row in enumerate(rows):
        # An empty extra row is simply dropped.
        dropped = not any(is_filled(v) for v in row.values()) and len(rows) > item.spec.get(
            "min_items", 0
        )
        for member in item.members:
            required = member.is_required({**merged, **row})
            prefix = f"{item.key}-{index}__{member.key}"
            names = [n for n in step_form.form.fields if n == prefix or n.startswith(prefix + "__")]
            for name in names:  # the page shown again marks what this row requires
                step_form.form.fields[name].shows_required = required
            if required and not dropped:
                _require(step_form, member, names, row.get(member.key))
    merged[item.key] = [r for r in rows if any(is_filled(v) for v in r.values())]
    minimum = item.spec.get("min_items", 0)
    if len(merged[item.key]) < minimum and item.is_required(merged):
        step_form.form.add_error(
            None,
            _("「%(label)s」を%(count)d件以上入力してください。")
            % {"label": _label(item), "count": max(minimum, 1)},
        )


def row_action(data: Any) -> tuple[str, str, int] | None:
    """("add", key, -1) or ("remove", key, index) when the resident pressed a row button."""
    for name in data or {}:
        if name.startswith(ADD_ROW):
            return "add", name[len(ADD_ROW) :], -1
        if name.startswith(REMOVE_ROW):
            key, _sep, index = name[len(REMOVE_ROW) :].rpartition("_")
            if index.isdigit():
                return "remove", key, int(index)
    return None


def apply_row_action(data: Any, action: tuple[str, str, int], definition: FormDefinition) -> Any:
    """A copy of the sent data with a row added or removed (no JavaScript needed)."""
    kind, key, index = action
    item = definition.fields.get(key)
    if item is None or item.type != "group":
        return data
    data = data.copy()
    count = int(data.get(f"{key}__count") or 0)
    if kind == "add":
        data[f"{key}__count"] = str(min(count + 1, item.spec.get("max_items", 20)))
        return data
    if not 0 <= index < count:
        return data
    for i in range(index, count - 1):  # shift the rows after it up by one
        for name in list(data.keys()):
            if name.startswith(f"{key}-{i + 1}__"):
                data.setlist(
                    name.replace(f"{key}-{i + 1}__", f"{key}-{i}__", 1), data.getlist(name)
                )
    for name in [n for n in data if n.startswith(f"{key}-{count - 1}__")]:
        del data[name]
    data[f"{key}__count"] = str(max(count - 1, item.spec.get("min_items", 0)))
    return data


def postal_lookup(data: Any, definition: FormDefinition) -> Any | None:
    """The data with the address filled in, when the 「住所を検索」 button was pressed."""
    key = (data or {}).get(LOOKUP_POSTAL)
    item = definition.fields.get(key or "")
    if item is None or item.type != "address":
        return None
    data = data.copy()
    found = lookup_postal_code(data.get(f"{key}__postal_code", ""))
    if found is not None:
        data[f"{key}__address"] = found.address
    return data
