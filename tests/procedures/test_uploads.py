"""Uploads: accepted by content, re-encoded, size-limited, kept with the draft."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yakusho.procedures.models import Draft, Submission, Upload
from yakusho.procedures.uploads import UploadRejected, check_upload

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PHOTOS = {
    "version": 1,
    "steps": [
        {
            "key": "damage",
            "title": {"ja": "被害の写真"},
            "fields": [
                {
                    "key": "photos",
                    "type": "file",
                    "label": {"ja": "写真"},
                    "required": True,
                    "accept": ["jpeg", "png", "pdf"],
                    "max_size_mb": 2,
                    "max_files": 2,
                },
            ],
        }
    ],
}


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x010E] = "GPS 35.37N 139.22E"  # ImageDescription, as a stand-in for location data
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _file(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_images_are_re_encoded_without_metadata():
    raw = _jpeg_with_gps()
    assert b"CameraMaker" in raw
    checked = check_upload(_file("photo.jpg", raw), accept=["jpeg"], max_size_mb=2)
    assert checked.kind == "jpeg"
    assert b"CameraMaker" not in checked.content
    assert not Image.open(io.BytesIO(checked.content)).getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "invoice.pdf",
            b"MZ\x90\x00" + b"\x00" * 100,
            "受け付けられません",
        ),  # an .exe renamed .pdf
        (
            "map.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "受け付けられません",
        ),
        ("empty.pdf", b"", "空です"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024), "2MB以下"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "画像として読み取れません"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(UploadRejected) as info:
        check_upload(_file(name, content), accept=["pdf", "jpeg", "png"], max_size_mb=2)
    assert message in info.value.message


def test_pdfs_are_kept_as_sent():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert check_upload(_file("doc.pdf", pdf), accept=["pdf"], max_size_mb=1).content == pdf


def test_files_stay_with_the_draft_and_move_to_the_submission(
    client, make_procedure, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_procedure(PHOTOS, identity_level="email")
    client.force_login(UserFactory())
    response = client.post("/ja/procedures/benefit/start/")
    key = re.search(r"/apply/([0-9a-f-]+)/", response["Location"]).group(1)
    step = f"/ja/apply/{key}/damage/"
    page = client.post(step, {}).content.decode()
    assert "ファイルを選んでください" in page
    page = client.post(
        step, {"photos__upload": _file("renamed.pdf", b"MZ\x90\x00" * 10)}
    ).content.decode()
    assert "受け付けられません" in page
    assert not Upload.objects.exists()
    response = client.post(
        step,
        {"photos__upload": [_file("a.jpg", _jpeg_with_gps()), _file("b.pdf", b"%PDF-1.4\n%%EOF")]},
    )
    assert response["Location"].endswith("/check/")
    draft = Draft.objects.get(key=key)
    assert [ref["name"] for ref in draft.answers["photos"]] == ["a.jpg", "b.pdf"]
    stored = Upload.objects.get(original_name="a.jpg")
    # A random name on disk, never the one the resident chose.
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", stored.file.name.rsplit("/", 1)[-1])
    # A third file is one too many; removing one makes room.
    page = client.post(step, {"photos__upload": _file("c.png", _png())}).content.decode()
    assert "2個まで" in page
    client.post(
        step, {"photos__remove": [str(stored.pk)], "photos__upload": _file("c.png", _png())}
    )
    draft.refresh_from_db()
    assert [ref["name"] for ref in draft.answers["photos"]] == ["b.pdf", "c.png"]
    client.post(f"/ja/apply/{key}/check/")
    submission = Submission.objects.get()
    assert submission.uploads.count() == 2


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    return out.getvalue()


def test_clamd_scanner_talks_instream(tmp_path):
    """Against a stand-in clamd on a real socket."""
    import socket
    import struct
    import threading

    from yakusho.procedures.scanning import ClamdScanner, ScanError

    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    received = []

    def serve(verdict):
        conn, _ = server.accept()
        with conn:
            data = b""
            while not data.endswith(struct.pack("!L", 0)) or len(data) < 14:
                data += conn.recv(65536)
            received.append(data)
            conn.sendall(verdict)

    for verdict, expect_error in (
        (b"stream: OK\0", False),
        (b"stream: Eicar-Signature FOUND\0", True),
    ):
        thread = threading.Thread(target=serve, args=(verdict,))
        thread.start()
        scanner = ClamdScanner(f"unix://{path}")
        if expect_error:
            with pytest.raises(ScanError):
                scanner.scan(b"X5O!P%@AP")
        else:
            scanner.scan(b"harmless")
        thread.join()
    assert received[0].startswith(b"zINSTREAM\0")
    server.close()
