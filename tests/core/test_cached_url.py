import uuid
from unittest import mock

import pytest
from django.template import Context, Template
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


def test_keyword_arguments_other_values_and_as_are_reversed_every_time():
    source = (
        "{% url 'procedures:submission' number=number %}"
        "{% url 'procedures:step' key step %}"
        "{% url 'procedures:finder' as finder %}[{{ finder }}]"
    )
    key = uuid.uuid4()
    with mock.patch.object(cached_url, "reverse", wraps=cached_url.reverse) as reverse:
        first = _render(source, number="ABC-123", key=key, step="main")
        second = _render(source, number="XYZ-789", key=key, step="main")
    assert "ABC-123" in first
    assert f"/apply/{key}/main/" in first
    assert "XYZ-789" in second
    assert "[/ja/" in second
    assert reverse.call_count == 0  # Django's own node reversed these


def _urlconf(route: str):
    return type("urls", (), {"urlpatterns": [path(route, lambda request: None, name="place")]})


def test_the_url_is_escaped_and_another_urlconf_is_not_answered_from_memory():
    with override_settings(ROOT_URLCONF=_urlconf("a&b/")):
        assert _render("{% url 'place' %}") == "/a&amp;b/"
        assert _render("{% autoescape off %}{% url 'place' %}{% endautoescape %}") == "/a&b/"
    with override_settings(ROOT_URLCONF=_urlconf("elsewhere/")):
        assert _render("{% url 'place' %}") == "/elsewhere/"
