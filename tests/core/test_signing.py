"""The city's PDF signature: made and checked with pyHanko, from plain code and from inside a
running event loop alike."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from reportlab.pdfgen import canvas

from yakusho.core.signing import sign_pdf, verify_pdf


def _pdf() -> bytes:
    import io

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Hadano")
    page.save()
    return out.getvalue()


def test_signed_pdf_verifies_and_a_changed_one_does_not():
    signed = sign_pdf(_pdf(), reason="test")
    checked = verify_pdf(signed)
    assert checked.valid
    assert checked.trusted
    assert not verify_pdf(signed.replace(b"Hadano", b"Hadanx")).valid
    assert not verify_pdf(b"not a pdf").valid


def test_signing_inside_a_running_event_loop():
    async def inside():
        return verify_pdf(sign_pdf(_pdf(), reason="test"))

    # In a thread of its own: the browser tests keep a loop running in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result().valid
