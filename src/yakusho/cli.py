"""The `yakusho` command: demo, serve, worker, manage, check, audit.

Failures a person can fix (a wrong DATABASE_URL, an unwritable data folder, a port in use,
unapplied migrations) end with one line saying what is wrong and what to do, and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """A problem the person running the command can fix; printed as one line."""


def _fail(message: str) -> int:
    print(f"yakusho: {message}", file=sys.stderr)
    return EXIT_USAGE


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakusho.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(str(exc)) from None


def _database_label() -> str:
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings_dict['NAME']}"
    # A Unix socket's folder comes as `?host=` in DATABASE_URL, so among the options.
    host = settings_dict.get("HOST") or settings_dict["OPTIONS"].get("host") or "localhost"
    return f"PostgreSQL {host}/{settings_dict['NAME']}"


def _check_database() -> None:
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(
            f"cannot reach the database ({_database_label()}): {reason}. "
            "Check DATABASE_URL and that the server is running."
        ) from None


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _missing_model_migrations() -> bool:
    """True when models changed without a migration (a broken install or checkout)."""
    import io

    from django.core.management import call_command

    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=io.StringIO())
    except SystemExit:
        return True
    return False


def _bind(host: str, port: int) -> object:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    try:
        server = ThreadedWSGIServer((host, port), QuietHandler, ipv6=":" in host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {port} on {host} is in use; choose another with --port."
            ) from None
        if exc.errno == errno.EACCES:
            raise CliError(
                f"not allowed to listen on port {port}; use a port above 1023."
            ) from None
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}.") from None
    server.daemon_threads = True
    return server


# --- subcommands ---------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ["YAKUSHO_DEMO"] = "1"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("YAKUSHO_SITE_URL", f"http://{shown}:{args.port}")
    _setup_django()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from yakusho.core.worker import Worker
    from yakusho.demo.services import demo_city_load

    print(f"Data folder: {settings.DATA_DIR}")
    _check_database()
    server = _bind(args.host, args.port)  # fail fast, before migrating, if the port is taken
    if _missing_model_migrations():
        raise CliError("the code has model changes without migrations; reinstall yakusho.")
    print("Preparing the database…")
    _migrate()
    print("Loading the Hadano demo city…")
    summary = demo_city_load()
    from yakusho.demo.cases import demo_cases_load

    made = demo_cases_load()
    if made:
        print(f"Made {made} demo cases.")
    from yakusho.demo.plan import demo_plan_load

    if demo_plan_load():
        print("Loaded the ICT plan (はだのＩＣＴ活用推進計画) and its committees.")
    server.set_app(get_wsgi_application())

    stop = threading.Event()
    worker = Worker()
    worker_thread = threading.Thread(target=worker.run, args=(stop,), name="worker", daemon=True)
    worker_thread.start()

    print()
    print(f"yakusho demo — {summary.municipality}（デモ環境）")
    print(f"  Residents' site: http://{shown}:{args.port}/")
    if summary.accounts:
        print("  Demo accounts:")
        for role, login, password in summary.accounts:
            print(f"    {role:<28} {login:<32} {password}")
    print("Press Ctrl-C to stop.")
    sys.stdout.flush()

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping…")
        stop.set()
        server.server_close()
        worker_thread.join(timeout=15)
    print("Stopped.")
    return 0


def _production_problems() -> list[str]:
    from django.conf import settings

    problems = []
    if settings.DEBUG:
        problems.append("YAKUSHO_DEBUG is on; production never runs with debug pages.")
    if settings.DEMO:
        problems.append("YAKUSHO_DEMO is on; use `yakusho demo` for the demo city.")
    if not settings.ALLOWED_HOSTS:
        problems.append(
            "YAKUSHO_ALLOWED_HOSTS is not set (e.g. YAKUSHO_ALLOWED_HOSTS=city.example.jp)."
        )
    if len(settings.SECRET_KEY) < 50 or settings.SECRET_KEY.startswith("django-insecure"):
        problems.append(
            "the secret key is too short; set YAKUSHO_SECRET_KEY to 50+ random characters."
        )
    return problems


def web_processes(asked: int = 0) -> int:
    """How many gunicorn processes `yakusho serve` runs: `--workers`, else WEB_CONCURRENCY,
    else one per CPU and one more. A request is a few milliseconds of Python and a fraction
    of one waiting for the database, so one process per core keeps the cores busy and the
    extra one fills the waits; gunicorn's usual 2 × CPUs + 1 only made the processes take
    turns on the cores, each turn on cold caches (ADR 0009: 7–14 % fewer sends a second in
    the 給付金 burst)."""
    return asked or int(os.environ.get("WEB_CONCURRENCY", "0") or 0) or (os.cpu_count() or 1) + 1


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    problems = _production_problems()
    if problems:
        raise CliError("refusing to start: " + " ".join(problems))
    _check_database()
    pending = _unapplied_migrations()
    if pending:
        raise CliError(
            f"the database has {len(pending)} unapplied migration(s) (first: {pending[0]}); "
            "run `yakusho manage migrate` first."
        )
    call_command("collectstatic", interactive=False, verbosity=0)

    from gunicorn.app.base import BaseApplication

    workers = web_processes(args.workers)
    _bind(args.host, args.port).server_close()  # a clear message if the port is taken

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", "gthread" if args.threads > 1 else "sync")
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("keepalive", 5)
            self.cfg.set("max_requests", 10_000)
            self.cfg.set("max_requests_jitter", 1_000)
            self.cfg.set("accesslog", "-" if args.access_log else None)

        def load(self) -> Callable:
            from yakusho.core.warm import frozen_after_warm_up
            from yakusho.wsgi import application

            return frozen_after_warm_up(application)

    # The checks above opened a database connection in this, the master process. Its workers
    # are forked from it: a sync worker (one thread) would serve requests on the inherited
    # connection, shared with its siblings — one PostgreSQL socket, or one SQLite file handle
    # whose writers' lock then no longer keeps them apart.
    from django.db import connections

    connections.close_all()
    print(f"yakusho serving on http://{args.host}:{args.port}/ with {workers} worker(s)")
    sys.stdout.flush()
    Server().run()
    return 0


def _lower_priority(amount: int) -> None:
    """Background work can wait a moment; a resident pressing 送信 should not. In a burst the
    e-mails are stored with the submissions and go out as soon as the CPU is free."""
    os.nice(amount)
    # With the kernel's autogroup scheduling a nice value only ranks processes within one
    # session; a worker with a session of its own (a systemd service) lowers its session's
    # share instead. One sharing a shell's session must not: that would slow the shell's
    # other programs, perhaps the web server, too.
    if os.getsid(0) == os.getpid():
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(f"{amount}\n")


def cmd_worker(args: argparse.Namespace) -> int:
    if args.nice:
        _lower_priority(args.nice)
    _setup_django()
    _check_database()
    pending = _unapplied_migrations()
    if pending:
        raise CliError("the database has unapplied migrations; run `yakusho manage migrate` first.")
    from yakusho.core.worker import Worker

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker = Worker(interval=args.interval)
    print(f"yakusho worker {worker.worker_id} running; Ctrl-C to stop.")
    sys.stdout.flush()
    worker.run(stop)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yakusho manage", *args.arguments])
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings
    from django.core import checks
    from django.db import DatabaseError

    failures = 0

    def line(ok: bool, text: str) -> None:
        nonlocal failures
        failures += 0 if ok else 1
        print(f"  {'ok  ' if ok else 'FAIL'}  {text}")

    print("yakusho configuration")
    line(True, f"data folder {settings.DATA_DIR} is writable")
    try:
        _check_database()
        line(True, f"database reachable ({_database_label()})")
        try:
            pending = _unapplied_migrations()
            line(
                not pending,
                "migrations applied"
                if not pending
                else f"{len(pending)} unapplied migration(s); run `yakusho manage migrate`",
            )
        except DatabaseError as exc:
            line(False, f"cannot read migrations: {exc}")
    except CliError as exc:
        line(False, str(exc))
    if args.deploy:
        for problem in _production_problems():
            line(False, problem)
    messages = checks.run_checks(include_deployment_checks=args.deploy)
    serious = [m for m in messages if m.level >= checks.WARNING and not m.is_silenced()]
    for message in serious:
        line(False, f"{message.id}: {message.msg}")
    if not serious:
        line(True, "Django system checks" + (" (deployment)" if args.deploy else ""))
    print("All checks passed." if not failures else f"{failures} problem(s) found.")
    return 0 if not failures else 1


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup_django()
    _check_database()
    from yakusho.core.audit import audit_verify

    result = audit_verify()
    if result.ok:
        print(f"Audit log intact: {result.checked} record(s) verified.")
        return 0
    print(
        f"Audit log BROKEN at {result.first_break} ({result.checked} record(s) before it verified)."
    )
    return 1


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yakusho", description="yakusho (役所): an open-source digital city hall."
    )
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)

    demo = sub.add_parser(
        "demo",
        help="run the Hadano demo city (web server and worker)",
        description="Migrate, load the Hadano demo city and serve it with an "
        "in-process worker. Data lives in YAKUSHO_DATA_DIR (default ./var).",
    )
    demo.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    demo.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="run the production web server (gunicorn)",
        description="Serve yakusho with gunicorn. Refuses to start with debug "
        "on, without allowed hosts, or with unapplied migrations.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes (default WEB_CONCURRENCY, else CPUs + 1)",
    )
    serve.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    serve.add_argument("--access-log", action="store_true", help="log every request to stdout")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run background tasks",
        description="Run queued background tasks and periodic jobs. Several "
        "workers may run at once on PostgreSQL.",
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=0.5,
        help="seconds to wait when the queue is empty (default 0.5)",
    )
    worker.add_argument(
        "--nice",
        type=int,
        default=19,
        help="lower the worker's CPU priority by this much, so that on a machine it shares with "
        "the web server residents' requests go first (default 19, the lowest; 0 keeps it)",
    )
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser(
        "manage",
        help="run a Django management command",
        description="Pass the remaining arguments to Django's manage.py.",
        add_help=False,
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    check = sub.add_parser(
        "check",
        help="check the configuration",
        description="Check the data folder, database, migrations and Django's "
        "system checks; --deploy adds production checks.",
    )
    check.add_argument("--deploy", action="store_true", help="also run the production checks")
    check.set_defaults(func=cmd_check)

    audit = sub.add_parser("audit", help="audit log tools", description="Audit log tools.")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="command", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="verify the audit log's hash chain",
        description="Walk the audit log and report the first record that was changed or deleted.",
    )
    verify.set_defaults(func=cmd_audit_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
