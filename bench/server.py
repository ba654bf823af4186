"""Start yakusho the way production runs it (`yakusho serve`, production settings) on SQLite or
on a PostgreSQL server started here, in a temporary folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

SECRET = "bench-" + "x" * 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL server of our own on loopback; yields its DATABASE_URL."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not binaries:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    bindir = binaries[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="yakusho-bench-pg-"))
    data, sock = folder / "data", folder / "run"
    data.mkdir()
    sock.mkdir()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
        for path in (data, sock):
            shutil.chown(path, "postgres")
    port = free_port()
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c max_connections=300 -c shared_buffers=256MB"
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(sock / "log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [
                str(bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE ROLE yakusho LOGIN PASSWORD 'yakusho' CREATEDB",
                "-c",
                "CREATE DATABASE yakusho OWNER yakusho",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgres://yakusho:yakusho@127.0.0.1:{port}/yakusho"
    finally:
        subprocess.run(
            [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YAKUSHO_")}
    env.update(
        {
            "YAKUSHO_DATA_DIR": str(data_dir),
            "YAKUSHO_SECRET_KEY": SECRET,
            "YAKUSHO_HTTPS": "0",
            "YAKUSHO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "YAKUSHO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "yakusho.settings",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "yakusho", "manage", *args], env=env, check=True)


@contextlib.contextmanager
def serve(
    env: dict[str, str], *, workers: int = 2, threads: int = 4, worker: bool = False
) -> Iterator[str]:
    """`yakusho serve` (and, with `worker`, a `yakusho worker` beside it, as in production)."""
    port = free_port()
    background = (
        subprocess.Popen(
            [sys.executable, "-m", "yakusho", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if worker
        else None
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yakusho",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(url + "/healthz")
        yield url
    finally:
        for running in (process, background):
            if running is None:
                continue
            running.terminate()
            try:
                running.wait(timeout=20)
            except subprocess.TimeoutExpired:
                running.kill()
