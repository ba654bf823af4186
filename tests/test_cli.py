"""The `yakusho` command, run as a person runs it."""

from __future__ import annotations

import os
import signal
import socket
import urllib.request
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from yakusho.cli import build_parser, web_processes

from .process import free_port, read_rest, read_until, run_yakusho, start_yakusho, yakusho_env

PRODUCTION = {
    "YAKUSHO_ALLOWED_HOSTS": "city.example.jp,127.0.0.1",
    "YAKUSHO_SECRET_KEY": "k" * 20 + "-production-secret-for-tests-only-" + "z" * 20,
}


def test_console_script_is_installed():
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["yakusho"] == "yakusho.cli:main"


@pytest.mark.parametrize(
    "argv", [[], ["demo"], ["serve"], ["worker"], ["check"], ["audit"], ["audit", "verify"]]
)
def test_every_subcommand_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "usage: yakusho" in capsys.readouterr().out


def _one_clear_line(result):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("yakusho: ")
    return lines[0]


def test_unsupported_database_url(tmp_path):
    line = _one_clear_line(
        run_yakusho("check", env=yakusho_env(tmp_path, DATABASE_URL="mysql://x/y"))
    )
    assert "DATABASE_URL" in line
    assert "postgres://" in line


def test_unreachable_database(tmp_path):
    port = free_port()
    env = yakusho_env(tmp_path, DATABASE_URL=f"postgres://u:p@127.0.0.1:{port}/yakusho")
    line = _one_clear_line(run_yakusho("worker", env=env))
    assert "cannot reach the database" in line
    assert "DATABASE_URL" in line


def test_unreachable_database_over_a_unix_socket_names_the_socket_folder(tmp_path):
    url = f"postgres://u:p@:5432/yakusho?host={tmp_path}/no-server-here"
    line = _one_clear_line(run_yakusho("worker", env=yakusho_env(tmp_path, DATABASE_URL=url)))
    assert f"cannot reach the database (PostgreSQL {tmp_path}/no-server-here/yakusho)" in line


def test_unwritable_data_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    line = _one_clear_line(run_yakusho("demo", env=yakusho_env(blocker / "data")))
    assert "not writable" in line
    assert "YAKUSHO_DATA_DIR" in line


def test_the_data_folder_check_leaves_room_for_processes_starting_together(tmp_path):
    # The check used to write and remove one fixed file: a process starting at the same moment
    # (`serve` and `worker`) removed it first and the other was told the folder was unwritable.
    (tmp_path / ".write-test").mkdir()
    result = run_yakusho("check", env=yakusho_env(tmp_path))
    assert "not writable" not in result.stderr + result.stdout
    assert "Django system checks" in result.stdout  # it went on to check the rest
    assert [p.name for p in tmp_path.glob(".write-test*")] == [".write-test"]


def test_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_clear_line(run_yakusho("demo", "--port", str(port), env=yakusho_env(tmp_path)))
    assert f"port {port}" in line
    assert "--port" in line


def test_bad_setting_value_is_named(tmp_path):
    line = _one_clear_line(run_yakusho("check", env=yakusho_env(tmp_path, YAKUSHO_DEBUG="maybe")))
    assert "YAKUSHO_DEBUG" in line


def test_serve_refuses_debug(tmp_path):
    line = _one_clear_line(run_yakusho("serve", env=yakusho_env(tmp_path, YAKUSHO_DEBUG="1")))
    assert "refusing to start" in line
    assert "YAKUSHO_DEBUG" in line


def test_serve_refuses_missing_allowed_hosts(tmp_path):
    line = _one_clear_line(run_yakusho("serve", env=yakusho_env(tmp_path)))
    assert "refusing to start" in line
    assert "YAKUSHO_ALLOWED_HOSTS" in line


def test_serve_refuses_unapplied_migrations(tmp_path):
    line = _one_clear_line(run_yakusho("serve", env=yakusho_env(tmp_path, **PRODUCTION)))
    assert "unapplied migration" in line
    assert "yakusho manage migrate" in line


def test_production_settings_pass_deploy_checks(tmp_path):
    env = yakusho_env(tmp_path, **PRODUCTION)
    assert run_yakusho("manage", "migrate", "-v", "0", env=env).returncode == 0
    result = run_yakusho("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout
    django_check = run_yakusho("manage", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert django_check.returncode == 0, django_check.stdout + django_check.stderr
    assert "no issues" in django_check.stdout
    verify = run_yakusho("audit", "verify", env=env)
    assert verify.returncode == 0
    assert "Audit log intact" in verify.stdout


def test_demo_settings_fail_deploy_checks(tmp_path):
    result = run_yakusho("check", "--deploy", env=yakusho_env(tmp_path, YAKUSHO_DEMO="1"))
    assert result.returncode == 1
    assert "YAKUSHO_DEMO" in result.stdout


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def test_demo_serves_the_city_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    process = start_yakusho("demo", "--port", str(port), env=yakusho_env(tmp_path))
    try:
        output = read_until(process, "Press Ctrl-C to stop.")
        assert f"http://127.0.0.1:{port}/" in output
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "デモ環境" in body
        assert "秦野市" in body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "Stopped." in read_rest(process)
    finally:
        process.kill()
        process.wait()


def _autogroup_nice(pid: int) -> int | None:
    """The nice value of the process's autogroup (the kernel's per-session scheduling), if
    it is scheduled by one: the file is absent without autogroups and empty for a process in
    another task group (a container's cgroup, as in CI)."""
    path = Path(f"/proc/{pid}/autogroup")
    fields = path.read_text().split() if path.exists() else []
    return int(fields[-1]) if fields else None


def test_the_worker_yields_the_cpu_to_the_web_server(tmp_path):
    env = yakusho_env(tmp_path, **PRODUCTION)
    assert run_yakusho("manage", "migrate", "-v", "0", env=env).returncode == 0
    own, own_group = os.getpriority(os.PRIO_PROCESS, 0), _autogroup_nice(os.getpid())
    for argv, lowered in ((["worker"], 19), (["worker", "--nice", "0"], 0)):
        process = start_yakusho(*argv, env=env)
        try:
            read_until(process, "running")
            assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, own + lowered)
            # It shares this session: the session's share (ours too) must stay as it was.
            assert _autogroup_nice(os.getpid()) == own_group
        finally:
            process.kill()
            process.wait()
    # With a session of its own, as a service has, it lowers that session's share.
    process = start_yakusho("worker", env=env, own_session=True)
    try:
        read_until(process, "running")
        if own_group is not None:
            assert _autogroup_nice(process.pid) == 19
    finally:
        process.kill()
        process.wait()


def test_serve_runs_gunicorn_in_production_mode(tmp_path):
    env = yakusho_env(tmp_path, YAKUSHO_HTTPS="0", **PRODUCTION)
    assert run_yakusho("manage", "migrate", "-v", "0", env=env).returncode == 0
    port = free_port()
    process = start_yakusho("serve", "--port", str(port), "--workers", "1", env=env)
    try:
        read_until(process, "Booting worker")
        # Workers are forked from this process: had it kept the database open from its
        # start-up checks, they would share that one connection.
        held = [os.readlink(fd) for fd in Path(f"/proc/{process.pid}/fd").iterdir()]
        assert not [name for name in held if name.startswith(str(tmp_path))]
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        assert (status, body) == (200, '{"status": "ok"}')
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "デモ環境" not in body
        css = body.split('rel="stylesheet" href="')[1].split('"')[0]
        assert css.startswith("/static/yakusho/yakusho.")
        assert css != "/static/yakusho/yakusho.css"
        assert _get(f"http://127.0.0.1:{port}{css}")[0] == 200  # hashed name, via whitenoise
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_serve_runs_one_process_per_cpu_and_one_more_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert web_processes() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert web_processes() == 9
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert web_processes() == 5
    assert web_processes(2) == 2  # --workers
