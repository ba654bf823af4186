"""The office's form builder: structured edits of a procedure's draft form version.

Each function takes the draft definition, changes one thing and saves it through
`services.form_version_save`; publishing checks the whole definition
(`services.form_version_publish`). Staff never need to see JSON.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import services
from .engine.schema import FIELD_TYPES, GROUP_MEMBER_TYPES
from .models import FormVersion, Procedure

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EMPTY_FORM = {"version": 1, "steps": []}


def draft_version(procedure: Procedure) -> FormVersion:
    """The procedure's draft version, started from the published one when there is none."""
    draft = procedure.versions.filter(state=FormVersion.State.DRAFT).first()
    if draft is None:
        base = procedure.published_version.definition if procedure.published_version else EMPTY_FORM
        draft = services.form_version_save(procedure=procedure, definition=copy.deepcopy(base))
    return draft


def _save(procedure: Procedure, definition: dict, actor: Any) -> FormVersion:
    return services.form_version_save(procedure=procedure, definition=definition, actor=actor)


def _all_keys(definition: dict) -> set[str]:
    keys = set()
    for step in definition["steps"]:
        keys.add(step["key"])
        for item in step["fields"]:
            keys.add(item["key"])
            keys |= {m["key"] for m in item.get("fields", [])}
    keys |= {c["key"] for c in definition.get("computed", [])}
    return keys


def _new_key(definition: dict, prefix: str) -> str:
    taken = _all_keys(definition)
    number = 1
    while f"{prefix}_{number}" in taken:
        number += 1
    return f"{prefix}_{number}"


def _step(definition: dict, step_key: str) -> dict:
    for step in definition["steps"]:
        if step["key"] == step_key:
            return step
    raise ValidationError(_("ステップが見つかりません。"))


def _fields(definition: dict, step_key: str, group: str = "") -> list[dict]:
    fields = _step(definition, step_key)["fields"]
    if group:
        parent = next((f for f in fields if f["key"] == group and f["type"] == "group"), None)
        if parent is None:
            raise ValidationError(_("繰り返し項目が見つかりません。"))
        return parent.setdefault("fields", [])
    return fields


def find_field(definition: dict, step_key: str, key: str, group: str = "") -> dict:
    for item in _fields(definition, step_key, group):
        if item["key"] == key:
            return item
    raise ValidationError(_("項目が見つかりません。"))


def step_add(*, procedure: Procedure, title: dict[str, str], actor: Any) -> str:
    definition = copy.deepcopy(draft_version(procedure).definition)
    key = _new_key(definition, "step")
    definition["steps"].append({"key": key, "title": title, "fields": []})
    _save(procedure, definition, actor)
    return key


def step_update(
    *,
    procedure: Procedure,
    step_key: str,
    title: dict[str, str],
    intro: dict[str, str] | None,
    actor: Any,
) -> None:
    definition = copy.deepcopy(draft_version(procedure).definition)
    step = _step(definition, step_key)
    step["title"] = title
    if intro and intro.get("ja"):
        step["intro"] = intro
    else:
        step.pop("intro", None)
    _save(procedure, definition, actor)


def field_add(
    *,
    procedure: Procedure,
    step_key: str,
    field_type: str,
    label: dict[str, str],
    actor: Any,
    group: str = "",
) -> str:
    allowed = GROUP_MEMBER_TYPES if group else FIELD_TYPES
    if field_type not in allowed:
        raise ValidationError(_("この種類の項目は追加できません。"))
    definition = copy.deepcopy(draft_version(procedure).definition)
    key = _new_key(definition, field_type)
    item: dict[str, Any] = {"key": key, "type": field_type}
    item["text" if field_type in ("info", "consent") else "label"] = label
    if field_type in ("select", "radio", "checkbox"):
        item["options"] = [{"value": "option_1", "label": {"ja": _("選択肢1")}}]
    if field_type == "group":
        item["fields"] = [{"key": "name", "type": "text", "label": {"ja": _("氏名")}}]
    _fields(definition, step_key, group).append(item)
    _save(procedure, definition, actor)
    return key


def field_update(
    *,
    procedure: Procedure,
    step_key: str,
    key: str,
    values: dict[str, Any],
    actor: Any,
    group: str = "",
) -> str:
    """Replace a field's settings with `values` (label, hint, required, options…); a new key
    is checked for uniqueness. Returns the (possibly new) key."""
    definition = copy.deepcopy(draft_version(procedure).definition)
    item = find_field(definition, step_key, key, group)
    new_key = values.pop("key", key) or key
    if new_key != key:
        if not KEY.match(new_key):
            raise ValidationError(
                _("キーは半角英小文字で始まり、英小文字・数字・_ だけを使えます。")
            )
        if new_key in _all_keys(definition):
            raise ValidationError(_("このキーはすでに使われています。"))
    kept = {k: item[k] for k in ("type", "fields") if k in item}
    item.clear()
    item.update(
        {"key": new_key, **kept, **{k: v for k, v in values.items() if v not in (None, "", [], {})}}
    )
    _save(procedure, definition, actor)
    return new_key


def item_move(
    *,
    procedure: Procedure,
    step_key: str,
    key: str | None,
    direction: int,
    actor: Any,
    group: str = "",
) -> None:
    """Move a field (or, with key None, the step itself) one place up (-1) or down (+1)."""
    definition = copy.deepcopy(draft_version(procedure).definition)
    items = definition["steps"] if key is None else _fields(definition, step_key, group)
    wanted = step_key if key is None else key
    index = next((i for i, item in enumerate(items) if item["key"] == wanted), None)
    if index is None:
        raise ValidationError(_("項目が見つかりません。"))
    target = index + direction
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        _save(procedure, definition, actor)


def item_delete(
    *, procedure: Procedure, step_key: str, key: str | None, actor: Any, group: str = ""
) -> None:
    definition = copy.deepcopy(draft_version(procedure).definition)
    if key is None:
        definition["steps"] = [s for s in definition["steps"] if s["key"] != step_key]
    else:
        items = _fields(definition, step_key, group)
        items[:] = [item for item in items if item["key"] != key]
    _save(procedure, definition, actor)


def procedure_duplicate(*, procedure: Procedure, code: str, actor: Any) -> Procedure:
    """A copy with a new code, unpublished, its form as a first draft version."""
    from .exchange import procedure_export, procedure_import

    if Procedure.objects.filter(code=code).exists():
        raise ValidationError(_("このコードの手続きはすでにあります。"))
    data = procedure_export(procedure)
    data["name"] = {**data["name"], "ja": _("%(name)s（コピー）") % {"name": data["name"]["ja"]}}
    return procedure_import(data, actor=actor, publish=False, code=code)
