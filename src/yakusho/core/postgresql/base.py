"""PostgreSQL, with a kept connection checked without a round trip to the server.

With `CONN_HEALTH_CHECKS` Django sends `SELECT 1` before a request reuses a connection, so that
the first request after a database restart does not fail. A connection the server has closed
(a restart, an administrator's terminate, an idle timeout) has something waiting on its socket —
the server's last message or the end of the stream — while a healthy idle one has nothing. So a
zero-timeout poll of the socket settles the common case, and only a socket with something to
read is asked with `SELECT 1`, as Django asks. Every request on PostgreSQL makes one round trip
fewer (docs/performance.md).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            poller = select.poll()  # not select(): a process may hold sockets past number 1024
            poller.register(connection.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError, base.Database.Error):  # the socket is gone already
            return False
        return not waiting or super().is_usable()
