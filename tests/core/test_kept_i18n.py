import re
from pathlib import Path
from unittest import mock

from django.template import Context, Template
from django.templatetags import i18n as django_i18n
from django.utils import translation

import yakusho


def _render(template: Template, autoescape: bool = True, **context) -> str:
    return template.render(Context(context, autoescape=autoescape))


def test_a_fixed_text_is_translated_once_per_language():
    template = Template('{% translate "ログイン" %}|{% translate "電話" %}')
    with mock.patch.object(
        django_i18n.TranslateNode,
        "render",
        autospec=True,
        side_effect=django_i18n.TranslateNode.render,
    ) as translated:
        with translation.override("ja"):
            assert _render(template) == "ログイン|電話"
        with translation.override("en"):
            assert _render(template) == "Sign in|Phone"
            assert _render(template) == "Sign in|Phone"
        with translation.override("ja"):
            assert _render(template) == "ログイン|電話"
    assert translated.call_count == 4  # two texts in two languages; the repeats none


def test_what_is_not_a_fixed_text_is_translated_each_time():
    chosen = Template("{% translate word %}")
    filtered = Template('{% translate "電話"|upper %}')
    named = Template('{% translate "電話" as phone %}[{{ phone }}]')
    in_context = Template('{% translate "電話" context "連絡先" %}')
    with translation.override("en"):
        assert _render(chosen, word="ログイン") == "Sign in"
        assert _render(chosen, word="電話") == "Phone"
        assert _render(filtered) == "PHONE"
        assert _render(named) == "[Phone]"
        assert _render(in_context) == "電話"  # no translation under that context
    with translation.override("ja"):
        assert _render(chosen, word="電話") == "電話"
        assert _render(named) == "[電話]"


def test_escaping_follows_the_template_as_django_s_tag_does():
    source = '{% translate "<b>&</b>" %}|{% translate word %}'
    with translation.override("en"):
        for autoescape in (True, False):
            ours = _render(Template(source), autoescape, word="<i>")
            theirs = _render(Template("{% load i18n %}" + source), autoescape, word="<i>")
            assert ours == theirs
    assert theirs == "<b>&</b>|<i>"


def test_no_template_of_ours_loads_django_s_own_i18n_or_static_tags():
    """`{% load i18n %}` or `{% load static %}` would replace the kept `{% translate %}` or
    `{% static %}` (core.templatetags.cached_url) with Django's."""
    package = Path(yakusho.__file__).parent
    loading = [
        str(path.relative_to(package))
        for path in package.rglob("templates/**/*")
        if path.suffix in {".html", ".txt"}
        and re.search(r"\{% load [^%]*\b(i18n|static)\b", path.read_text(encoding="utf-8"))
    ]
    assert loading == []
