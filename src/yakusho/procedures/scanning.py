"""Virus scanning of uploads (plugin registry): `none` by default, `clamd` when the city runs
ClamAV (YAKUSHO_CLAMD=unix:///run/clamav/clamd.ctl or tcp://host:3310)."""

from __future__ import annotations

import socket
import struct
from functools import lru_cache
from typing import ClassVar

from django.conf import settings
from django.utils.translation import gettext as _


class ScanError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Scanner:
    key: ClassVar[str]

    def scan(self, content: bytes) -> None:
        """Raise ScanError when the content must not be accepted."""


class NoScanner(Scanner):
    key = "none"


class ClamdScanner(Scanner):
    """Talks clamd's INSTREAM protocol: length-prefixed chunks, then a zero length."""

    key = "clamd"
    chunk = 64 * 1024

    def __init__(self, address: str, timeout: float = 30) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.address[len("unix://") :])
            return sock
        host, _sep, port = self.address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=self.timeout)

    def scan(self, content: bytes) -> None:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), self.chunk):
                    piece = content[start : start + self.chunk]
                    sock.sendall(struct.pack("!L", len(piece)) + piece)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    data = sock.recv(4096)
                    if not data:
                        break
                    reply += data
        except OSError:
            raise ScanError(
                _("ファイルを確認できませんでした。時間をおいてもう一度お試しください。")
            ) from None
        answer = reply.rstrip(b"\0").decode(errors="replace")
        if answer.endswith("FOUND"):
            raise ScanError(_("このファイルからウイルスが見つかったため、受け付けられません。"))
        if not answer.endswith("OK"):
            raise ScanError(
                _("ファイルを確認できませんでした。時間をおいてもう一度お試しください。")
            )


@lru_cache(maxsize=1)
def _configured(address: str) -> Scanner:
    return ClamdScanner(address) if address else NoScanner()


def scanner() -> Scanner:
    return _configured(settings.CLAMD_ADDRESS)
