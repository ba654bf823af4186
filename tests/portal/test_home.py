import pytest

from yakusho.demo.services import demo_city_load

pytestmark = pytest.mark.django_db


def test_root_goes_to_the_japanese_home(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ja/"


def test_home_names_the_city(client):
    demo_city_load()
    response = client.get("/ja/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "秦野市のオンライン窓口" in body
    assert '<html lang="ja"' in body
    assert "0463-82-5111" in body


def test_demo_marker_only_in_the_demo(client, settings):
    settings.DEMO = False
    assert "デモ環境" not in client.get("/ja/").content.decode()
    settings.DEMO = True
    assert "デモ環境" in client.get("/ja/").content.decode()


def test_home_works_before_the_city_is_configured(client):
    response = client.get("/ja/")
    assert response.status_code == 200
    assert "<title>オンライン窓口</title>" in response.content.decode()
