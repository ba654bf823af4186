"""`submit-burst`: the 給付金 rush. Thousands of verified residents, each with the benefit form
filled in from the registry (bench/procedures/kyufukin.json: 13 fields, a household group, a
bank account), press 「この内容で申請する」 at once. Measured side by side with a bare Django
view on the same server, in the same run."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .client import Browser, Timings, csrf_of
from .server import cpu_split

PROCEDURE_FILE = Path(__file__).parent / "procedures" / "kyufukin.json"
PROCEDURE = "bench-kyufukin"


def load(count: int, jobs_file: Path) -> None:
    """Run inside Django: the demo city, the benefit procedure, `count` verified residents
    signed in (a session each) with their form filled in; writes (session, draft) pairs."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from yakusho.accounts.models import User
    from yakusho.demo.cases import fill
    from yakusho.demo.services import demo_city_load
    from yakusho.procedures import services
    from yakusho.procedures.engine import FormDefinition
    from yakusho.procedures.exchange import procedure_import
    from yakusho.procedures.models import Draft
    from yakusho.residents.models import ResidentRecord
    from yakusho.residents.services import record_values

    demo_city_load()
    procedure = procedure_import(json.loads(PROCEDURE_FILE.read_text(encoding="utf-8")))
    definition = FormDefinition.parse(procedure.published_version.definition)
    rng = random.Random(2020)
    password = make_password("bench-password-2026")
    families = [("秦野", "ハダノ"), ("渋沢", "シブサワ"), ("鶴巻", "ツルマキ"), ("大根", "オオネ")]
    given = [("太郎", "タロウ"), ("花子", "ハナコ"), ("健", "ケン"), ("美咲", "ミサキ")]
    jobs = []
    for start in range(0, count, 1000):
        size = min(1000, count - start)
        with transaction.atomic():
            records = []
            for index in range(start, start + size):
                (family, family_kana), (name, name_kana) = rng.choice(families), rng.choice(given)
                records.append(
                    ResidentRecord(
                        atena_number=f"9{index:09d}",
                        **record_values(
                            household_number=f"8{index:09d}",
                            relation="世帯主",
                            name=f"{family} {name}",
                            name_kana=f"{family_kana} {name_kana}",
                            birth_date=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
                            sex="male" if index % 2 else "female",
                            postal_code="257-0015",
                            address=f"神奈川県秦野市平沢{index % 2000 + 1}",
                        ),
                    )
                )
            ResidentRecord.objects.bulk_create(records)
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"kyufu{r.atena_number}@example.jp",
                        email=f"kyufu{r.atena_number}@example.jp",
                        password=password,
                        assurance="verified",
                        resident=r,
                        # They filled the form in on the site, which remembered the language.
                        preferred_language="ja",
                    )
                    for r in records
                ]
            )
            drafts = []
            for user in users:
                draft = services.draft_start(procedure=procedure, user=user)
                draft.answers = fill(definition, draft.answers, rng)
                drafts.append(draft)
            Draft.objects.bulk_update(drafts, ["answers"])
            for user, draft in zip(users, drafts, strict=True):
                session = SessionStore()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                session.create()
                jobs.append((session.session_key, str(draft.key)))
    assert services.missing_step(definition, drafts[-1].answers) is None
    jobs_file.write_text(json.dumps(jobs))


def _submit(base: str, jobs: list, deadline: float, out: list) -> None:
    browser = Browser(base)
    for session_key, draft in jobs:
        if time.monotonic() > deadline:
            break
        browser.cookies = {"sessionid": session_key}
        check = f"/ja/apply/{draft}/check/"
        t0 = time.perf_counter()
        try:
            page = browser.get(check)
            t0 = time.perf_counter()
            response = browser.post(
                check, {"csrfmiddlewaretoken": csrf_of(page.text)}, referer=base + check
            )
        except (OSError, http.client.HTTPException, RuntimeError):
            out.append((time.perf_counter() - t0, False, ""))  # an error, not a lost thread
            continue
        location = response.headers.get("location", "")
        ok = response.status == 302 and "/submissions/" in location
        out.append((time.perf_counter() - t0, ok, location))


def _process(base: str, jobs: list, threads: int, deadline: float, queue) -> None:
    out: list = []
    workers = [
        threading.Thread(target=_submit, args=(base, jobs[i::threads], deadline, out))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(out)


def _bare(base: str, threads: int, seconds: float) -> dict:
    timings = Timings()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        browser = Browser(base)
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            response = browser.get("/healthz")
            with lock:
                timings.add(time.perf_counter() - t0, response.status == 200)

    started = time.perf_counter()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return timings.summary(time.perf_counter() - started)


def run(
    base: str,
    jobs_file: Path,
    *,
    clients: int,
    duration: float,
    cpu: Callable[[], dict[str, float]] | None = None,
) -> dict[str, dict]:
    """`clients` concurrent residents over a few load processes, for `duration` seconds.
    `cpu` reads the CPU spent so far by part (bench.server.CpuMeter.read); each phase then
    reports its CPU per request or submission."""
    jobs = json.loads(jobs_file.read_text())
    processes_count = max(1, min(4, clients // 8))
    per_process = max(1, clients // processes_count)
    read = cpu or dict
    before_bare = read()
    bare = _bare(base, clients, min(15.0, duration))
    after_bare = read()
    queue: multiprocessing.Queue = multiprocessing.Queue()
    deadline = time.monotonic() + duration
    started = time.perf_counter()
    processes = [
        multiprocessing.Process(
            target=_process, args=(base, jobs[i::processes_count], per_process, deadline, queue)
        )
        for i in range(processes_count)
    ]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    after_burst = read()
    timings = Timings()
    receipts = []
    for chunk in results:
        for seconds, ok, location in chunk:
            timings.add(seconds, ok)
            if ok:
                receipts.append(location.split("?")[0].rstrip("/").rsplit("/", 1)[-1])
    burst = timings.summary(elapsed)
    burst["submissions_per_s"] = round(len(receipts) / elapsed, 1)
    burst["ratio_to_bare"] = (
        round(burst["requests_per_s"] / bare["requests_per_s"], 2) if bare["requests_per_s"] else 0
    )
    burst["receipts"] = len(receipts)
    burst["distinct_receipts"] = len(set(receipts))
    if cpu is not None:
        bare["cpu_ms_per_request"] = cpu_split(before_bare, after_bare, bare["requests"])
        burst["cpu_ms_per_submission"] = cpu_split(after_bare, after_burst, len(receipts))
    return {"bare_view": bare, "submit": burst}


def emails_drained(sink, expected: int, limit: float = 120) -> dict[str, float]:
    """How many confirmation e-mails had reached the SMTP sink when the burst ended, and how
    long the worker then took to deliver the rest (up to `limit` seconds)."""
    at_end = sink.received()
    started = time.monotonic()
    while sink.received() < expected and time.monotonic() - started < limit:
        time.sleep(0.2)
    return {
        "emails_at_burst_end": at_end,
        "emails_received": sink.received(),
        "email_drain_s": round(time.monotonic() - started, 1),
    }


def verify(receipts_expected: int) -> dict[str, int]:
    """Run inside Django after the burst: what the database holds."""
    from django.db.models import Count

    from yakusho.procedures.models import Submission

    submissions = Submission.objects.filter(procedure__code=PROCEDURE)
    duplicates = submissions.values("draft_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "submissions_in_database": submissions.count(),
        "duplicate_drafts": duplicates,
        "receipts_answered": receipts_expected,
    }
