"""Hand-off to core systems: CSV for Excel, e-mail, a signed webhook (against a real local
HTTP server that fails), and the pull API for RPA."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yakusho.cases import handoff
from yakusho.cases.models import HandoffDelivery, HandoffTarget

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    """A core system that is down twice, then takes the case; it keeps what it accepted."""

    failures_left = 2
    accepted: list[dict] = []
    secret = b"shared-secret"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers["X-Yakusho-Timestamp"]
        expected = (
            "sha256="
            + hmac.new(self.secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, self.headers["X-Yakusho-Signature"]):
            self.send_response(401)
        elif Receiver.failures_left:
            Receiver.failures_left -= 1
            self.send_response(500)
        else:
            Receiver.accepted.append(
                {"key": self.headers["Idempotency-Key"], "body": json.loads(body)}
            )
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.failures_left, Receiver.accepted = 2, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/intake"
    server.shutdown()
    server.server_close()


def _due_now():
    from django.utils import timezone

    HandoffDelivery.objects.update(next_attempt_at=timezone.now())


def test_webhook_failing_twice_then_succeeding_is_delivered_once(
    procedure, submit, receiver, run_tasks, worker
):
    HandoffTarget.objects.create(
        procedure=procedure,
        kind="webhook",
        name="福祉システム",
        config={"url": receiver, "secret": "shared-secret", "timeout": 5},
    )
    with run_tasks():
        submission = submit()
    delivery = HandoffDelivery.objects.get()
    assert delivery.state == "pending"
    assert delivery.attempts == 1
    assert delivery.last_error == "HTTP 500"
    _due_now()
    handoff.deliver(delivery.pk)
    _due_now()
    assert handoff.deliver(delivery.pk) == "delivered"
    assert handoff.deliver(delivery.pk) == "skipped"
    worker.run_until_idle()
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert delivery.attempts == 3
    assert len(Receiver.accepted) == 1
    accepted = Receiver.accepted[0]
    assert accepted["key"] == f"{submission.receipt_number}:{delivery.target_id}"
    assert accepted["body"]["answers"]["children"] == 2


def test_failed_delivery_is_shown_and_a_resend_delivers_once(procedure, submit, receiver, settings):
    target = HandoffTarget.objects.create(
        procedure=procedure,
        kind="webhook",
        name="福祉システム",
        config={"url": receiver, "secret": "shared-secret"},
    )
    Receiver.failures_left = 100
    submit()
    delivery = HandoffDelivery.objects.get(target=target)
    for _ in range(handoff.MAX_ATTEMPTS):
        _due_now()
        handoff.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    Receiver.failures_left = 0
    from ..factories import StaffFactory

    assert handoff.resend(delivery, actor=StaffFactory())
    handoff.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert not handoff.resend(delivery, actor=StaffFactory())  # a delivered one is not sent again
    assert len(Receiver.accepted) == 1


def test_timeout_is_retried(procedure, submit):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    port = silent.getsockname()[1]
    HandoffTarget.objects.create(
        procedure=procedure,
        kind="webhook",
        name="遅いシステム",
        config={"url": f"http://127.0.0.1:{port}/", "secret": "s", "timeout": 0.5},
    )
    submit()
    delivery = HandoffDelivery.objects.get()
    handoff.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    assert "Timeout" in delivery.last_error or "timed out" in delivery.last_error
    silent.close()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_csv_for_excel(procedure, submit, tmp_path, encoding):
    HandoffTarget.objects.create(
        procedure=procedure,
        kind="csv",
        name="CSV",
        config={
            "folder": str(tmp_path),
            "encoding": encoding,
            "columns": [
                ["受付番号", "receipt_number"],
                ["氏名", "answers.applicant.name"],
                ["子の人数", "answers.children"],
            ],
        },
    )
    submission = submit()
    handoff.deliver(HandoffDelivery.objects.get().pk)
    [path] = tmp_path.iterdir()
    raw = path.read_bytes()
    if encoding == "utf-8-sig":
        assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode(encoding)
    assert text.splitlines()[0] == "受付番号,氏名,子の人数,idempotency_key"
    assert f"{submission.receipt_number},秦野 太郎,2," in text


def test_email_to_the_department_mailbox(
    procedure, submit, worker, django_capture_on_commit_callbacks
):
    from django.core import mail

    HandoffTarget.objects.create(procedure=procedure, kind="email", name="課のメール", config={})
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit()
    with django_capture_on_commit_callbacks(execute=True):
        worker.run_until_idle()  # the hand-off queues the e-mail…
    worker.run_until_idle()  # …which is then sent
    sent = [m for m in mail.outbox if m.to == ["kodomo@city.example.jp"]]
    assert len(sent) == 1
    assert submission.receipt_number in sent[0].subject


def test_pull_api_for_rpa(procedure, submit, client):
    token = "robot-token-123"
    HandoffTarget.objects.create(
        procedure=procedure,
        kind="pull",
        name="RPA",
        config={"token_sha256": hashlib.sha256(token.encode()).hexdigest()},
    )
    submission = submit()
    assert client.get("/api/v1/handoff/cases").status_code == 401
    assert client.get("/api/v1/handoff/cases", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/api/v1/handoff/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    [item] = response.json()
    assert item["receipt_number"] == submission.receipt_number
    ack = client.post(
        "/api/v1/handoff/ack",
        data=json.dumps({"ids": [item["delivery"]]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ack.json() == {"acknowledged": 1}
    assert client.get("/api/v1/handoff/cases", HTTP_AUTHORIZATION=f"Bearer {token}").json() == []


def test_a_case_goes_to_its_procedure_s_active_targets_only(procedure, submit):
    from yakusho.procedures.models import Procedure

    wanted = HandoffTarget.objects.create(procedure=procedure, kind="csv", name="基幹システム")
    HandoffTarget.objects.create(procedure=procedure, kind="email", name="旧", is_active=False)
    other = Procedure.objects.create(
        code="hoiku",
        name="保育",
        department=procedure.department,
        category=procedure.category,
        processing_days=5,
    )
    HandoffTarget.objects.create(procedure=other, kind="email", name="他の手続き")
    submission = submit()
    deliveries = HandoffDelivery.objects.filter(case__submission=submission)
    assert [d.target for d in deliveries] == [wanted]


def test_sends_read_the_targets_once_until_they_change(procedure, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakusho.procedures import selectors
    from yakusho.procedures import services as procedure_services

    def send(as_the_view_reads_it: bool = True) -> tuple[list[str], int]:
        draft = procedure_services.draft_start(procedure=procedure, user=resident)
        draft = procedure_services.draft_save_step(
            draft=draft, step_key="main", answers={"children": 1, "note": ""}
        )
        if as_the_view_reads_it:  # its procedure is the catalogue's
            draft = selectors.draft_by_key(draft.key)
        with CaptureQueriesContext(connection) as queries:
            submission = procedure_services.submission_create(draft=draft, language="ja")
        reads = [q for q in queries if 'FROM "cases_handofftarget"' in q["sql"]]
        targets = HandoffDelivery.objects.filter(case__submission=submission).order_by("pk")
        return [d.target.name for d in targets], len(reads)

    first = HandoffTarget.objects.create(procedure=procedure, kind="csv", name="基幹システム")
    assert send() == (["基幹システム"], 1)
    assert send() == (["基幹システム"], 0)
    first.is_active = False
    first.save()
    assert send() == ([], 1)
    HandoffTarget.objects.create(procedure=procedure, kind="email", name="課のメールボックス")
    assert send() == (["課のメールボックス"], 1)
    assert send() == (["課のメールボックス"], 0)
    # Another instance of the procedure (here the fixture's) keeps nothing: read every time.
    assert send(as_the_view_reads_it=False) == (["課のメールボックス"], 1)
    assert send(as_the_view_reads_it=False) == (["課のメールボックス"], 1)
