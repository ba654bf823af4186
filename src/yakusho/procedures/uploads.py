"""Uploaded files: accepted by what they are, not by their name.

The first bytes decide the type (PDF, JPEG, PNG); anything else, including an `.exe` renamed
`.pdf` or an SVG with script, is refused. Images are re-encoded, which drops their metadata
(GPS position, camera serial) and anything hidden after the image data. PDFs are kept as sent.
Files get random names; a scanner plugin (`clamd` when configured) looks at every file first.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .scanning import ScanError, scanner

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
TYPE_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


class UploadRejected(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content: bytes
    original_name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}{EXTENSIONS[self.kind]}")


def sniff(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(s) for s in signatures):
            return kind
    return None


def _reencode(content: bytes, kind: str) -> bytes:
    """Draw the picture again into a new file: metadata and trailing data stay behind
    (Pillow writes EXIF or text chunks only when asked to)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        raise UploadRejected(
            _("画像として読み取れませんでした。別のファイルを選んでください。")
        ) from None


def check_upload(upload: UploadedFile, *, accept: list[str], max_size_mb: int) -> CheckedFile:
    """Refuse what is not allowed, with a message that says what to do instead."""
    limit = max_size_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise UploadRejected(
            _("ファイルが大きすぎます。%(limit)dMB以下のファイルを選んでください。")
            % {"limit": max_size_mb}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRejected(
            _("ファイルが大きすぎます。%(limit)dMB以下のファイルを選んでください。")
            % {"limit": max_size_mb}
        )
    if not content:
        raise UploadRejected(_("ファイルが空です。"))
    kind = sniff(content[:16])
    if kind is None or kind not in accept:
        allowed = "・".join(TYPE_NAMES[a] for a in accept)
        raise UploadRejected(
            _("このファイルは受け付けられません。%(types)sのファイルを選んでください。")
            % {"types": allowed}
        )
    if kind in ("jpeg", "png"):
        content = _reencode(content, kind)
    try:
        scanner().scan(content)
    except ScanError as exc:
        raise UploadRejected(exc.message) from None
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:150]
    return CheckedFile(kind, content, name)


def max_upload_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
