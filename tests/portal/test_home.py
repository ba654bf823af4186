import pytest

from yakusho.demo.services import demo_city_load

pytestmark = pytest.mark.django_db


def test_home_names_the_city(client):
    demo_city_load()
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "秦野市" in body
    assert '<html lang="ja">' in body


def test_demo_marker_only_in_the_demo(client, settings):
    settings.DEMO = False
    assert "デモ環境" not in client.get("/").content.decode()
    settings.DEMO = True
    assert "デモ環境" in client.get("/").content.decode()
