"""SQLite, with write transactions queueing on a lock file instead of SQLite's retry timer.

SQLite lets one writer in at a time; the others retry on a timer, sleeping 1, 2, 5 … up to
100 ms between tries. Under a burst of submissions the waiting writers sleep past the moment
the lock frees, so the database idles while requests wait and an unlucky writer waits for
seconds. Here a write transaction first takes an exclusive `flock` on a file beside the
database, trying again every 2 ms at most, so a waiter gets in within about 2 ms of the holder
committing or rolling back (or its process dying, which closes the file). Inside, the
transaction is unchanged — `BEGIN IMMEDIATE`, SQLite's own lock and busy timeout — so a
program that does not take the `flock` (the sqlite3 shell, a backup) is still safe, only not
queued.

The write-ahead log is copied into the database (a checkpoint, with two fsyncs) after the
`flock` is released, at most once a second per connection, instead of by SQLite's automatic
checkpoint, which runs inside the commit: there it held every queued writer up for 5–20 ms
each time (about one commit in fifteen during a burst). A passive checkpoint lets other
writers carry on while it runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import Any

from django.db import DatabaseError, OperationalError
from django.db.backends.sqlite3 import base

# Seconds between two checkpoints of one connection's writes.
CHECKPOINT_INTERVAL = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd: int | None = None
    _writers_held = False
    _checkpointed_at = 0.0

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        self._writers_close()
        if not self.is_in_memory_db():
            self._writers_fd = os.open(
                f"{self.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT, 0o600
            )
            connection.execute("PRAGMA wal_autocheckpoint=0")  # see _checkpoint
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._writers_enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writers_leave()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._writers_leave()
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the log into the database, outside the writers' queue (module docstring)."""
        if self._writers_fd is None:
            return
        now = time.monotonic()
        if now - self._checkpointed_at < CHECKPOINT_INTERVAL:
            return
        self._checkpointed_at = now
        # Busy (another connection checkpointing) is an answer, not an error; the next commit
        # tries again.
        with contextlib.suppress(DatabaseError):
            self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._writers_leave()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._writers_close()

    def _writers_enter(self) -> None:
        """Wait for our turn, as long as SQLite itself would (the `timeout` option)."""
        if self._writers_fd is None or self._writers_held:
            return
        # A blocking flock cannot time out, and a writer stuck for longer than SQLite's own
        # timeout must fail as it would without us ("database is locked"), not hang.
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = 0.0005
        while True:
            try:
                fcntl.flock(self._writers_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        self._writers_held = True

    def _writers_leave(self) -> None:
        if self._writers_held:
            self._writers_held = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def _writers_close(self) -> None:
        self._writers_leave()
        if self._writers_fd is not None:
            os.close(self._writers_fd)
            self._writers_fd = None
