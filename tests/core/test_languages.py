import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ja", "ja"),
        ("ja-x-easy", "ja-x-easy"),
        ("en", "en"),
        ("zh-hans", "zh-Hans"),
        ("pt-br", "pt-BR"),
        ("ne", "ne"),
        ("tl", "tl"),
    ],
)
def test_each_language_has_its_url_and_lang_attribute(client, code, lang):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.content.decode()


def test_selector_names_every_language_in_itself(client):
    body = client.get("/en/accessibility/").content.decode()
    for code, name in settings.LANGUAGES:
        assert f'href="/{code}/accessibility/"' in body
        assert f">{name}</a>" in body
    assert '<a href="/ko/accessibility/" lang="ko" hreflang="ko">한국어</a>' in body


def test_selector_keeps_the_query_escaped_and_marks_the_current_language(client):
    body = client.get("/zh-hans/accessibility/?q=<b>&page=2").content.decode()
    listed = body.split('<ul class="language-list">')[1].split("</ul>")[0]
    assert listed.count("<li>") == len(settings.LANGUAGES)
    assert (
        '<a href="/pt-br/accessibility/?q=&lt;b&gt;&amp;page=2" lang="pt-BR" hreflang="pt-BR">'
        "Português</a>" in listed
    )
    assert listed.count('aria-current="true"') == 1
    assert 'hreflang="zh-Hans" aria-current="true">简体中文</a>' in listed


def test_browser_language_is_used_on_the_first_visit(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9")
    assert response["Location"] == "/vi/"


def test_unsupported_browser_language_falls_back_to_japanese(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")["Location"] == "/ja/"


def test_last_language_is_remembered(client):
    response = client.get("/ne/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ne"
    assert client.get("/")["Location"] == "/ne/"


@pytest.mark.parametrize("path", ["/fr/", "/fr/accessibility/", "/xx-yy/display/"])
def test_unknown_language_code_falls_back_to_japanese(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] in {"/ja/", "/ja/accessibility/", "/ja/display/"}
    assert '<html lang="ja"' in response.content.decode()


def test_bogus_language_cookie_is_ignored(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "<script>"
    assert client.get("/")["Location"] == "/ja/"


def test_signed_in_resident_keeps_their_language_on_a_new_device(client, django_user_model):
    user = django_user_model.objects.create_user(username="r1", password="x" * 12)
    client.force_login(user)
    client.get("/ko/")
    user.refresh_from_db()
    assert user.preferred_language == "ko"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # another browser, same account
    assert client.get("/")["Location"] == "/ko/"


def test_very_long_and_mixed_script_paths_do_not_break(client):
    response = client.get("/ja/" + "あ" * 2000 + "/")
    assert response.status_code == 404
