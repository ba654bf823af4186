import pytest

pytestmark = pytest.mark.django_db


def test_display_settings_page_works_without_javascript(client):
    response = client.post(
        "/ja/display/", {"text_size": "largest", "contrast": "high", "next": "/ja/accessibility/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ja/accessibility/"
    assert response.cookies["yakusho_text"].value == "largest"
    assert response.cookies["yakusho_contrast"].value == "high"
    body = client.get("/ja/accessibility/").content.decode()
    assert '<html lang="ja"' in body
    assert 'class="text-largest contrast-high"' in body


def test_unknown_values_are_ignored(client):
    response = client.post("/ja/display/", {"text_size": "enormous", "contrast": "<script>"})
    assert response.status_code == 302
    assert "yakusho_text" not in response.cookies
    assert "class=" not in client.get("/ja/").content.decode().split(">")[1]


def test_next_must_stay_on_this_site(client):
    response = client.post("/ja/display/", {"furigana": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/ja/"


def test_header_furigana_button_turns_readings_on_and_off(client):
    page = client.get("/ja/accessibility/").content.decode()
    assert "ふりがなをつける" in page
    assert "<ruby>" not in page
    client.post("/ja/display/", {"furigana": "on", "next": "/ja/accessibility/"})
    page = client.get("/ja/accessibility/").content.decode()
    assert "<ruby>方針<rt>ほうしん</rt></ruby>" in page
    client.post("/ja/display/", {"furigana": "off"})
    assert "<ruby>" not in client.get("/ja/accessibility/").content.decode()


def test_display_page_shows_current_choices(client):
    client.cookies["yakusho_text"] = "large"
    page = client.get("/ja/display/").content.decode()
    assert 'value="large" class="" required id="id_text_size_1" checked' in page or (
        'id="id_text_size_1" checked' in page
    )
