"""`{% url %}` for every template (a builtin in settings.TEMPLATES), remembering links.

A page's header and footer name the same dozen places on every request — the finder,
マイページ, the display settings, sign-out — and the finder the same procedures and life
events; reversing each costs as much as rendering a paragraph. A link depends only on the
URLconf, the script prefix, the language (the /ja/ … prefix), the application namespace and
its arguments, so it is kept per process under those: links without arguments for good, links
with positional text or number arguments (codes, keys) among the last few thousand. Keyword
arguments, other values and `{% url … as name %}` are reversed as Django does.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Bounded although the keys are few (names in templates × languages): the script prefix
# comes from the request's environment.
_LIMIT = 2000
_reversed: dict[tuple, str] = {}
# Links with arguments: one per draft or receipt too, so emptied when full.
_WITH_ARGUMENTS_LIMIT = 5000
_reversed_with_arguments: dict[tuple, str] = {}


class CachedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        if self.kwargs or self.asvar:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        if not all(type(arg) in (str, int) for arg in args):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        urlconf = get_urlconf()
        # The resolver object itself: a test that swaps the URLconf gets a new one.
        key = (
            view_name,
            current_app,
            get_resolver(urlconf),
            get_script_prefix(),
            get_language(),
            *args,
        )
        kept, limit = (
            (_reversed_with_arguments, _WITH_ARGUMENTS_LIMIT) if args else (_reversed, _LIMIT)
        )
        url = kept.get(key)
        if url is None:
            url = reverse(view_name, args=args, urlconf=urlconf, current_app=current_app)
            if len(kept) >= limit:
                kept.clear()
            kept[key] = url
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
