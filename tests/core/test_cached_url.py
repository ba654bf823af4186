import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.template import Context, Template
from django.templatetags.static import StaticNode
from django.test import override_settings
from django.urls import path
from django.utils import translation

from yakusho.core.templatetags import cached_url

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_link_without_arguments_is_reversed_once_per_language():
    cached_url._reversed.clear()
    source = "{% url 'procedures:finder' %}|{% url 'portal:mypage' %}"
    with mock.patch.object(cached_url, "reverse", wraps=cached_url.reverse) as reverse:
        with translation.override("ja"):
            first = _render(source)
            assert _render(source) == first
        with translation.override("en"):
            english = _render(source)
    assert first.startswith("/ja/")
    assert "|/ja/" in first
    assert english.startswith("/en/")
    assert reverse.call_count == 4  # two links, two languages; the second Japanese page none


def test_a_link_with_arguments_is_reversed_once_per_argument_and_language():
    cached_url._reversed_with_arguments.clear()
    source = "{% url 'procedures:detail' code %}"
    with mock.patch.object(cached_url, "reverse", wraps=cached_url.reverse) as reverse:
        with translation.override("ja"):
            assert _render(source, code="tenshutsu") == "/ja/procedures/tenshutsu/"
            assert _render(source, code="tenshutsu") == "/ja/procedures/tenshutsu/"
            assert _render(source, code="jido-teate") == "/ja/procedures/jido-teate/"
        with translation.override("en"):
            assert _render(source, code="tenshutsu") == "/en/procedures/tenshutsu/"
    assert reverse.call_count == 3


def test_a_link_with_a_key_is_reversed_once_for_every_key():
    cached_url._reversed_with_arguments.clear()
    source = (
        "{% url 'procedures:step' key step %}"
        "{% url 'procedures:check' key as check_url %}[{{ check_url }}]"
    )
    first, second = uuid.uuid4(), uuid.uuid4()
    with (
        mock.patch.object(cached_url, "reverse", wraps=cached_url.reverse) as reverse,
        translation.override("ja"),
    ):
        assert _render(source, key=first, step="main") == (
            f"/ja/apply/{first}/main/[/ja/apply/{first}/check/]"
        )
        assert _render(source, key=second, step="main") == (
            f"/ja/apply/{second}/main/[/ja/apply/{second}/check/]"
        )
        assert _render(source, key=second, step="koza").startswith(f"/ja/apply/{second}/koza/[")
    assert reverse.call_count == 3  # step with main and koza, check: not once per key


def test_a_text_holding_the_stand_in_is_not_mistaken_for_the_key():
    key = uuid.uuid4()
    source = "{% url 'procedures:step' key step %}"
    step = str(cached_url._STAND_IN)
    assert _render(source, key=key, step=step) == f"/ja/apply/{key}/{step}/"


def test_keyword_arguments_and_other_values_are_reversed_as_django_does():
    source = (
        "{% url 'procedures:submission' number=number %}"
        "{% url 'procedures:submission' amount %}"
        "{% url 'procedures:nowhere' as nowhere %}[{{ nowhere }}]"
    )
    with mock.patch.object(cached_url, "reverse", wraps=cached_url.reverse) as reverse:
        first = _render(source, number="ABC-123", amount=Decimal("1.5"))
        second = _render(source, number="XYZ-789", amount=Decimal("2.5"))
    assert "ABC-123" in first
    assert "/submissions/1.5/" in first
    assert "XYZ-789" in second
    assert "/submissions/2.5/" in second
    assert second.endswith("[]")  # no such link: empty, as Django's tag leaves it with `as`
    assert reverse.call_count == 2  # the missing name, tried on each page; Django did the rest


def _urlconf(route: str):
    return type("urls", (), {"urlpatterns": [path(route, lambda request: None, name="place")]})


def test_the_url_is_escaped_and_another_urlconf_is_not_answered_from_memory():
    with override_settings(ROOT_URLCONF=_urlconf("a&b/")):
        assert _render("{% url 'place' %}") == "/a&amp;b/"
        assert _render("{% autoescape off %}{% url 'place' %}{% endautoescape %}") == "/a&b/"
    with override_settings(ROOT_URLCONF=_urlconf("elsewhere/")):
        assert _render("{% url 'place' %}") == "/elsewhere/"


def test_a_fixed_static_path_is_looked_up_once_and_again_after_its_settings_change():
    cached_url._static_urls.clear()
    source = "{% static 'yakusho/yakusho.css' %}|{% static name %}|{% static 'a b&c.css' as s %}[{{ s }}]"
    with mock.patch.object(
        cached_url.KeptStaticNode, "handle_simple", wraps=StaticNode.handle_simple
    ) as looked_up:
        first = _render(source, name="yakusho/enhance.js")
        assert _render(source, name="yakusho/enhance.js") == first
        assert looked_up.call_count == 4  # two fixed paths once, the variable one twice
        with override_settings(STATIC_URL="/elsewhere/"):
            moved = _render(source, name="yakusho/enhance.js")
    theirs = Template(
        "{% load static %}{% static 'yakusho/yakusho.css' %}|{% static name %}"
        "|{% static 'a b&c.css' as s %}[{{ s }}]"
    ).render(Context({"name": "yakusho/enhance.js"}))
    assert first == theirs
    assert "[/static/a%20b%26c.css]" in first
    assert moved.startswith("/elsewhere/yakusho/yakusho")
