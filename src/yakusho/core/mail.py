"""The worker's connection to the mail relay, kept open from one message to the next.

Opening a connection for each message costs a TCP handshake, the greeting, EHLO (and STARTTLS
and login where configured) and QUIT — more than the message itself when a burst of
confirmations goes out. Each thread keeps one connection; one left idle for longer than
IDLE_SECONDS is replaced rather than reused, as a relay may have dropped it by then.
"""

from __future__ import annotations

import contextlib
import threading
import time
from smtplib import SMTPException, SMTPServerDisconnected

from django.core.mail import EmailMessage, get_connection

IDLE_SECONDS = 20.0


class _Held(threading.local):
    backend = None
    used_at = 0.0


_held = _Held()


def relay_send(message: EmailMessage) -> None:
    """Send one message on this thread's connection, opening it if needed. Raises if the
    message was not handed over. A held connection the relay has closed meanwhile fails at
    its first command, before anything was sent, so the message is tried once more on a
    new one."""
    if time.monotonic() - _held.used_at >= IDLE_SECONDS:
        relay_close()
    reused = _held.backend is not None
    try:
        if not reused:
            _held.backend = get_connection()
            _held.backend.open()
        sent = _held.backend.send_messages([message])
    except SMTPServerDisconnected:
        relay_close()
        if not reused:
            raise
        relay_send(message)
        return
    except BaseException:
        relay_close()
        raise
    if not sent:
        relay_close()
        raise SMTPException("the mail relay did not take the message")
    _held.used_at = time.monotonic()


def relay_close() -> None:
    """Close this thread's connection, if any (a failure, a long idle time, shutdown)."""
    backend, _held.backend = _held.backend, None
    if backend is not None:
        # A connection that is already broken needs no goodbye.
        with contextlib.suppress(Exception):
            backend.close()
