"""python -m bench <scenario> [--db sqlite|postgres] [--clients N] [--duration S]

Starts yakusho as production runs it, loads data, drives it over real HTTP from this separate
process, prints a table and writes bench/results/<scenario>-<db>.json."""

from __future__ import annotations

import argparse
import contextlib
import json
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
    columns = ["requests", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "errors"]
    lines = [f"{'':22}" + "".join(f"{c:>16}" for c in columns)]
    for name, row in rows.items():
        lines.append(f"{name:22}" + "".join(f"{row.get(c, ''):>16}" for c in columns))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", choices=["queue"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="yakusho-bench-") as folder,
        server.postgres() if args.db == "postgres" else contextlib.nullcontext() as database_url,
    ):
        env = server.environment(Path(folder), database_url)
        print(f"Preparing {args.db} with {args.cases:,} cases…", flush=True)
        server.manage(env, "migrate", "-v", "0")
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import django; django.setup(); from bench.queue import load; "
                    f"load({args.cases})"
                ),
            ],
            env={**env, "PYTHONPATH": str(Path(__file__).parent.parent)},
            check=True,
        )
        with server.serve(env) as base:
            import django  # the client computes the demo's authenticator codes

            from bench import queue

            django_env = {**env}
            import os

            os.environ.update(
                {
                    k: v
                    for k, v in django_env.items()
                    if k.startswith(("YAKUSHO_", "DJANGO_", "DATABASE"))
                }
            )
            django.setup()
            results = queue.run(base)
    print(_table(results))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{args.scenario}-{args.db}.json"
    out.write_text(
        json.dumps(
            {
                "scenario": args.scenario,
                "db": args.db,
                "cases": args.cases,
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
