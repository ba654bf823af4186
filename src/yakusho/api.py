"""The public API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

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
