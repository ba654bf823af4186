import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/ja/", "/en/display/", "/ja/accessibility/"]


@pytest.mark.parametrize("path", PAGES)
def test_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style(client, path):
    html = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<style" not in html
    assert not re.search(r'\sstyle="', html)


def test_api_answers_outside_the_language_prefix(client):
    response = client.get("/api/v1/postal-codes/257-0015")
    assert response.status_code == 200
    assert response.json()["address"] == "神奈川県秦野市平沢"
    assert client.get("/api/v1/postal-codes/0000000").status_code == 404
    assert client.get("/api/v1/postal-codes/abc").status_code == 422


def test_oversized_request_gets_a_clear_413_without_being_read(client, settings):
    settings.MAX_REQUEST_MB = 1
    response = client.generic(
        "POST",
        "/ja/display/",
        data=b"x" * 10,
        content_type="text/plain",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "大きすぎます" in response.content.decode()
