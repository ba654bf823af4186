"""Hand-off of cases to the city's core systems (基幹系), as plugins.

Each procedure lists its targets; every case gets one delivery row per target. A delivery
is sent after commit, claimed by a conditional UPDATE, retried with backoff when the target
fails, shown as failed after the last attempt, and may be sent again by staff — a delivery that
succeeded is never sent again. Every message carries an idempotency key (receipt number and
target), so a receiver can drop the copy a crash might cause.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Case, HandoffDelivery, HandoffTarget

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)


class HandoffError(Exception):
    """The target did not take the case; the delivery will be tried again."""


class Target:
    key: ClassVar[str]
    label: ClassVar[Any]
    pushes: ClassVar[bool] = True  # False: the core system fetches (pull)

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def deliver(self, case: Case, payload: dict[str, Any], idempotency_key: str) -> str:
        raise NotImplementedError


_TARGETS: dict[str, type[Target]] = {}


def register(key: str):
    def decorator(cls: type[Target]) -> type[Target]:
        cls.key = key
        _TARGETS[key] = cls
        return cls

    return decorator


def target_for(target: HandoffTarget) -> Target:
    return _TARGETS[target.kind](target.config)


def kinds() -> list[tuple[str, Any]]:
    return [(key, cls.label) for key, cls in _TARGETS.items()]


def payload(case: Case) -> dict[str, Any]:
    submission = case.submission
    return {
        "receipt_number": case.receipt_number,
        "procedure": case.procedure.code,
        "form_version": submission.version.number,
        "received_at": case.received_at.isoformat(),
        "state": case.state,
        "applicant": {"name": submission.applicant_name, "kana": submission.applicant_kana},
        "answers": submission.answers,
        "computed": submission.computed,
        "staff_assisted": case.staff_assisted,
    }


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list):
        return {prefix: json.dumps(value, ensure_ascii=False)}
    return {prefix: "" if value is None else str(value)}


@register("csv")
class CsvTarget(Target):
    """A file per day in a folder the core system imports from (Excel-friendly encodings).
    config: {"folder": path, "columns": [["見出し", "answers.applicant.name"], …],
             "encoding": "utf-8-sig" | "cp932"}"""

    label = _("CSVファイル")

    def deliver(self, case: Case, payload: dict[str, Any], idempotency_key: str) -> str:
        folder = Path(
            self.config.get("folder") or Path(settings.DATA_DIR) / "handoff" / case.procedure.code
        )
        folder.mkdir(parents=True, exist_ok=True)
        encoding = self.config.get("encoding", "utf-8-sig")
        columns = self.config.get("columns") or [
            ["受付番号", "receipt_number"],
            ["受付日時", "received_at"],
            ["申請者", "applicant.name"],
            ["フリガナ", "applicant.kana"],
        ]
        flat = _flatten(payload)
        path = folder / f"{timezone.localdate():%Y%m%d}.csv"
        new = not path.exists()
        with path.open("a", encoding=encoding, errors="replace", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow([title for title, _path in columns] + ["idempotency_key"])
            writer.writerow(
                [flat.get(source, "") for _title, source in columns] + [idempotency_key]
            )
        return str(path)


@register("email")
class EmailTarget(Target):
    """A message to a department mailbox. config: {"to": "…@city.example.jp"}"""

    label = _("メール")

    def deliver(self, case: Case, payload: dict[str, Any], idempotency_key: str) -> str:
        from yakusho.core.services import email_queue

        to = self.config.get("to") or case.department.email
        if not to:
            raise HandoffError("no mailbox configured")
        body = json.dumps(payload, ensure_ascii=False, indent=2)
        email_queue(
            key=f"handoff:{idempotency_key}",
            to=to,
            subject=f"[yakusho] {case.procedure.name} {case.receipt_number}",
            body=body,
        )
        return to


@register("webhook")
class WebhookTarget(Target):
    """A signed JSON POST. config: {"url": "https://…", "secret": "…", "timeout": 10}
    Headers: X-Yakusho-Timestamp, X-Yakusho-Signature (HMAC-SHA256 of "timestamp.body"),
    Idempotency-Key."""

    label = _("Webhook（署名付きJSON）")
    session = requests.Session()

    def deliver(self, case: Case, payload: dict[str, Any], idempotency_key: str) -> str:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(
            self.config.get("secret", "").encode(), f"{stamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        try:
            response = self.session.post(
                self.config["url"],
                data=body,
                timeout=self.config.get("timeout", 10),
                headers={
                    "Content-Type": "application/json",
                    "X-Yakusho-Timestamp": stamp,
                    "X-Yakusho-Signature": f"sha256={signature}",
                    "Idempotency-Key": idempotency_key,
                },
            )
        except requests.RequestException as exc:
            raise HandoffError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= response.status_code < 300:
            raise HandoffError(f"HTTP {response.status_code}")
        return f"HTTP {response.status_code}"


@register("pull")
class PullTarget(Target):
    """The core system (or an RPA robot) fetches cases through the API and acknowledges them.
    config: {"token_sha256": "<hash of the robot's token>"}"""

    label = _("取得API（RPA向け）")
    pushes = False

    def deliver(self, case: Case, payload: dict[str, Any], idempotency_key: str) -> str:
        return "waiting for the core system to fetch"


# --- delivering --------------------------------------------------------------------------------


def idempotency_key(delivery: HandoffDelivery) -> str:
    return f"{delivery.case.receipt_number}:{delivery.target_id}"


def enqueue_deliveries(ids: list[int]) -> None:
    from ..tasks import handoff_deliver

    for delivery_id in ids:
        handoff_deliver.enqueue(delivery_id=delivery_id)


def claim(delivery_id: int) -> HandoffDelivery | None:
    now = timezone.now()
    claimed = HandoffDelivery.objects.filter(
        pk=delivery_id,
        state=HandoffDelivery.State.PENDING,
        next_attempt_at__lte=now,
        target__kind__in=[k for k, cls in _TARGETS.items() if cls.pushes],
    ).update(state=HandoffDelivery.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return HandoffDelivery.objects.select_related(
        "case__submission__version", "case__procedure", "case__department", "target"
    ).get(pk=delivery_id)


def deliver(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    try:
        response = target_for(delivery.target).deliver(
            delivery.case, payload(delivery.case), idempotency_key(delivery)
        )
    except (HandoffError, OSError, KeyError) as exc:
        failed = delivery.attempts >= MAX_ATTEMPTS
        wait = BACKOFF_SECONDS[min(delivery.attempts - 1, len(BACKOFF_SECONDS) - 1)]
        next_at = timezone.now() + dt.timedelta(seconds=wait)
        HandoffDelivery.objects.filter(pk=delivery.pk, state=HandoffDelivery.State.SENDING).update(
            state=HandoffDelivery.State.FAILED if failed else HandoffDelivery.State.PENDING,
            last_error=str(exc)[:500],
            next_attempt_at=next_at,
        )
        if not failed:
            from ..tasks import handoff_deliver

            handoff_deliver.using(run_after=next_at).enqueue(delivery_id=delivery.pk)
        return "failed" if failed else "retry"
    HandoffDelivery.objects.filter(pk=delivery.pk, state=HandoffDelivery.State.SENDING).update(
        state=HandoffDelivery.State.DELIVERED,
        delivered_at=timezone.now(),
        last_error="",
        response=response[:500],
    )
    return "delivered"


def resend(delivery: HandoffDelivery, *, actor: Any) -> bool:
    """Staff send a failed delivery again. A delivered one is not sent twice."""
    from yakusho.core.audit import audit_record

    updated = HandoffDelivery.objects.filter(
        pk=delivery.pk,
        state__in=[HandoffDelivery.State.FAILED, HandoffDelivery.State.PENDING],
    ).update(state=HandoffDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        audit_record(
            action="case.handoff_resend",
            actor=actor,
            obj=delivery.case,
            data={"target": delivery.target_id},
        )
        enqueue_deliveries([delivery.pk])
    return bool(updated)


def recover(stale_after: dt.timedelta) -> int:
    """Deliveries whose sender died mid-send, or whose task was lost, go out again."""
    now = timezone.now()
    HandoffDelivery.objects.filter(
        state=HandoffDelivery.State.SENDING, claimed_at__lt=now - stale_after
    ).update(state=HandoffDelivery.State.PENDING)
    due = list(
        HandoffDelivery.objects.filter(
            Q(state=HandoffDelivery.State.PENDING) & Q(next_attempt_at__lte=now - stale_after)
        ).values_list("pk", flat=True)[:500]
    )
    enqueue_deliveries(due)
    return len(due)
