"""python -m bench <scenario> [--db sqlite|postgres] [--clients N] [--duration S]

Starts yakusho as production runs it, loads data, drives it over real HTTP from this separate
process, prints a table and writes bench/results/<scenario>-<db>.json."""

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
        check=True,
        capture_output=True,
        text=True,
    )
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


def _burst(env: dict[str, str], args: argparse.Namespace, folder: Path) -> dict[str, dict]:
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

    with server.serve(env, workers=args.workers, threads=args.threads, worker=True) as base:
        print(f"Bursting with {args.clients} clients for {args.duration:.0f} s…", flush=True)
        results = burst.run(base, jobs, clients=args.clients, duration=args.duration)
    checked = json.loads(
        _in_django(
            env,
            "import json; from bench.burst import verify; "
            f"print(json.dumps(verify({results['submit']['receipts']})))",
        )
    )
    results["submit"].update(checked)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", choices=["queue", "submit-burst"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--cases", type=int, default=100_000, help="queue: cases to load")
    parser.add_argument("--residents", type=int, default=0, help="submit-burst: forms ready")
    parser.add_argument("--workers", type=int, default=4, help="server processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per server process")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="yakusho-bench-") as folder,
        server.postgres() if args.db == "postgres" else contextlib.nullcontext() as database_url,
    ):
        env = server.environment(Path(folder), database_url)
        server.manage(env, "migrate", "-v", "0")
        results = _queue(env, args) if args.scenario == "queue" else _burst(env, args, Path(folder))
    print(_table(results))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{args.scenario}-{args.db}.json"
    out.write_text(
        json.dumps(
            {
                "scenario": args.scenario,
                "db": args.db,
                "arguments": vars(args),
                "machine": _machine(),
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
