"""Profile the submission POST (the hottest path) with py-spy in a running `yakusho serve`.

    python -m bench.profile [--db sqlite|postgres] [--seconds 20] [--clients 4] [--pages]

With `--pages`, the residents' pages of `bench.pages` instead (finder, procedure, form step,
マイページ, in turn), summarised by view and by own time.

One server process with one thread (clean stacks: one request at a time), residents from
`bench.burst.load`, clients that open the check page and press 送信 as in `submit-burst`;
py-spy samples the server process during the sends only and the summary lists where the time
goes: own time per function, and time inside named parts of the request (ORM query building,
the database driver, templates, the audit chain, the outbox, session and middleware).
Writes bench/results/profile-submit-<db>.txt (and the raw stacks, .folded, for a flame graph).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from . import server
from .client import csrf_of

RESULTS = Path(__file__).parent / "results"
# Parts of the submit POST, matched on a frame's "function (file:line)" text; a sample counts
# for each part one of its frames belongs to (so the parts overlap and do not add up to 100 %).
PARTS = {
    "SQL compilation (Django ORM)": "django/db/models/sql/compiler.py",
    "database driver (sqlite3/psycopg execute, incl. lock waits)": "CursorWrapper.execute",
    "BEGIN / COMMIT (transaction)": "BaseDatabaseWrapper._commit",
    "case_open (cases.services)": "case_open (",
    "audit_record (hash chain)": "audit_record (",
    "confirmation e-mail (render, before the transaction)": "_confirmation_message (",
    "confirmation e-mail (outbox row)": "email_queue (",
    "task enqueue (the django-tasks row)": "django_tasks",
    "templates (render)": "django/template/",
    "model instantiation": "Model.__init__ (",
    "JSON (de)serialisation": "json/",
    "receipt number": "new_receipt_number (",
}
REQUEST = "WSGIHandler.__call__"
SUBMIT = "submission_create ("
VIEW = "procedures/views.py"


SENT: list[int] = []


def _submitter(base: str, jobs: list, stop: threading.Event) -> None:
    http = requests.Session()
    for session_key, draft in jobs:
        if stop.is_set():
            return
        http.cookies.clear()
        http.cookies.set("sessionid", session_key)
        check = f"{base}/ja/apply/{draft}/check/"
        token = csrf_of(http.get(check).text)
        response = http.post(
            check,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": check},
            allow_redirects=False,
        )
        SENT.append(response.status_code)


def _reader(base: str, jobs: list, stop: threading.Event) -> None:
    from .pages import paths

    for job in jobs:
        http = requests.Session()
        http.cookies.set("sessionid", job[0])
        for url in paths(job[1]).values():
            if stop.is_set():
                return
            http.get(base + url)
            SENT.append(200)


def summarise_pages(folded: Path, *, gets: int = 0, seconds: float = 0) -> str:
    views: Counter = Counter()
    own: Counter = Counter()
    parts: Counter = Counter()
    total = 0
    named = {
        "finder": "finder (yakusho/procedures/views.py",
        "procedure page": "detail (yakusho/procedures/views.py",
        "form step": "step (yakusho/procedures/views.py",
        "マイページ": "mypage (yakusho/portal/views.py",
    }
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(REQUEST in f for f in frames):
            continue
        n = int(count)
        total += n
        own[frames[-1]] += n
        for name, needle in named.items():
            if any(needle in f for f in frames):
                views[name] += n
        for name, needle in {
            **PARTS,
            "sessions": "contrib/sessions/",
            "furigana/kana": "japanese",
        }.items():
            if any(needle in f for f in frames):
                parts[name] += n
    if not total:
        return "no samples in request handling"
    lines = [f"{total} samples in request handling (py-spy, 200/s, active threads only)"]
    if gets:
        lines.append(
            f"{gets} pages in {seconds:.0f} s ({gets / seconds:.1f}/s, one server process with "
            f"one thread): ≈ {total / 200 / gets * 1000:.1f} ms of server time per page"
        )
    lines += ["", "by view (inclusive):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in views.most_common()]
    lines += ["", "by part (inclusive, overlapping):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in parts.most_common()]
    lines += ["", "own time, top 20 functions:"]
    lines += [f"  {100 * n / total:5.1f} %  {frame}" for frame, n in own.most_common(20)]
    return "\n".join(lines)


def summarise(folded: Path, *, posts: int = 0, seconds: float = 0) -> str:
    """Where the server's request time goes, and inside the submit POST."""
    own: Counter = Counter()
    parts: Counter = Counter()
    requests_total = submit = check_page = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        if not any(REQUEST in f for f in frames):
            continue
        requests_total += n
        if not any(SUBMIT in f for f in frames):
            check_page += n if any(VIEW in f for f in frames) else 0
            continue
        submit += n
        own[frames[-1]] += n
        for name, needle in PARTS.items():
            if any(needle in f for f in frames):
                parts[name] += n
    if not submit:
        return "no samples inside submission_create"

    def share(n: int, of: int) -> str:
        return f"{100 * n / of:5.1f} %"

    lines = [
        f"{requests_total} samples in request handling (py-spy, 200/s, active threads only):",
        f"  {share(submit, requests_total)}  submission_create (the submit POST's service)",
        f"  {share(check_page, requests_total)}  the check page (GET) and the rest of the views",
        f"  {share(requests_total - submit - check_page, requests_total)}  "
        "middleware, sessions, auth, URL resolving, response (outside the views)",
        "",
        f"inside submission_create ({submit} samples), inclusive:",
    ]
    if posts:
        per_post = submit / 200 / posts * 1000
        lines[-1:-1] = [
            f"{posts} submissions in {seconds:.0f} s ({posts / seconds:.1f}/s, one server "
            f"process with one thread); submission_create ≈ {per_post:.1f} ms of each",
            "",
        ]
    for name, n in parts.most_common():
        lines.append(f"  {share(n, submit)}  {name}")
    lines += ["", "own time inside submission_create, top 20 functions:"]
    for frame, n in own.most_common(20):
        lines.append(f"  {share(n, submit)}  {frame}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--pages", action="store_true", help="the residents' pages instead")
    args = parser.parse_args()
    target = _reader if args.pages else _submitter
    what = "pages" if args.pages else "submit"
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    RESULTS.mkdir(exist_ok=True)
    folded = RESULTS / f"profile-{'pages' if args.pages else 'submit'}-{args.db}.folded"
    with (
        tempfile.TemporaryDirectory(prefix="yakusho-bench-") as folder,
        server.postgres() if args.db == "postgres" else contextlib.nullcontext() as database_url,
    ):
        env = server.environment(Path(folder), database_url)
        server.manage(env, "migrate", "-v", "0")
        jobs_file = Path(folder) / "jobs.json"
        print(f"Preparing {args.db} with {args.residents:,} residents…", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from bench.burst import load; "
                f"from pathlib import Path; load({args.residents}, Path({str(jobs_file)!r}))",
            ],
            env={**env, "PYTHONPATH": str(Path(__file__).parent.parent)},
            check=True,
        )
        jobs = json.loads(jobs_file.read_text())
        port = server.free_port()
        base = f"http://127.0.0.1:{port}"
        worker = server.start_worker(env)
        web = server.start_web(env, port, workers=1, threads=1)
        try:
            server.wait_for(base + "/healthz", env=env)
            target(base, jobs[:20], threading.Event())  # warm up imports and caches
            jobs = jobs[20:]
            stop = threading.Event()
            clients = [
                threading.Thread(target=target, args=(base, jobs[i :: args.clients], stop))
                for i in range(args.clients)
            ]
            for client in clients:
                client.start()
            time.sleep(1)
            sent_before = len(SENT)
            subprocess.run(
                [
                    spy,
                    "record",
                    "--subprocesses",
                    "--rate",
                    "200",
                    "--duration",
                    str(int(args.seconds)),
                    "--format",
                    "raw",
                    "-o",
                    str(folded),
                    "--pid",
                    str(web.pid),
                ],
                check=True,
                capture_output=True,
            )
            sent = len(SENT) - sent_before
            stop.set()
            for client in clients:
                client.join()
        finally:
            server.stop(web)
            server.stop(worker)
    report = (
        summarise_pages(folded, gets=sent, seconds=args.seconds)
        if args.pages
        else summarise(folded, posts=sent, seconds=args.seconds)
    )
    out = RESULTS / f"profile-{what}-{args.db}.txt"
    out.write_text(report + "\n")
    print(report)
    print(f"written {out} and {folded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
