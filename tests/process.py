"""Run the `yakusho` command in a child process, as a person would from a shell."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path


def yakusho_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YAKUSHO_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["YAKUSHO_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_yakusho(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "yakusho", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_yakusho(*args: str, env: dict[str, str], own_session: bool = False) -> subprocess.Popen:
    """`own_session`: start it as a service manager would, leading a session of its own."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "yakusho", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=own_session,
    )


def read_until(process: subprocess.Popen, needle: str, timeout: float = 120) -> str:
    """Read the child's output until it contains `needle`; fail with what it said.

    Reads the pipe's file descriptor directly: Python's buffered reader would hide lines
    from `select`."""
    fd = process.stdout.fileno()
    seen = b""
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while needle.encode() not in seen and time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            seen += chunk
    finally:
        selector.unregister(fd)
    text = seen.decode(errors="replace")
    if needle not in text:
        raise AssertionError(f"never printed {needle!r}; output was:\n{text}")
    return text


def read_rest(process: subprocess.Popen) -> str:
    """Everything the child printed until it exited."""
    chunks = []
    while chunk := os.read(process.stdout.fileno(), 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
