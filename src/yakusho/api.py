"""The public API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth
from pydantic import BaseModel, ConfigDict

from yakusho.core.japanese.postal import lookup_postal_code, normalize_postal_code

api = NinjaAPI(
    title="yakusho API",
    version="1",
    description="Public and residents' API of the yakusho digital city hall.",
    urls_namespace="api",
    docs_url=None,
)


class PostalAddressOut(Schema):
    postal_code: str
    prefecture: str
    city: str
    town: str
    address: str


@api.get("/postal-codes/{code}", response=PostalAddressOut, tags=["reference"])
def postal_code(request: HttpRequest, code: str) -> dict:
    """The address for a Japanese postal code (7 digits, hyphen optional), from Japan Post's
    data shipped with yakusho."""
    if normalize_postal_code(code) is None:
        raise HttpError(422, "A postal code has 7 digits, e.g. 257-0015.")
    address = lookup_postal_code(code)
    if address is None:
        raise HttpError(404, "No such postal code.")
    return {
        "postal_code": address.formatted_code,
        "prefecture": address.prefecture,
        "city": address.city,
        "town": address.town,
        "address": address.address,
    }


class ProcedureOut(Schema):
    code: str
    name: str
    summary: str
    department: str
    category: str
    identity_level: str
    processing_days: int
    fee: str
    fully_online: bool
    url: str


class ProcedureDetailOut(ProcedureOut):
    description: str
    eligibility: str
    legal_basis: str
    contact: str
    documents: list[str]
    form_version: int | None


class ProcedureQuery(Schema):
    q: str = ""
    category: str = ""
    lang: str = "ja"


def _procedure(procedure, language: str, detail: bool = False) -> dict:
    from django.urls import reverse
    from django.utils import translation

    from yakusho.procedures.selectors import localized

    with translation.override(language):
        data = {
            "code": procedure.code,
            "name": localized(procedure, "name", language).text,
            "summary": localized(procedure, "summary", language).text,
            "department": procedure.department.name,
            "category": procedure.category.code,
            "identity_level": procedure.identity_level,
            "processing_days": procedure.processing_days,
            "fee": localized(procedure, "fee_text", language).text,
            "fully_online": procedure.fully_online,
            "url": reverse("procedures:detail", args=[procedure.code]),
        }
        if detail:
            data.update(
                {
                    "description": localized(procedure, "description", language).text,
                    "eligibility": localized(procedure, "eligibility", language).text,
                    "legal_basis": procedure.legal_basis,
                    "contact": procedure.contact,
                    "documents": [d.get(language) or d.get("ja", "") for d in procedure.documents],
                    "form_version": procedure.published_version.number
                    if procedure.published_version
                    else None,
                }
            )
    return data


def _language(code: str) -> str:
    from django.conf import settings

    return code if code in dict(settings.LANGUAGES) else "ja"


@api.get("/procedures", response=list[ProcedureOut], tags=["procedures"])
def procedures(request: HttpRequest, filters: Query[ProcedureQuery]) -> list[dict]:
    """Published procedures; `q` searches the way the finder does (表記揺れ, kana, other
    languages' names)."""
    from yakusho.procedures.selectors import procedure_search

    language = _language(filters.lang)
    found = procedure_search(filters.q[:100], category=filters.category[:40])
    return [_procedure(p, language) for p in found]


@api.get("/procedures/{code}", response=ProcedureDetailOut, tags=["procedures"])
def procedure(request: HttpRequest, code: str, lang: str = "ja") -> dict:
    from yakusho.procedures.selectors import published_procedures

    return _procedure(
        get_object_or_404(published_procedures(), code=code), _language(lang), detail=True
    )


class SubmissionOut(Schema):
    receipt_number: str
    procedure: str
    procedure_name: str
    status: str
    status_text: str
    submitted_at: dt.datetime


@api.get("/me/submissions", response=list[SubmissionOut], auth=django_auth, tags=["residents"])
def my_submissions(request: HttpRequest) -> list[dict]:
    """The signed-in resident's own submissions (session authentication)."""
    from yakusho.procedures.selectors import localized, status_text, submissions_of

    return [
        {
            "receipt_number": s.receipt_number,
            "procedure": s.procedure.code,
            "procedure_name": localized(s.procedure, "name", s.language).text,
            "status": s.status,
            "status_text": status_text(s),
            "submitted_at": s.submitted_at,
        }
        for s in submissions_of(request.auth, limit=200)
    ]


class ChargeOut(Schema):
    reference: str
    description: str
    amount: int
    currency: str
    due_date: dt.date
    state: str
    paid_at: dt.datetime | None
    amount_refunded: int
    receipt_number: str


@api.get("/me/charges", response=list[ChargeOut], auth=django_auth, tags=["residents"])
def my_charges(request: HttpRequest) -> list[dict]:
    """What the signed-in resident owes and has paid (session authentication); amounts in yen."""
    from yakusho.payments.selectors import charges_of
    from yakusho.procedures.selectors import localized

    return [
        {
            "reference": c.reference,
            "description": localized(c, "description").text,
            "amount": c.amount,
            "currency": c.currency,
            "due_date": c.due_date,
            "state": c.state,
            "paid_at": c.paid_at,
            "amount_refunded": c.amount_refunded,
            "receipt_number": c.purpose_label,
        }
        for c in charges_of(request.auth)[:200]
    ]


@api.get("/signing/root.pem", tags=["reference"], response={200: str})
def signing_root(request: HttpRequest):
    """The city's document-signing root certificate, to trust when verifying issued PDFs."""
    from django.http import HttpResponse

    from yakusho.core.signing import identity

    return HttpResponse(identity().root_pem, content_type="application/x-pem-file")


# --- hand-off: the pull API for core systems and RPA robots --------------------------------------


class RobotToken:
    """Bearer tokens of pull targets, stored only as SHA-256."""

    openapi_type = "http"

    def __call__(self, request: HttpRequest):
        import hashlib

        from yakusho.cases.models import HandoffTarget

        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()
        targets = [
            t.pk
            for t in HandoffTarget.objects.filter(kind="pull", is_active=True)
            if t.config.get("token_sha256") == digest
        ]
        return targets or None


class HandoffCaseOut(Schema):
    delivery: int
    receipt_number: str
    procedure: str
    payload: dict


class AckIn(Schema):
    ids: list[int]


@api.get("/handoff/cases", response=list[HandoffCaseOut], auth=RobotToken(), tags=["handoff"])
def handoff_cases(request: HttpRequest) -> list[dict]:
    """Cases waiting for this core system (oldest first, 100 at a time)."""
    from yakusho.cases.handoff import payload
    from yakusho.cases.models import HandoffDelivery

    deliveries = (
        HandoffDelivery.objects.filter(
            target_id__in=request.auth, state=HandoffDelivery.State.PENDING
        )
        .select_related("case__submission__version", "case__procedure")
        .order_by("created_at")[:100]
    )
    return [
        {
            "delivery": d.pk,
            "receipt_number": d.case.receipt_number,
            "procedure": d.case.procedure.code,
            "payload": payload(d.case),
        }
        for d in deliveries
    ]


@api.post("/handoff/ack", auth=RobotToken(), tags=["handoff"])
def handoff_ack(request: HttpRequest, body: AckIn) -> dict:
    """Mark cases as taken; acknowledging twice changes nothing."""
    from django.utils import timezone

    from yakusho.cases.models import HandoffDelivery

    done = HandoffDelivery.objects.filter(
        pk__in=body.ids[:500], target_id__in=request.auth, state=HandoffDelivery.State.PENDING
    ).update(
        state=HandoffDelivery.State.DELIVERED, delivered_at=timezone.now(), response="acknowledged"
    )
    return {"acknowledged": done}


# --- registry: the core system pushes changes to the resident registry mirror -------------------


class RegistryToken(HttpBearer):
    """The core system's bearer token, configured only as its SHA-256 hex digest
    (REGISTRY_TOKEN_SHA256); without one, every request is refused."""

    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        import hashlib
        import hmac

        from django.conf import settings

        expected = settings.REGISTRY_TOKEN_SHA256.strip().lower()
        token = token.strip()
        if not expected or not token:
            return None
        digest = hashlib.sha256(token.encode()).hexdigest()
        return "registry" if hmac.compare_digest(digest, expected) else None


REGISTRY_MAX_RECORDS = 1000


class RegistryRecordIn(BaseModel):
    """One record, with the values the core system's CSV export has (docs/registry-import.md).
    Dates may be 西暦 or 和暦; kana may be hiragana or half-width. (A plain pydantic model, so
    that unknown keys stay visible and a マイナンバー key can be refused.)"""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    atena_number: str | None = None
    household_number: str | None = None
    relation: str | None = None
    name: str | None = None
    name_kana: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    postal_code: str | None = None
    address: str | None = None


class RegistryImportIn(Schema):
    records: list[RegistryRecordIn]
    full: bool = False


class RegistryImportOut(Schema):
    read: int
    created: int
    updated: int
    unchanged: int
    ended: int


class RegistryErrorOut(Schema):
    index: int
    field: str
    message: str


class RegistryErrorsOut(Schema):
    detail: str
    errors: list[RegistryErrorOut]


@api.post(
    "/registry/records",
    auth=RegistryToken(),
    response={200: RegistryImportOut, 400: RegistryErrorsOut},
    tags=["registry"],
)
def registry_records(request: HttpRequest, body: RegistryImportIn) -> Any:
    """Create or update up to 1000 resident records, all or nothing. With `full`, the records
    are the whole registry and current records not among them stop being current. A record
    with any error writes nothing: the 400 answer lists each (`index` from 0, `field`)."""
    from django.utils.translation import gettext as _

    from yakusho.residents.importing import (
        COLUMNS,
        RegistryFileError,
        SourceRow,
        refuse_individual_number_columns,
    )
    from yakusho.residents.services import registry_import

    if len(body.records) > REGISTRY_MAX_RECORDS:
        raise HttpError(
            413,
            _("1回に送れるのは%(limit)d件までです（%(count)d件ありました）。分けて送ってください。")
            % {"limit": REGISTRY_MAX_RECORDS, "count": len(body.records)},
        )
    try:
        refuse_individual_number_columns(
            {key for record in body.records for key in record.model_extra or {}}
        )
        report = registry_import(
            (SourceRow(values=record.model_dump(include=set(COLUMNS))) for record in body.records),
            full=body.full,
            source="api",
        )
    except RegistryFileError as exc:
        return api.create_response(request, {"detail": str(exc), "errors": []}, status=400)
    if report.errors:
        errors = {
            "detail": _("%(count)d件の誤りがあるため、何も書き込んでいません。")
            % {"count": len(report.errors)},
            "errors": [
                {"index": e.index, "field": e.field, "message": e.message} for e in report.errors
            ],
        }
        return api.create_response(request, errors, status=400)
    return report.counts()
