"""`faults`: kill things and check that nothing is lost or doubled.

Kinds, each repeated `--trials` times against `yakusho serve` and `yakusho worker` started as
production runs them, with residents sending the benefit form over real HTTP:

- `web`: SIGKILL the web server (master and workers at once) in the middle of a burst, start it
  again; every receipt a client got exists once, no submission is half-written, no draft is
  lost, and each request cut off by the kill, sent again with the same draft key, ends in
  exactly one submission.
- `retry`: clients give up after a short timeout and send again with the same draft key (the
  idempotency key); each draft ends as exactly one submission, whose receipt every answer names.
- `worker`: SIGKILL `yakusho worker` while it sends confirmation e-mails to a local SMTP sink
  (aiosmtpd), start it again; every e-mail arrives, and a message arrives twice only if it was
  being sent at the kill, then with the same Message-ID.
- `db` (PostgreSQL): stop the database server and start it again; meanwhile pages, a signed-in
  resident's page and a submission answer a 503 page with Retry-After, and afterwards they work
  again without restarting anything.

Prints one PASS/FAIL line per trial and a summary per kind; results go to
bench/results/faults-<db>.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from . import server
from .client import csrf_of

PER_TRIAL = {"web": 40, "retry": 20, "worker": 30, "db": 4}
UNAVAILABLE_TEXT = "一時的に利用できません"


# --- the SMTP sink -------------------------------------------------------------------------


@dataclass
class Sink:
    """Records every message's Message-ID as its DATA arrives, then waits `delay` before
    answering 250: a worker killed in that window has handed the message over without
    knowing it (the in-flight case)."""

    delay: float = 0.0
    message_ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(str(message.get("Message-ID", "")).strip())
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.message_ids)

    def received(self) -> int:
        with self.lock:
            return len(self.message_ids)


@contextlib.contextmanager
def smtp_sink(delay: float = 0.05):
    from aiosmtpd.controller import Controller

    sink = Sink(delay=delay)
    controller = Controller(sink, hostname="127.0.0.1", port=server.free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


# --- residents sending the form ---------------------------------------------------------------


def _receipt(location: str) -> str:
    return location.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def submit(
    http: requests.Session, base: str, job: list[str], *, timeout: float = 30, token: str = ""
) -> tuple[str, str]:
    """Open the check page (unless a token is given) and press 送信. ("ok", receipt),
    ("cut", reason) when no answer came, or ("bad", status)."""
    session_key, draft = job
    http.cookies.set("sessionid", session_key)
    check = f"{base}/ja/apply/{draft}/check/"
    try:
        if not token:
            token = csrf_of(http.get(check, timeout=timeout).text)
        response = http.post(
            check,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": check},
            allow_redirects=False,
            timeout=timeout,
        )
    except requests.RequestException as exc:
        return "cut", type(exc).__name__
    except RuntimeError:  # no CSRF token: the page was not the form
        return "bad", "no form"
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/submissions/" in location:
        return "ok", _receipt(location)
    return "bad", str(response.status_code)


def _database_state(drafts: list[str]) -> dict[str, object]:
    """Run in this process's Django: what the database holds for these drafts."""
    from django.db import connection

    from yakusho.cases.models import Case
    from yakusho.core.models import AuditRecord, OutboundEmail
    from yakusho.procedures.models import Draft, Submission

    connection.close()  # a connection from before a database restart is gone
    submissions = list(
        Submission.objects.filter(draft_key__in=drafts).values_list(
            "pk", "draft_key", "receipt_number"
        )
    )
    by_draft = Counter(str(key) for _, key, _ in submissions)
    remaining = {str(k) for k in Draft.objects.filter(key__in=drafts).values_list("key", flat=True)}
    ids = [pk for pk, _, _ in submissions]
    numbers = [number for _, _, number in submissions]
    with_case = set(
        Case.objects.filter(submission_id__in=ids).values_list("submission_id", flat=True)
    )
    with_email = set(
        OutboundEmail.objects.filter(
            key__in=[f"submission-confirmation:{n}" for n in numbers]
        ).values_list("key", flat=True)
    )
    with_audit = set(
        AuditRecord.objects.filter(
            action="submission.create", object_id__in=[str(i) for i in ids]
        ).values_list("object_id", flat=True)
    )
    half = [
        number
        for pk, key, number in submissions
        if pk not in with_case
        or f"submission-confirmation:{number}" not in with_email
        or str(pk) not in with_audit
        or str(key) in remaining
    ]
    return {
        "receipt_of": {str(key): number for _, key, number in submissions},
        "duplicated": sum(n - 1 for n in by_draft.values() if n > 1),
        "lost": sorted(d for d in drafts if d not in by_draft and d not in remaining),
        "half_written": half,
        "remaining": remaining,
    }


def _burst(base: str, jobs: list, *, threads: int, stop: threading.Event) -> list[tuple]:
    """Send `jobs` from `threads` clients until done or `stop` is set; (job, outcome, value)."""
    out: list[tuple] = []
    lock = threading.Lock()
    pending = list(jobs)

    def client() -> None:
        http = requests.Session()
        while not stop.is_set():
            with lock:
                if not pending:
                    return
                job = pending.pop()
            http.cookies.clear()
            outcome, value = submit(http, base, job, timeout=10)
            with lock:
                out.append((job, outcome, value))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return out


# --- the kinds -----------------------------------------------------------------------------


class Run:
    def __init__(self, env: dict[str, str], jobs: list, pg, sink: Sink) -> None:
        self.env, self.jobs, self.pg, self.sink = env, jobs, pg, sink
        self.port = server.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.rng = random.Random(8)
        self.web_process = None

    def take(self, count: int) -> list:
        taken, self.jobs = self.jobs[:count], self.jobs[count:]
        if len(taken) < count:
            raise SystemExit("not enough residents loaded for the trials")
        return taken

    def web_up(self):
        process = server.start_web(self.env, self.port)
        server.wait_for(self.base + "/healthz", env=self.env)
        return process

    # web: SIGKILL the server mid-burst ------------------------------------------------------

    def web(self, trial: int) -> dict:
        jobs = self.take(PER_TRIAL["web"])
        web = self.web_process or self.web_up()
        stop = threading.Event()
        delay = self.rng.uniform(0.3, 1.2)
        killer = threading.Timer(delay, lambda: (server.kill_group(web), stop.set()))
        killer.start()
        answers = _burst(self.base, jobs, threads=8, stop=stop)
        killer.join()
        cut = [job for job, outcome, _ in answers if outcome != "ok"]
        received = {job[1]: value for job, outcome, value in answers if outcome == "ok"}
        web = self.web_up()  # the restart
        try:
            before = _database_state([job[1] for job in jobs])
            # The residents whose request the kill cut off press 送信 again.
            http = requests.Session()
            again = {}
            for job in cut:
                http.cookies.clear()
                outcome, value = submit(http, self.base, job)
                if outcome == "ok":
                    again[job[1]] = value
        finally:
            self.web_process = web  # the next trial kills this one
        after = _database_state([job[1] for job in jobs])
        wrong = [d for d, n in {**received, **again}.items() if after["receipt_of"].get(d) != n]
        attempted = {job[1] for job, _, _ in answers}
        unsent = [d for d in attempted if d not in after["receipt_of"]]
        ok = not (
            wrong
            or before["half_written"]
            or before["lost"]
            or before["duplicated"]
            or after["half_written"]
            or after["lost"]
            or after["duplicated"]
            or unsent
        )
        return {
            "ok": ok,
            "killed_after_s": round(delay, 2),
            "receipts_received": len(received),
            "cut_by_kill": len(cut),
            "cut_but_stored": sum(1 for job in cut if job[1] in before["receipt_of"]),
            "receipts_wrong_or_missing": len(wrong),
            "lost": len(before["lost"]) + len(after["lost"]),
            "duplicated": before["duplicated"] + after["duplicated"],
            "half_written": len(before["half_written"]) + len(after["half_written"]),
            "unsent_after_retry": len(unsent),
        }

    # retry: time out and send again with the same key -----------------------------------------

    def retry(self, trial: int) -> dict:
        jobs = self.take(PER_TRIAL["retry"])
        answers: dict[str, set[str]] = {}
        posts = timeouts = 0
        lock = threading.Lock()

        def client(mine: list) -> None:
            nonlocal posts, timeouts
            http = requests.Session()
            for job in mine:
                http.cookies.clear()
                token = csrf_of(http.get(f"{self.base}/ja/apply/{job[1]}/check/", timeout=30).text)
                # First a timeout shorter than the submission takes, then longer ones.
                for attempt, timeout in enumerate((self.rng.uniform(0.002, 0.06), 0.1, 0.3, 30)):
                    outcome, value = submit(http, self.base, job, timeout=timeout, token=token)
                    with lock:
                        posts += 1
                        timeouts += outcome == "cut"
                        if outcome == "ok":
                            answers.setdefault(job[1], set()).add(value)
                    if outcome == "ok" and attempt >= 1:
                        break
                    # An answer to the first POST is sent again too: a double click.

        threads = [threading.Thread(target=client, args=(jobs[i::10],)) for i in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        state = _database_state([job[1] for job in jobs])
        mismatched = [d for d, seen in answers.items() if seen != {state["receipt_of"].get(d, "?")}]
        missing = [job[1] for job in jobs if job[1] not in state["receipt_of"]]
        ok = not (mismatched or missing or state["duplicated"] or state["half_written"])
        return {
            "ok": ok,
            "drafts": len(jobs),
            "posts": posts,
            "timed_out": timeouts,
            "submissions": len(state["receipt_of"]),
            "duplicated": state["duplicated"],
            "answers_naming_another_receipt": len(mismatched),
            "missing": len(missing),
            "half_written": len(state["half_written"]),
        }

    # worker: SIGKILL it mid-send ---------------------------------------------------------------

    def _emails(self, drafts: list[str]) -> dict[str, tuple[str, str]]:
        """message_id → (state, key) of the trial's confirmation e-mails."""
        from django.db import connection

        from yakusho.core.models import OutboundEmail

        connection.close()
        numbers = list(_database_state(drafts)["receipt_of"].values())
        return {
            m: (s, k)
            for m, s, k in OutboundEmail.objects.filter(
                key__in=[f"submission-confirmation:{n}" for n in numbers]
            ).values_list("message_id", "state", "key")
        }

    def worker(self, trial: int, web_base: str) -> dict:
        jobs = self.take(PER_TRIAL["worker"])
        drafts = [job[1] for job in jobs]
        _burst(web_base, jobs, threads=4, stop=threading.Event())
        emails = self._emails(drafts)
        before = self.sink.received()
        kill_after = self.rng.randint(2, PER_TRIAL["worker"] // 2)
        worker = server.start_worker(self.env)
        deadline = time.monotonic() + 60
        while self.sink.received() - before < kill_after and time.monotonic() < deadline:
            if worker.poll() is not None:  # it refused to start: say why, do not wait
                return {"ok": False, "worker_exited": server.log_tail(self.env, "worker", 2)}
            time.sleep(0.005)
        server.kill_group(worker)
        in_flight = {m for m, (state, _) in self._emails(drafts).items() if state == "sending"}
        worker = server.start_worker(self.env)
        deadline = time.monotonic() + 90
        try:
            while time.monotonic() < deadline:
                counts = self.sink.counts()
                states = self._emails(drafts)
                if all(s == "sent" for s, _ in states.values()) and all(counts[m] for m in emails):
                    break
                time.sleep(0.3)
        finally:
            server.stop(worker)
        counts = self.sink.counts()
        arrived = [m for m in emails if counts[m]]
        repeated = {m: counts[m] - 1 for m in emails if counts[m] > 1}
        foreign = sum(1 for m in repeated if m not in in_flight)
        ok = (
            len(emails) == len(jobs)
            and len(arrived) == len(emails)
            and not foreign
            and sum(repeated.values()) <= len(in_flight)
        )
        return {
            "ok": ok,
            "emails": len(emails),
            "arrived": len(arrived),
            "killed_after_messages": kill_after,
            "in_flight_at_kill": len(in_flight),
            "repeated_same_message_id": sum(repeated.values()),
            "repeated_not_in_flight": foreign,
        }

    # db: stop PostgreSQL and start it again ---------------------------------------------------

    def db(self, trial: int, web, web_base: str, worker) -> dict:
        jobs = self.take(PER_TRIAL["db"])
        resident = requests.Session()
        resident.cookies.set("sessionid", jobs[0][0])
        check = f"{web_base}/ja/apply/{jobs[1][1]}/check/"
        token = csrf_of(resident.get(check, timeout=30).text)
        anonymous = requests.Session()
        self.pg.stop("fast")
        down = []
        try:
            for _ in range(2):
                down.append(anonymous.get(f"{web_base}/ja/procedures/", timeout=30))
                down.append(resident.get(f"{web_base}/ja/mypage/", timeout=30))
                down.append(
                    resident.post(
                        check,
                        data={"csrfmiddlewaretoken": token},
                        headers={"Referer": check},
                        allow_redirects=False,
                        timeout=30,
                    )
                )
        finally:
            self.pg.start()
        clear = all(
            r.status_code == 503
            and r.headers.get("Retry-After")
            and UNAVAILABLE_TEXT in r.text
            and "Traceback" not in r.text
            for r in down
        )
        started = time.monotonic()
        recovered_after = None
        while time.monotonic() - started < 20:
            if anonymous.get(f"{web_base}/ja/procedures/", timeout=30).status_code == 200:
                recovered_after = time.monotonic() - started
                break
            time.sleep(0.1)
        outcome, receipt = submit(resident, web_base, jobs[1], token=token)
        mypage = resident.get(f"{web_base}/ja/mypage/", timeout=30).status_code
        state = _database_state([jobs[1][1]])
        ok = (
            clear
            and recovered_after is not None
            and outcome == "ok"
            and state["receipt_of"].get(jobs[1][1]) == receipt
            and mypage == 200
            and web.poll() is None
            and worker.poll() is None
        )
        return {
            "ok": ok,
            "answers_while_down": [r.status_code for r in down],
            "all_clear_503": bool(clear),
            "recovered_after_s": round(recovered_after, 2) if recovered_after is not None else None,
            "submission_after": outcome,
            "processes_restarted": int(web.poll() is not None) + int(worker.poll() is not None),
        }


def _line(kind: str, trial: int, trials: int, result: dict) -> str:
    details = ", ".join(f"{k} {v}" for k, v in result.items() if k != "ok")
    return f"{kind:7} trial {trial + 1:2}/{trials}  {'PASS' if result['ok'] else 'FAIL'}  {details}"


def _drain(env: dict[str, str]) -> None:
    """Run a worker until every stored e-mail is sent (or two minutes have passed)."""
    from django.db import connection

    from yakusho.core.models import OutboundEmail

    worker = server.start_worker(env)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            connection.close()
            if not OutboundEmail.objects.exclude(state="sent").exists():
                break
            time.sleep(0.5)
    finally:
        server.stop(worker)
    connection.close()


def _every_email_arrived(env: dict[str, str], sink: Sink) -> dict:
    """After every kind: a worker drains the outbox; each stored e-mail reached the sink."""
    from yakusho.core.models import OutboundEmail

    _drain(env)
    ids = list(OutboundEmail.objects.values_list("message_id", flat=True))
    counts = sink.counts()
    known = set(ids)
    return {
        "stored": len(ids),
        "arrived": sum(1 for m in ids if counts[m]),
        "lost": sum(1 for m in ids if not counts[m]),
        "repeats": sum(counts[m] - 1 for m in ids if counts[m] > 1),
        "unknown_message_ids": sum(1 for m in counts if m not in known),
    }


def run(env: dict[str, str], args, folder: Path, pg) -> dict:
    kinds = ["web", "retry", "worker", "db"] if args.kind == "all" else [args.kind]
    trials = args.trials
    results: dict[str, dict] = {}
    if "db" in kinds and pg is None:
        kinds.remove("db")
        reason = "needs PostgreSQL (a server bench stops and starts): run with --db postgres"
        print(f"db      SKIPPED  {reason}")
        results["db"] = {"skipped": reason}
    if not kinds:
        return results
    residents = sum(PER_TRIAL[k] for k in kinds) * trials + 10
    with smtp_sink() as (sink, smtp_port):
        env = {
            **env,
            "YAKUSHO_EMAIL_HOST": "127.0.0.1",
            "YAKUSHO_EMAIL_PORT": str(smtp_port),
            # A killed worker's tasks are taken over after 3 s instead of 60 s (production's
            # default), so twenty trials take minutes; heartbeats follow (every second).
            "YAKUSHO_WORKER_STALE_SECONDS": "3",
        }
        os.environ.update(
            {k: v for k, v in env.items() if k.startswith(("YAKUSHO_", "DJANGO_", "DATABASE"))}
        )
        import django

        django.setup()
        from . import burst

        print(
            f"Preparing {args.db} with {residents:,} residents and their filled-in forms…",
            flush=True,
        )
        jobs_file = folder / "fault-jobs.json"
        burst.load(residents, jobs_file)
        from django.db import connection

        connection.close()
        jobs = json.loads(jobs_file.read_text())
        random.Random(3).shuffle(jobs)
        bench = Run(env, jobs, pg, sink)
        for kind in kinds:
            rows = []
            if kind == "web":
                try:
                    for trial in range(trials):
                        rows.append(bench.web(trial))
                        print(_line(kind, trial, trials, rows[-1]), flush=True)
                finally:
                    server.stop(bench.web_process)
            elif kind == "retry":
                with server.serve(env, worker=True) as base:
                    bench.base = base
                    for trial in range(trials):
                        rows.append(bench.retry(trial))
                        print(_line(kind, trial, trials, rows[-1]), flush=True)
            elif kind == "worker":
                _drain(env)  # the kinds before left e-mails queued; start from an empty outbox
                sink.delay = 0.05
                with server.serve(env) as base:
                    for trial in range(trials):
                        rows.append(bench.worker(trial, base))
                        print(_line(kind, trial, trials, rows[-1]), flush=True)
                sink.delay = 0.0
            elif kind == "db":
                port = server.free_port()
                web = server.start_web(env, port)
                worker = server.start_worker(env)
                base = f"http://127.0.0.1:{port}"
                try:
                    server.wait_for(base + "/healthz", env=env)
                    for trial in range(trials):
                        rows.append(bench.db(trial, web, base, worker))
                        print(_line(kind, trial, trials, rows[-1]), flush=True)
                finally:
                    server.stop(web)
                    server.stop(worker)
            passed = sum(1 for row in rows if row["ok"])
            results[kind] = {
                "trials": len(rows),
                "passed": passed,
                "failed": len(rows) - passed,
                "runs": rows,
            }
            print(
                f"{kind:7} {'PASS' if passed == len(rows) else 'FAIL'}  {passed}/{len(rows)} trials passed",
                flush=True,
            )
        results["emails"] = _every_email_arrived(env, sink)
        results["audit_chain"] = _audit_verify(env)
    emails = results["emails"]
    print(
        f"e-mails {'PASS' if not emails['lost'] and not emails['unknown_message_ids'] else 'FAIL'}"
        f"  stored {emails['stored']}, arrived {emails['arrived']}, lost {emails['lost']}, "
        f"repeats with the same Message-ID {emails['repeats']}"
    )
    print(f"audit   {'PASS' if results['audit_chain']['ok'] else 'FAIL'}  yakusho audit verify")
    return results


def _audit_verify(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "yakusho", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
    )
    return {"ok": done.returncode == 0, "output": (done.stdout + done.stderr).strip()[-300:]}
