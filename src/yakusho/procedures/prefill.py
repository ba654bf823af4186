"""Once-only: values the city already knows, offered to the form (plugin registry).

A source supplies values by path (「registry.address」). The form shows where a value came
from; fields marked registry-bound cannot be changed by the resident.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakusho.residents.models import ResidentRecord
from yakusho.residents.selectors import household_members

_SOURCES: dict[str, type[PrefillSource]] = {}


def register(key: str):
    def decorator(cls: type[PrefillSource]) -> type[PrefillSource]:
        cls.key = key
        _SOURCES[key] = cls
        return cls

    return decorator


class PrefillSource:
    key: ClassVar[str]
    label: ClassVar[Any]

    def values(self, user: Any, resident: Any = None) -> dict[str, Any]:
        """What this source knows of the applicant: `user` applying online, or `resident`
        (a registry record) at the counter."""
        raise NotImplementedError


def _person(record: ResidentRecord) -> dict[str, str]:
    return {
        "name": record.name,
        "kana": record.name_kana,
        "birth_date": record.birth_date.isoformat(),
        "relation": _relation(record.relation),
    }


def _relation(text: str) -> str:
    return {
        "妻": "spouse",
        "夫": "spouse",
        "子": "child",
        "父": "parent",
        "母": "parent",
        "世帯主": "head",
    }.get(text, "other")


@register("registry")
class RegistrySource(PrefillSource):
    label = _("住民記録から")

    def values(self, user: Any, resident: Any = None) -> dict[str, Any]:
        record = resident or (
            getattr(user, "resident", None) if user and user.is_authenticated else None
        )
        if record is None or not record.is_current:
            return {}
        others = [m for m in household_members(record) if m.pk != record.pk]
        today = timezone.localdate()
        children = [
            m
            for m in others
            if _relation(m.relation) == "child" and (today - m.birth_date).days < 18 * 366
        ]
        spouse = next((m for m in others if _relation(m.relation) == "spouse"), None)
        return {
            "self": {
                "name": record.name,
                "kana": record.name_kana,
                "birth_date": record.birth_date.isoformat(),
                "relation": "head",
            },
            "name": record.name,
            "kana": record.name_kana,
            "birth_date": record.birth_date.isoformat(),
            "sex": record.sex,
            "address": {"postal_code": record.postal_code, "address": record.address},
            "household": [{"person": _person(m)} for m in others],
            "children": [{"person": _person(m)} for m in children],
            "spouse": _person(spouse) if spouse else None,
        }


@register("profile")
class ProfileSource(PrefillSource):
    label = _("アカウントから")

    def values(self, user: Any, resident: Any = None) -> dict[str, Any]:
        if not user or not user.is_authenticated:
            return {}
        return {"email": user.email}


@register("previous")
class PreviousSource(PrefillSource):
    label = _("前回の申請から")

    def values(self, user: Any, resident: Any = None) -> dict[str, Any]:
        from .models import Submission

        if not user or not user.is_authenticated:
            return {}
        found: dict[str, Any] = {}
        for answers in (
            Submission.objects.filter(owner=user)
            .order_by("-submitted_at")
            .values_list("answers", flat=True)[:5]
        ):
            for key, value in answers.items():
                found.setdefault(key, value)
        return found


def source_label(key: str) -> Any:
    source = _SOURCES.get(key)
    return source.label if source else ""


def prefill(
    definition: Any, user: Any, resident: Any = None
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Initial answers, their sources and the locked field keys for a new draft."""
    cache: dict[str, dict[str, Any]] = {}
    answers: dict[str, Any] = {}
    sources: dict[str, str] = {}
    locked: list[str] = []
    for key, item in definition.fields.items():
        path = item.spec.get("prefill")
        if not path:
            continue
        source_key, _sep, name = path.partition(".")
        if source_key not in cache:
            cache[source_key] = _SOURCES[source_key]().values(user, resident)
        value = _shape(item, cache[source_key].get(name))
        if value in (None, "", [], {}):
            continue
        answers[key] = value
        sources[key] = source_key
        if item.spec.get("registry_bound") and source_key == "registry":
            locked.append(key)
    return answers, sources, locked


def _shape(item: Any, value: Any) -> Any:
    """Keep only what the field holds: a name field takes name and kana of a person."""
    parts = {
        "name": ("name", "kana"),
        "address": ("postal_code", "address"),
        "person": ("name", "kana", "birth_date", "relation"),
    }.get(item.type)
    if parts and isinstance(value, dict):
        return {k: value.get(k, "") for k in parts}
    if item.type == "group" and isinstance(value, list):
        members = {m.key for m in item.members}
        return [{k: v for k, v in row.items() if k in members} for row in value]
    return value
