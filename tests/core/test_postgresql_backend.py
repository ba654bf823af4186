"""The PostgreSQL backend checks a kept connection by polling its socket, and asks the server
(`SELECT 1`) only when something is waiting there (core/postgresql)."""

import select
import socket
from unittest import mock

import pytest
from django.db import connections
from django.db.backends.postgresql import base as django_postgresql

from yakusho.core.postgresql.base import DatabaseWrapper


class FakeConnection:
    """What the check reads of a psycopg connection: whether it is closed, and its socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.closed = False

    def fileno(self) -> int:
        return self.sock.fileno()


@pytest.fixture
def wrapper_and_server():
    ours, server = socket.socketpair()
    wrapper = object.__new__(DatabaseWrapper)  # no settings needed for the check itself
    wrapper.connection = FakeConnection(ours)
    yield wrapper, server
    ours.close()
    server.close()


def _asked(wrapper, answer=True):
    with mock.patch.object(
        django_postgresql.DatabaseWrapper, "is_usable", return_value=answer
    ) as select_1:
        usable = wrapper.is_usable()
    return usable, select_1.called


def test_an_idle_connection_with_nothing_waiting_is_usable_without_asking(wrapper_and_server):
    wrapper, _ = wrapper_and_server
    assert _asked(wrapper) == (True, False)


def test_a_message_from_the_server_makes_it_ask(wrapper_and_server):
    wrapper, server = wrapper_and_server
    server.send(b"E")  # e.g. "terminating connection due to administrator command"
    assert _asked(wrapper, answer=False) == (False, True)
    assert _asked(wrapper, answer=True) == (True, True)


def test_a_connection_the_server_closed_is_asked_and_one_closed_here_is_not(wrapper_and_server):
    wrapper, server = wrapper_and_server
    server.close()
    assert _asked(wrapper, answer=False) == (False, True)
    wrapper.connection.closed = True
    assert _asked(wrapper) == (False, False)
    wrapper.connection = None
    assert _asked(wrapper) == (False, False)


@pytest.mark.django_db(transaction=True)
def test_the_database_in_use_answers_the_check():
    """On PostgreSQL, the real thing: a kept connection is usable without a query; once an
    administrator terminates its server process, the check says so."""
    connection = connections["default"]
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        assert connection.is_usable()  # SQLite's own check; nothing to poll
        return
    assert isinstance(connection, DatabaseWrapper)
    assert _asked(connection) == (True, False)
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    # Wait (no sleep) until the server's goodbye reaches the socket.
    assert select.select([connection.connection.fileno()], [], [], 10)[0]
    assert connection.is_usable() is False
    connection.close()
    connection.ensure_connection()  # a new one works
    assert connection.is_usable()
