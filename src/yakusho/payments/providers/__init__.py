"""Payment provider plugins: a base class, a registry and the records they exchange.

A provider turns a payment into a page the resident goes to (`create`), reports the state
of a payment when asked (`status`), cancels and refunds, and parses its own webhooks after
checking their signature. Everything it reports is in yakusho's terms (states, yen), so the
services never see a provider's format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yakusho.payments.models import Payment, Refund


class ProviderError(Exception):
    """The provider could not be reached or refused the request; no money moved."""


class WebhookRejected(Exception):
    """A notification whose signature, timestamp or format is not right."""


@dataclass
class Created:
    provider_ref: str
    next_url: str
    state: str = "started"
    expires_at: dt.datetime | None = None
    instructions: dict = field(default_factory=dict)


@dataclass
class Status:
    """What the provider says about one payment."""

    provider_ref: str
    state: str  # one of Payment.State
    amount: int
    currency: str = "JPY"
    occurred_at: dt.datetime | None = None
    instructions: dict = field(default_factory=dict)
    fee: int = 0


@dataclass
class Event:
    """One verified notification, translated."""

    event_id: str
    event_type: str
    status: Status | None = None
    refund_ref: str = ""
    refund_state: str = ""
    refund_amount: int = 0


@dataclass
class RefundResult:
    provider_ref: str
    state: str  # pending, success, failed


class Provider:
    key = ""
    label = ""
    methods: tuple[str, ...] = ()

    def create(self, *, payment: Payment, description: str, return_url: str) -> Created:
        raise NotImplementedError

    def status(self, *, payment: Payment) -> Status:
        raise NotImplementedError

    def cancel(self, *, payment: Payment) -> None:
        raise NotImplementedError

    def refund(self, *, payment: Payment, refund: Refund) -> RefundResult:
        raise NotImplementedError

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        raise NotImplementedError


_registry: dict[str, type[Provider]] = {}


def register(key: str) -> Callable[[type[Provider]], type[Provider]]:
    def add(cls: type[Provider]) -> type[Provider]:
        cls.key = key
        _registry[key] = cls
        return cls

    return add


def get(key: str) -> Provider:
    from . import counter, demo, stripe  # noqa: F401  (registration)

    try:
        return _registry[key]()
    except KeyError:
        raise ProviderError(f"unknown payment provider {key!r}") from None


def available() -> list[str]:
    from . import counter, demo, stripe  # noqa: F401

    return sorted(_registry)
