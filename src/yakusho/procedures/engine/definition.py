"""Parsing and checking a form definition.

`FormDefinition.parse(data)` refuses a definition that does not fit the schema or that refers
to something that is not there (a condition on a missing field, an option-less select…),
naming the step and field, so staff fix it before residents ever see it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from .i18n import localize
from .rules import Answers, compute, evaluate, referenced_fields
from .schema import SCHEMA

CHOICE_TYPES = {"select", "radio", "checkbox"}
# What each prefill source can supply, and the field types that can take it.
PREFILL_PATHS = {
    "registry.self": {"name", "person"},
    "registry.name": {"text"},
    "registry.kana": {"text"},
    "registry.birth_date": {"date"},
    "registry.sex": {"radio", "select"},
    "registry.address": {"address"},
    "registry.household": {"group"},
    "registry.children": {"group"},
    "registry.spouse": {"person"},
    "profile.email": {"email"},
}
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class DefinitionError(ValueError):
    """A definition that cannot be used; `problems` are sentences for staff."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Field:
    key: str
    type: str
    spec: dict[str, Any]
    step_key: str = ""
    members: list[Field] = field(default_factory=list)

    @property
    def label(self):
        return localize(self.spec.get("label") or self.spec.get("text"))

    @property
    def hint(self):
        return localize(self.spec.get("hint"))

    @property
    def required(self) -> bool | dict:
        return self.spec.get("required", self.type == "consent")

    @property
    def visible_if(self) -> dict | None:
        return self.spec.get("visible_if")

    @property
    def options(self) -> list[dict]:
        if self.type == "yesno":
            return [
                {"value": "yes", "label": {"ja": "はい"}},
                {"value": "no", "label": {"ja": "いいえ"}},
            ]
        return self.spec.get("options", [])

    def is_required(self, answers: Answers) -> bool:
        required = self.required
        return evaluate(required, answers) if isinstance(required, dict) else bool(required)


@dataclass
class Step:
    key: str
    spec: dict[str, Any]
    fields: list[Field]

    @property
    def title(self):
        return localize(self.spec["title"])

    @property
    def intro(self):
        return localize(self.spec.get("intro"))

    def is_visible(self, answers: Answers) -> bool:
        return evaluate(self.spec.get("visible_if"), answers)


@dataclass
class FormDefinition:
    data: dict[str, Any]
    steps: list[Step]
    fields: dict[str, Field]
    computed: list[dict[str, Any]]

    @classmethod
    def parse(cls, data: Any) -> FormDefinition:
        """The checked definition. Each request reads a form several times and checking the
        schema costs milliseconds, so parsed definitions are kept by their content (a
        changed draft version is new content); they are never modified after parsing."""
        if not isinstance(data, dict):
            raise DefinitionError([_("定義はJSONのオブジェクトでなければなりません。")])
        return _parse_cached(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str))

    @classmethod
    def _parse(cls, data: dict[str, Any]) -> FormDefinition:
        errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            raise DefinitionError([_describe(e) for e in errors[:20]])
        steps, fields, problems = [], {}, []
        step_keys: set[str] = set()
        for step_spec in data["steps"]:
            if step_spec["key"] in step_keys:
                problems.append(
                    _("ステップ「%(step)s」のキーが重複しています。") % {"step": step_spec["key"]}
                )
            step_keys.add(step_spec["key"])
            step_fields = []
            for spec in step_spec["fields"]:
                item = Field(
                    spec["key"],
                    spec["type"],
                    spec,
                    step_spec["key"],
                    [Field(m["key"], m["type"], m) for m in spec.get("fields", [])],
                )
                if item.key in fields:
                    problems.append(
                        _("項目「%(field)s」のキーが重複しています。") % {"field": item.key}
                    )
                fields[item.key] = item
                step_fields.append(item)
            steps.append(Step(step_spec["key"], step_spec, step_fields))
        definition = cls(data, steps, fields, data.get("computed", []))
        problems += definition._check_references()
        if problems:
            raise DefinitionError(problems)
        return definition

    # --- checks -----------------------------------------------------------------------------

    def _check_references(self) -> list[str]:
        problems: list[str] = []
        order = {
            key: i for i, step in enumerate(self.steps) for key in (f.key for f in step.fields)
        }
        computed_keys: list[str] = []
        for index, step in enumerate(self.steps):
            for missing in _unknown(step.spec.get("visible_if"), order, computed_keys):
                problems.append(
                    _(
                        "ステップ「%(step)s」の表示条件が、存在しない項目「%(field)s」を参照しています。"
                    )
                    % {"step": step.key, "field": missing}
                )
            later = [
                k
                for k in referenced_fields(step.spec.get("visible_if"))
                if k in order and order[k] >= index
            ]
            for key in later:
                problems.append(
                    _(
                        "ステップ「%(step)s」の表示条件に、このステップ以降の項目「%(field)s」は使えません。"
                    )
                    % {"step": step.key, "field": key}
                )
            for item in step.fields:
                problems += self._check_field(item, index, order, computed_keys)
        for spec in self.computed:
            if spec["key"] in self.fields or spec["key"] in computed_keys:
                problems.append(
                    _("計算項目「%(field)s」のキーが重複しています。") % {"field": spec["key"]}
                )
            for missing in _unknown(spec["expr"], order, computed_keys):
                problems.append(
                    _("計算項目「%(computed)s」が、存在しない項目「%(field)s」を参照しています。")
                    % {"computed": spec["key"], "field": missing}
                )
            computed_keys.append(spec["key"])
        return problems

    def _check_field(
        self, item: Field, step_index: int, order: dict[str, int], computed_keys: list[str]
    ) -> list[str]:
        problems = []
        names = {"field": item.key}
        for rule in (item.visible_if, item.required if isinstance(item.required, dict) else None):
            for missing in _unknown(rule, order, computed_keys):
                problems.append(
                    _("項目「%(field)s」の条件が、存在しない項目「%(missing)s」を参照しています。")
                    % {**names, "missing": missing}
                )
            for key in referenced_fields(rule):
                if key == item.key:
                    problems.append(
                        _("項目「%(field)s」の条件が、その項目自身を参照しています。") % names
                    )
                elif key in order and order[key] > step_index:
                    problems.append(
                        _(
                            "項目「%(field)s」の条件に、後のステップの項目「%(missing)s」は使えません。"
                        )
                        % {**names, "missing": key}
                    )
        if item.type in CHOICE_TYPES and not item.spec.get("options"):
            problems.append(_("項目「%(field)s」には選択肢が必要です。") % names)
        values = [o["value"] for o in item.spec.get("options", [])]
        if len(values) != len(set(values)):
            problems.append(_("項目「%(field)s」の選択肢の値が重複しています。") % names)
        if item.type not in ("info", "consent") and not item.spec.get("label"):
            problems.append(_("項目「%(field)s」に見出し（ラベル）がありません。") % names)
        if (
            item.type in ("info", "consent")
            and not item.spec.get("text")
            and not item.spec.get("label")
        ):
            problems.append(_("項目「%(field)s」に本文がありません。") % names)
        prefill = item.spec.get("prefill")
        if (
            prefill
            and not prefill.startswith("previous.")
            and item.type not in PREFILL_PATHS.get(prefill, set())
        ):
            problems.append(
                _("項目「%(field)s」の自動入力元「%(source)s」は、この種類の項目には使えません。")
                % {**names, "source": prefill}
            )
        if item.spec.get("registry_bound") and not (prefill or "").startswith("registry."):
            problems.append(
                _("項目「%(field)s」は住民記録から入力する項目にしか固定できません。") % names
            )
        if item.type == "group":
            if item.spec.get("min_items", 0) > item.spec.get("max_items", 20):
                problems.append(_("項目「%(field)s」の最小件数が最大件数を超えています。") % names)
            member_keys = [m.key for m in item.members]
            if not member_keys:
                problems.append(_("繰り返し項目「%(field)s」には、中の項目が必要です。") % names)
            if len(member_keys) != len(set(member_keys)):
                problems.append(_("繰り返し項目「%(field)s」の中でキーが重複しています。") % names)
            for member in item.members:
                if member.type in CHOICE_TYPES and not member.spec.get("options"):
                    problems.append(
                        _("項目「%(field)s」には選択肢が必要です。")
                        % {"field": f"{item.key}.{member.key}"}
                    )
        if "min" in item.spec and "max" in item.spec and item.spec["min"] > item.spec["max"]:
            problems.append(_("項目「%(field)s」の最小値が最大値を超えています。") % names)
        return problems

    # --- use ----------------------------------------------------------------------------------

    def visible_steps(self, answers: Answers) -> list[Step]:
        return [step for step in self.steps if step.is_visible(answers)]

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    @property
    def has_files(self) -> bool:
        return any(item.type == "file" for item in self.fields.values())

    def computed_values(self, answers: Answers) -> dict[str, Decimal]:
        values: dict[str, Decimal] = {}
        for spec in self.computed:
            values[spec["key"]] = compute(spec["expr"], {**answers, **values})
        return values

    def field_keys(self) -> list[str]:
        return list(self.fields)


def _unknown(rule: Any, order: dict[str, int], computed_keys: list[str]) -> list[str]:
    return [k for k in referenced_fields(rule) if k not in order and k not in computed_keys]


def _describe(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return _("定義の「%(where)s」が正しくありません：%(reason)s") % {
        "where": where,
        "reason": error.message[:200],
    }


@lru_cache(maxsize=512)
def _parse_cached(content: str) -> FormDefinition:
    return FormDefinition._parse(json.loads(content))
