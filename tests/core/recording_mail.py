"""A mail backend that records its connections, for tests of the worker's held connection."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    opened: list["Backend"] = []
    delivered: list[str] = []
    drop_next = False  # the relay closes the held connection before the next message

    def open(self) -> bool:
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        self.sent = 0
        type(self).opened.append(self)
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, email_messages) -> int:
        if type(self).drop_next and self.sent:
            type(self).drop_next = False
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        for message in email_messages:
            type(self).delivered.append(message.extra_headers["Message-ID"])
        self.sent += len(email_messages)
        return len(email_messages)
