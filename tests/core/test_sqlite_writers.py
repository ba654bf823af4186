"""The SQLite backend queues write transactions on a lock file beside the database."""

import fcntl
import os

import pytest
from django.db import OperationalError

from yakusho.core.sqlite import base as sqlite_backend
from yakusho.core.sqlite.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """Two connections to one database file, as two server processes would have."""
    path = tmp_path / "city.sqlite3"
    opened = []

    def open_connection(timeout: float = 20) -> DatabaseWrapper:
        # The SQLite backend itself, whichever database the suite runs on.
        settings = {
            "ENGINE": "yakusho.core.sqlite",
            "NAME": str(path),
            "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
        wrapper = DatabaseWrapper(settings, alias=f"writers-{len(opened)}")
        wrapper.ensure_connection()
        opened.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        first = open_connection()
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE receipts (number TEXT PRIMARY KEY)")
        yield path, open_connection
        for wrapper in opened:
            wrapper.close()


def _lock_is_free(path) -> bool:
    probe = os.open(f"{path}-writers", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(probe)
    return True


def _insert(wrapper: DatabaseWrapper, number: str) -> None:
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO receipts VALUES (%s)", [number])


def test_a_write_transaction_holds_the_queue_until_commit_or_rollback(database):
    path, open_connection = database
    writer = open_connection()
    writer._start_transaction_under_autocommit()
    _insert(writer, "A-1")
    assert not _lock_is_free(path)
    writer.commit()
    assert _lock_is_free(path)

    writer._start_transaction_under_autocommit()
    _insert(writer, "A-2")
    writer.rollback()
    assert _lock_is_free(path)
    with writer.cursor() as cursor:
        cursor.execute("SELECT number FROM receipts")
        assert cursor.fetchall() == [("A-1",)]


def test_a_second_writer_waits_its_turn_and_then_gets_in(database):
    _path, open_connection = database
    first, second = open_connection(), open_connection(timeout=0.05)
    first._start_transaction_under_autocommit()
    _insert(first, "B-1")
    with pytest.raises(OperationalError, match="database is locked"):
        second._start_transaction_under_autocommit()  # as SQLite answers after its timeout
    assert not second._writers_held
    first.commit()
    second._start_transaction_under_autocommit()
    _insert(second, "B-2")
    second.commit()
    with second.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM receipts")
        assert cursor.fetchone() == (2,)


def test_a_connection_that_goes_away_mid_transaction_frees_the_queue(database):
    """A killed process closes its files, and the kernel drops its lock; closing the
    connection is the same for the lock."""
    path, open_connection = database
    writer = open_connection()
    writer._start_transaction_under_autocommit()
    _insert(writer, "C-1")
    writer.close()
    assert _lock_is_free(path)
    other = open_connection()
    with other.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM receipts")
        assert cursor.fetchone() == (0,)


def test_the_log_is_copied_into_the_database_after_the_queue_is_free(database, monkeypatch):
    """SQLite's own checkpoint would run inside the commit, with the next writers queued
    behind it; here it runs after the commit has left the queue."""
    import sqlite3

    path, open_connection = database
    writer = open_connection()
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
    checkpoints_with_queue_free = []
    execute = writer.connection.execute

    class Watched:
        """The sqlite3 connection, noting whether the queue is free at each checkpoint."""

        def __getattr__(self, name):
            return getattr(raw, name)

        def execute(self, sql, *args):
            if "wal_checkpoint" in sql:
                checkpoints_with_queue_free.append(_lock_is_free(path))
            return execute(sql, *args)

    raw = writer.connection
    monkeypatch.setattr(writer, "connection", Watched())
    writer._start_transaction_under_autocommit()
    _insert(writer, "D-1")
    writer.commit()
    assert checkpoints_with_queue_free == [True]
    # The database file alone, without its log, already holds the row.
    alone = path.with_name("alone.sqlite3")
    alone.write_bytes(path.read_bytes())
    with sqlite3.connect(alone) as copy:
        assert copy.execute("SELECT number FROM receipts").fetchall() == [("D-1",)]
    # Within the interval, the next commit leaves the log for a later one.
    monkeypatch.setattr(sqlite_backend, "CHECKPOINT_INTERVAL", 3600)
    writer._start_transaction_under_autocommit()
    _insert(writer, "D-2")
    writer.commit()
    assert checkpoints_with_queue_free == [True]
