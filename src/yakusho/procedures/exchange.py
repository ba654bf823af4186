"""A procedure as one file (JSON or YAML), so cities can share procedures.

{"format": "yakusho-procedure/1", "code": ..., "name": {"ja": ..., "en": ...}, ...,
 "department": "<department code>", "category": "<category code>", "form": {...}}
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yakusho.core.models import Department

from . import services
from .engine import DefinitionError, FormDefinition
from .models import Category, FormVersion, LifeEvent, Procedure

FORMAT = "yakusho-procedure/1"
TEXTS = ("name", "summary", "description", "eligibility")


def _split(value: Any) -> tuple[str, dict[str, str]]:
    if isinstance(value, str):
        return value, {}
    value = dict(value or {})
    return value.pop("ja", ""), value


def procedure_export(procedure: Procedure) -> dict[str, Any]:
    version = (
        procedure.versions.filter(state=FormVersion.State.DRAFT).first()
        or procedure.published_version
    )
    data: dict[str, Any] = {"format": FORMAT, "code": procedure.code}
    for field in TEXTS:
        data[field] = {
            "ja": getattr(procedure, field),
            **getattr(procedure, f"{field}_translations"),
        }
    data.update(
        {
            "department": procedure.department.code,
            "category": procedure.category.code,
            "life_events": sorted(procedure.life_events.values_list("code", flat=True)),
            "identity_level": procedure.identity_level,
            "processing_days": procedure.processing_days,
            "fee": {"ja": procedure.fee_text, **procedure.fee_text_translations}
            if procedure.fee_text
            else None,
            "payment": {
                "timing": procedure.payment_timing,
                "charge_type": procedure.charge_type,
                "fee": procedure.fee_key,
            }
            if procedure.payment_timing
            else None,
            "documents": procedure.documents,
            "legal_basis": procedure.legal_basis,
            "fully_online": procedure.fully_online,
            "contact": procedure.contact,
            "keywords": procedure.keywords,
            "status_texts": procedure.status_texts,
            "draft_retention_days": procedure.draft_retention_days,
            "retention_days": procedure.retention_days,
            "form": version.definition if version else None,
        }
    )
    return data


def dumps(data: dict[str, Any], *, as_yaml: bool = False) -> str:
    if as_yaml:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return json.dumps(data, ensure_ascii=False, indent=2)


# libyaml's parser where PyYAML was built with it; the pure-Python one is slow on big forms.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def loads(text: str) -> dict[str, Any]:
    """A procedure file, JSON or YAML. JSON is tried first: YAML is a superset of it, but its
    parser takes far longer over the same text."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    try:
        if data is None:
            data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ValidationError(
            _("ファイルを読み取れません：%(reason)s") % {"reason": str(exc)[:200]}
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(
            _("yakusho の手続きファイル（format: %(format)s）ではありません。") % {"format": FORMAT}
        )
    return data


def procedure_import(
    data: dict[str, Any], *, actor: Any = None, publish: bool = True, code: str | None = None
) -> Procedure:
    """Create or update a procedure from a file; its form becomes a new version when it
    differs from the published one (published at once when `publish`)."""
    problems = []
    department = Department.objects.filter(code=data.get("department")).first()
    if department is None:
        problems.append(
            _("担当課「%(code)s」が見つかりません。") % {"code": data.get("department")}
        )
    category = Category.objects.filter(code=data.get("category")).first()
    if category is None:
        problems.append(_("分類「%(code)s」が見つかりません。") % {"code": data.get("category")})
    form = data.get("form")
    try:
        FormDefinition.parse(form)
    except DefinitionError as exc:
        problems += exc.problems
    payment = data.get("payment") or {}
    if payment:
        problems += _payment_problems(payment, form)
    if problems:
        raise ValidationError(problems)
    code = code or data["code"]
    with transaction.atomic():
        procedure = Procedure.objects.filter(code=code).first() or Procedure(code=code)
        for field in TEXTS:
            text, translations = _split(data.get(field))
            setattr(procedure, field, text)
            setattr(procedure, f"{field}_translations", translations)
        fee, fee_translations = _split(data.get("fee") or "")
        procedure.fee_text, procedure.fee_text_translations = fee, fee_translations
        procedure.department, procedure.category = department, category
        procedure.payment_timing = payment.get("timing", "")
        procedure.charge_type = payment.get("charge_type", "")
        procedure.fee_key = payment.get("fee", "fee")
        for field in (
            "identity_level",
            "processing_days",
            "documents",
            "legal_basis",
            "fully_online",
            "contact",
            "keywords",
            "status_texts",
            "draft_retention_days",
            "retention_days",
            "sort_order",
        ):
            if field in data:
                setattr(procedure, field, data[field])
        services.procedure_save(procedure=procedure, actor=actor)
        procedure.life_events.set(LifeEvent.objects.filter(code__in=data.get("life_events", [])))
        current = procedure.published_version
        if current is None or current.definition != form:
            version = services.form_version_save(procedure=procedure, definition=form, actor=actor)
            if publish:
                services.form_version_publish(version=version, actor=actor)
        if publish and not procedure.is_published:
            procedure.refresh_from_db()
            services.procedure_publish_state(procedure=procedure, published=True, actor=actor)
    procedure.refresh_from_db()
    return procedure


def _payment_problems(payment: Any, form: Any) -> list[str]:
    """A fee needs a timing, a charge type that exists and a computed value for the amount."""
    from yakusho.payments.selectors import charge_type_exists

    if not isinstance(payment, dict) or payment.get("timing") not in ("before", "after"):
        return [_("payment.timing は before か after にしてください。")]
    problems = []
    if not charge_type_exists(str(payment.get("charge_type", ""))):
        problems.append(
            _("収納の種類「%(code)s」が見つかりません。") % {"code": payment.get("charge_type")}
        )
    computed = {c.get("key") for c in (form or {}).get("computed", []) if isinstance(c, dict)}
    if payment.get("fee", "fee") not in computed:
        problems.append(
            _("手数料の計算項目「%(key)s」がフォームにありません。")
            % {"key": payment.get("fee", "fee")}
        )
    return problems
