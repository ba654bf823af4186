"""`pages`: residents' pages — the finder (a search), a procedure page, a form step and
マイページ — as signed-in residents open them.

(a) 50 residents, each pausing 1 s between pages (about 50 requests/s): p50/p99 per page, and
    the bytes of each page with the CSS and JavaScript it references (each fetched once).
(b) the request rate stepped up (open loop: requests are sent on a schedule, and latency counts
    from the scheduled moment, so a slow server cannot hide its queue) until p99 reaches 250 ms
    or a request fails; the highest rate that passed is reported.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import re
import threading
import time
from pathlib import Path

import requests

from .burst import PROCEDURE
from .client import Browser, Page, Timings

PAGES = ("finder", "procedure", "form_step", "mypage")
P99_LIMIT_MS = 250.0
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def paths(draft: str) -> dict[str, str]:
    return {
        "finder": "/ja/procedures/?q=%E7%B5%A6%E4%BB%98%E9%87%91",  # 給付金
        "procedure": f"/ja/procedures/{PROCEDURE}/",
        "form_step": f"/ja/apply/{draft}/setainushi/",
        "mypage": "/ja/mypage/",
    }


def _session(base: str, job: list[str]) -> requests.Session:
    session = requests.Session()
    session.cookies.set("sessionid", job[0])
    return session


def _ok(page: Page) -> bool:
    return page.status == 200 and page.headers.get("content-type", "").startswith("text/html")


def _browser(base: str, job: list[str], timeout: float) -> Browser:
    browser = Browser(base, timeout=timeout)
    browser.cookies["sessionid"] = job[0]
    return browser


def page_bytes(base: str, job: list[str]) -> dict[str, dict[str, int]]:
    """HTML of each page plus the CSS/JS it references, uncompressed and as sent."""
    session = _session(base, job)
    assets: dict[str, tuple[int, int]] = {}
    sizes = {}
    for name, path in paths(job[1]).items():
        page = session.get(base + path)
        if page.status_code != 200:
            raise RuntimeError(f"{name}: {page.status_code} at {path}")
        css_js = wire = 0
        for url in sorted(set(ASSET.findall(page.text))):
            if url not in assets:
                plain = session.get(base + url, headers={"Accept-Encoding": "identity"})
                packed = session.get(base + url, stream=True)
                assets[url] = (len(plain.content), len(packed.raw.read(decode_content=False)))
            css_js += assets[url][0]
            wire += assets[url][1]
        html = len(page.content)
        sizes[name] = {
            "html_bytes": html,
            "css_js_bytes": css_js,
            "total_kb": round((html + css_js) / 1024, 1),
            "sent_kb": round((int(page.headers.get("Content-Length") or html) + wire) / 1024, 1),
        }
    return sizes


# --- (a) residents who read --------------------------------------------------------------------


def residents(base: str, jobs: list, *, count: int, seconds: float, pause: float = 1.0) -> dict:
    per_page = {name: Timings() for name in PAGES}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def resident(job: list[str], first: int) -> None:
        browser = _browser(base, job, timeout=30)
        urls = paths(job[1])
        time.sleep(random.random() * pause)  # residents do not arrive in step
        turn = first
        while time.monotonic() < deadline:
            name = PAGES[turn % len(PAGES)]
            turn += 1
            t0 = time.perf_counter()
            try:
                page = browser.get(urls[name])
                ok, size = _ok(page), len(page.body)
            except (OSError, http.client.HTTPException):
                ok, size = False, 0
            with lock:
                per_page[name].add(time.perf_counter() - t0, ok, size)
            time.sleep(pause)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=resident, args=(jobs[i % len(jobs)], i)) for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    everything = Timings()
    rows = {}
    for name, timings in per_page.items():
        everything.samples += timings.samples
        everything.errors += timings.errors
        rows[f"a_{name}"] = timings.summary(elapsed)
    rows["a_all_pages"] = everything.summary(elapsed)
    return rows


# --- (b) the highest rate -----------------------------------------------------------------------


def _paced(base: str, jobs: list, rate: float, seconds: float, threads: int, queue) -> None:
    """Send `rate` requests/s from `threads` threads on a fixed schedule; latency is measured
    from each request's scheduled time."""
    out: list[tuple[float, bool]] = []
    lock = threading.Lock()
    interval = threads / rate
    start = time.perf_counter() + 0.2

    def loop(index: int) -> None:
        job = jobs[index % len(jobs)]
        browser = _browser(base, job, timeout=10)
        urls = [u for _, u in sorted(paths(job[1]).items())]
        due = start + interval * index / threads
        turn = index
        while due < start + seconds:
            now = time.perf_counter()
            if due > now:
                time.sleep(due - now)
            try:
                ok = _ok(browser.get(urls[turn % len(urls)]))
            except (OSError, http.client.HTTPException):
                ok = False
            with lock:
                out.append((time.perf_counter() - due, ok))
            turn += 1
            due += interval

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(out)


def step(base: str, jobs: list, rate: float, seconds: float, processes: int = 2) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    threads = max(4, min(32, int(rate / processes / 8)))
    started = time.perf_counter()
    workers = [
        multiprocessing.Process(
            target=_paced,
            args=(base, jobs[i::processes], rate / processes, seconds, threads, queue),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    timings = Timings()
    for chunk in results:
        for seconds_taken, ok in chunk:
            timings.add(seconds_taken, ok)
    summary = timings.summary(max(seconds, time.perf_counter() - started - 0.2))
    summary["requests_per_s"] = round(len(timings.samples) / seconds, 1)
    summary["target_per_s"] = rate
    summary["passed"] = summary["p99_ms"] < P99_LIMIT_MS and summary["errors"] == 0
    return summary


def highest_rate(base: str, jobs: list, *, seconds: float, start: int = 50, by: int = 50) -> dict:
    """Step up by `by` until a step fails, then try halfway between the last pass and the
    failure once, so the answer is within `by / 2` of the limit."""
    steps = []
    best = None

    def attempt(rate: int) -> bool:
        nonlocal best
        result = step(base, jobs, rate, seconds)
        steps.append(result)
        print(
            f"  {rate:5} requests/s: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
            f"errors {result['errors']} → {'pass' if result['passed'] else 'fail'}",
            flush=True,
        )
        time.sleep(2)  # let the server drain its queue before the next step
        if result["passed"] and (best is None or rate > best["target_per_s"]):
            best = result
        return result["passed"]

    rate = start
    while rate <= 2000 and attempt(rate):
        rate += by
    low = best["target_per_s"] if best else 0
    if rate - low > by // 4 and low + by // 2 < rate:
        attempt(low + by // 2)
    return {"best": best, "steps": steps}


def run(base: str, jobs_file: Path, *, clients: int, duration: float) -> dict:
    jobs = json.loads(jobs_file.read_text())
    print("Warming up every server process…", flush=True)
    step(base, jobs, 20, 5)
    sizes = page_bytes(base, jobs[0])
    print(f"(a) {clients} residents pausing 1 s between pages for {duration:.0f} s…", flush=True)
    rows = residents(base, jobs, count=clients, seconds=duration)
    for name in PAGES:
        rows[f"a_{name}"].update(sizes[name])
    step_seconds = max(5.0, min(15.0, duration / 4))
    print(f"(b) stepping the rate up, {step_seconds:.0f} s a step…", flush=True)
    ramp = highest_rate(base, jobs, seconds=step_seconds)
    best = ramp["best"] or {"requests_per_s": 0.0}
    rows["b_highest_rate"] = {**best, "steps": ramp["steps"]}
    return rows
