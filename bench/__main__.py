"""python -m bench <scenario> [--db sqlite|postgres] [--clients N] [--duration S]

Scenarios: queue, submit-burst, pages, and faults (`--trials N --kind web|retry|worker|db|all`,
bench/faults.py). Starts yakusho as production runs it, loads data, drives it over real HTTP
from this separate process, prints a table and writes bench/results/<scenario>-<db>.json."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from . import server

RESULTS = Path(__file__).parent / "results"


def _machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    import os

    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version()}


def _table(rows: dict[str, dict]) -> str:
    columns = [
        "requests",
        "requests_per_s",
        "submissions_per_s",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "errors",
        "total_kb",
    ]
    lines = [f"{'':22}" + "".join(f"{c:>16}" for c in columns)]
    for name, row in rows.items():
        lines.append(f"{name:22}" + "".join(f"{row.get(c, ''):>16}" for c in columns))
    return "\n".join(lines)


def _in_django(env: dict[str, str], code: str) -> str:
    """Run Python inside a Django setup of the bench server's settings; returns its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "PYTHONPATH": str(Path(__file__).parent.parent)},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"preparing the data failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _queue(env: dict[str, str], args: argparse.Namespace) -> dict[str, dict]:
    print(f"Preparing {args.db} with {args.cases:,} cases…", flush=True)
    _in_django(env, f"from bench.queue import load; load({args.cases})")
    with server.serve(env) as base:
        import django  # the client computes the demo's authenticator codes

        from bench import queue

        os.environ.update(
            {k: v for k, v in env.items() if k.startswith(("YAKUSHO_", "DJANGO_", "DATABASE"))}
        )
        django.setup()
        return queue.run(base)


def _burst(
    env: dict[str, str], args: argparse.Namespace, folder: Path, cpu: server.CpuMeter
) -> dict[str, dict]:
    residents = args.residents or int(args.duration * 300) + 1000
    jobs = folder / "jobs.json"
    print(
        f"Preparing {args.db} with {residents:,} residents and their filled-in forms…", flush=True
    )
    _in_django(
        env,
        f"from bench.burst import load; from pathlib import Path; load({residents}, Path({str(jobs)!r}))",
    )
    from bench import burst
    from bench.faults import smtp_sink

    # Confirmation e-mails go to a local SMTP sink, as they would to the city's mail relay.
    with smtp_sink(delay=0) as (sink, smtp_port):
        env = {**env, "YAKUSHO_EMAIL_HOST": "127.0.0.1", "YAKUSHO_EMAIL_PORT": str(smtp_port)}
        with server.serve(
            env, workers=args.workers, threads=args.threads, worker=True, cpu=cpu
        ) as base:
            cpu.settle()
            print(f"Bursting with {args.clients} clients for {args.duration:.0f} s…", flush=True)
            results = burst.run(
                base, jobs, clients=args.clients, duration=args.duration, cpu=cpu.read
            )
            results["submit"].update(burst.emails_drained(sink, results["submit"]["receipts"]))
    checked = json.loads(
        _in_django(
            env,
            "import json; from bench.burst import verify; "
            f"print(json.dumps(verify({results['submit']['receipts']})))",
        )
    )
    results["submit"].update(checked)
    submit = results["submit"]
    print(
        f"stored {submit['submissions_in_database']} submissions for {submit['receipts']} "
        f"receipts ({submit['duplicate_drafts']} drafts twice); confirmation e-mails: "
        f"{submit['emails_at_burst_end']} delivered during the burst, "
        f"{submit['emails_received']} after {submit['email_drain_s']} s more"
    )
    for name, unit in (("bare_view", "request"), ("submit", "submission")):
        split = results[name].get(f"cpu_ms_per_{unit}", {})
        print(
            f"CPU per {unit} ({name}): "
            + ", ".join(f"{part} {ms:.2f} ms" for part, ms in split.items())
            + f"; together {sum(split.values()):.2f} ms"
        )
    return results


def _write(scenario: str, args: argparse.Namespace, results: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{scenario}-{args.db}.json"
    out.write_text(
        json.dumps(
            {
                "scenario": scenario,
                "db": args.db,
                "arguments": vars(args),
                "machine": _machine(),
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"written {out}")
    return out


def _faults(args: argparse.Namespace) -> int:
    from bench import faults

    with (
        tempfile.TemporaryDirectory(prefix="yakusho-bench-") as folder,
        server.postgres_server() if args.db == "postgres" else contextlib.nullcontext() as pg,
    ):
        env = server.environment(Path(folder), pg.url if pg else None)
        server.manage(env, "migrate", "-v", "0")
        results = faults.run(env, args, Path(folder), pg)
    _write("faults", args, results)
    failed = any(v.get("failed") for v in results.values() if isinstance(v, dict))
    failed = failed or results.get("emails", {}).get("lost", 0) > 0
    return 1 if failed else 0


def _pages(env: dict[str, str], args: argparse.Namespace, folder: Path) -> dict[str, dict]:
    residents = max(args.residents, args.clients * 4)
    jobs = folder / "jobs.json"
    print(f"Preparing {args.db} with {residents:,} signed-in residents…", flush=True)
    _in_django(
        env,
        f"from bench.burst import load; from pathlib import Path; load({residents}, Path({str(jobs)!r}))",
    )
    from bench import pages

    with server.serve(env, workers=args.workers, threads=args.threads, worker=True) as base:
        return pages.run(base, jobs, clients=args.clients, duration=args.duration)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", choices=["queue", "submit-burst", "pages", "faults"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--clients", type=int, default=0, help="concurrent clients (submit-burst 32, pages 50)"
    )
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--cases", type=int, default=100_000, help="queue: cases to load")
    parser.add_argument("--residents", type=int, default=0, help="submit-burst: forms ready")
    parser.add_argument(
        "--workers", type=int, default=0, help="server processes (default: yakusho serve's)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per server process")
    parser.add_argument("--trials", type=int, default=20, help="faults: trials per kind")
    parser.add_argument(
        "--kind", choices=["web", "retry", "worker", "db", "all"], default="all", help="faults"
    )
    args = parser.parse_args()
    args.clients = args.clients or (50 if args.scenario == "pages" else 32)
    if args.scenario == "faults":
        return _faults(args)
    with (
        tempfile.TemporaryDirectory(prefix="yakusho-bench-") as folder,
        server.postgres_server() if args.db == "postgres" else contextlib.nullcontext() as pg,
    ):
        env = server.environment(Path(folder), pg.url if pg else None)
        server.manage(env, "migrate", "-v", "0")
        cpu = server.CpuMeter()
        if pg:
            cpu.watch("database", pg.pid())
        if args.scenario == "queue":
            results = _queue(env, args)
        elif args.scenario == "pages":
            results = _pages(env, args, Path(folder))
        else:
            results = _burst(env, args, Path(folder), cpu)
    print(_table(results))
    _write(args.scenario, args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
