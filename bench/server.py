"""Start yakusho the way production runs it (`yakusho serve`, production settings) on SQLite or
on a PostgreSQL server started here, in a temporary folder."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

SECRET = "bench-" + "x" * 60
_TICK = os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time (user + system, in seconds) spent so far by the parts of a run: each watched
    process with all its descendants — those that exited included, since their parents reaped
    them (a gunicorn worker replaced after max_requests) — and the load generator (this
    process and the load processes it has joined). Differences between two readings show where
    a phase's CPU went, which is steadier than a rate on a shared machine."""

    def __init__(self) -> None:
        self.roots: dict[str, int] = {}

    def watch(self, name: str, pid: int) -> None:
        self.roots[name] = pid

    def settle(self, timeout: float = 90.0) -> None:
        """Wait until the watched processes idle: gunicorn's workers import Django and yakusho
        after the first of them answers, and a phase must not measure their start."""
        deadline = time.monotonic() + timeout
        last = self._watched()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self._watched()
            if now - last < 0.02:
                return
            last = now

    def _watched(self) -> float:
        reading = self.read()
        return sum(reading.values()) - reading["load generator"]

    def read(self) -> dict[str, float]:
        stats = _process_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        parts = {}
        for name, root in self.roots.items():
            total, todo = 0.0, [root]
            while todo:
                pid = todo.pop()
                total += stats.get(pid, (0, 0.0))[1]
                todo.extend(children.get(pid, []))
            parts[name] = total
        own = resource.getrusage(resource.RUSAGE_SELF)
        joined = resource.getrusage(resource.RUSAGE_CHILDREN)
        parts["load generator"] = own.ru_utime + own.ru_stime + joined.ru_utime + joined.ru_stime
        return parts


def _process_table() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds of the process and of the children it has reaped)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        table[int(entry.name)] = (int(fields[1]), (utime + stime + cutime + cstime) / _TICK)
    return table


def cpu_split(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
    """Milliseconds of CPU per unit of work (a request, a submission) by part, between two
    readings of a CpuMeter."""
    if not count:
        return {}
    return {name: round((after[name] - before[name]) * 1000 / count, 2) for name in after}


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


class PostgresServer:
    """A PostgreSQL server of our own on loopback, in a temporary folder; `stop()` and
    `start()` take it down and bring it back (the `db` fault)."""

    def __init__(self) -> None:
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not binaries:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir = binaries[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="yakusho-bench-pg-"))
        self.data, self.sock = self.folder / "data", self.folder / "run"
        self.data.mkdir()
        self.sock.mkdir()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
            for path in (self.data, self.sock):
                shutil.chown(path, "postgres")
        self.port = free_port()
        # Over the server's Unix socket, as yakusho reaches a database on the same machine
        # (README, "Running on PostgreSQL"): loopback TCP costs every statement more kernel time.
        self.url = f"postgres://yakusho:yakusho@:{self.port}/yakusho?host={self.sock}"

    def _ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
            check=check,
            capture_output=True,
        )

    def init(self) -> None:
        subprocess.run(
            [
                *self.as_postgres,
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
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
        self.start()
        subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
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

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sock} "
            "-c max_connections=300 -c shared_buffers=256MB -c autovacuum_naptime=2s"
        )
        self._ctl("-l", str(self.sock / "log"), "-w", "-o", options, "start")

    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.init()
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL server of our own on loopback; yields its DATABASE_URL."""
    with postgres_server() as server:
        yield server.url


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


def _log(env: dict[str, str], name: str):
    """Where a started process writes its output: the data folder, read when it fails."""
    return open(Path(env["YAKUSHO_DATA_DIR"]) / f"{name}.log", "ab")


def log_tail(env: dict[str, str], name: str, lines: int = 30) -> str:
    path = Path(env["YAKUSHO_DATA_DIR"]) / f"{name}.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def start_web(env: dict[str, str], port: int, *, workers: int = 0, threads: int = 1):
    """`yakusho serve` in a process group of its own, so a fault trial can SIGKILL the master
    and its workers at once. By default as production runs it: `yakusho serve`'s own number
    of processes (CPUs + 1), one thread each."""
    log = _log(env, "web")
    sizing = [*(["--workers", str(workers)] if workers else []), "--threads", str(threads)]
    return subprocess.Popen(
        [sys.executable, "-m", "yakusho", "serve", "--port", str(port), *sizing],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(env: dict[str, str]):
    return subprocess.Popen(
        [sys.executable, "-m", "yakusho", "worker"],
        env=env,
        stdout=_log(env, "worker"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started by start_web/start_worker and everything it forked."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_group(process)


def wait_for(url: str, timeout: float = 90, env: dict[str, str] | None = None) -> None:
    try:
        _wait_for(url, timeout)
    except RuntimeError:
        if env:
            print(log_tail(env, "web"), file=sys.stderr)
        raise


@contextlib.contextmanager
def serve(
    env: dict[str, str],
    *,
    workers: int = 0,
    threads: int = 1,
    worker: bool = False,
    cpu: CpuMeter | None = None,
) -> Iterator[str]:
    """`yakusho serve` (and, with `worker`, a `yakusho worker` beside it, as in production);
    `cpu` watches them as "web" and "worker"."""
    port = free_port()
    background = start_worker(env) if worker else None
    process = start_web(env, port, workers=workers, threads=threads)
    if cpu is not None:
        cpu.watch("web", process.pid)
        if background is not None:
            cpu.watch("worker", background.pid)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/healthz", env=env)
        yield url
    finally:
        for name, running in (("web", process), ("worker", background)):
            if running is not None and running.poll() is not None:
                print(
                    f"yakusho {name} exited during the run (status {running.returncode}); "
                    f"the end of its log:\n{log_tail(env, name)}",
                    file=sys.stderr,
                )
            stop(running)
