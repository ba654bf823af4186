"""Django's `i18n` template library, a builtin of every template (settings.TEMPLATES), with
`{% translate "…" %}` of a fixed text keeping its output per language. Our templates do not
`{% load i18n %}`, which would put Django's own tags back.

A residents' page has two or three dozen fixed texts to translate; each goes through a lazy
translation, the active language's catalogue and escaping on every request. The output of a
literal without filters depends only on the language and on autoescaping, so each node keeps
it (nodes live as long as the cached template). Anything else renders as Django renders it.
"""

from __future__ import annotations

from django import template
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class KeptTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        expression = self.filter_expression
        self._fixed = (
            getattr(expression.var, "literal", None) is not None
            and not expression.filters
            and self.message_context is None
            and self.asvar is None
        )
        self._kept: dict[tuple[str | None, bool], str] = {}

    def render(self, context: template.Context) -> str:
        if not self._fixed:
            return super().render(context)
        key = (get_language(), context.autoescape)
        value = self._kept.get(key)
        if value is None:
            value = self._kept[key] = super().render(context)
        return value


def translate(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


register.tag("translate", translate)
register.tag("trans", translate)
