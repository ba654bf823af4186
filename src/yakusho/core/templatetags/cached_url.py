"""`{% url %}` for every template (a builtin in settings.TEMPLATES), remembering links.

A page's header and footer name the same dozen places on every request — the finder,
マイページ, the display settings, sign-out — and the finder the same procedures and life
events; reversing each costs as much as rendering a paragraph. A link depends only on the
URLconf, the script prefix, the language (the /ja/ … prefix), the application namespace and
its arguments, so it is kept per process under those: links without arguments for good, links
with positional text or number arguments (codes, receipt numbers) among the last few thousand.
A link with one UUID among them (a draft's or a bundle's key, new with every application) is
kept once for all keys, with a stand-in where the key goes. Keyword arguments and other values
are reversed as Django does.

`{% static "…" %}` with a fixed path is kept too: the stylesheet's and the script's addresses
(with their content hash) change only with the settings or a new deploy, which restarts the
processes. Other template libraries named `static` must not be loaded over it.
"""

from __future__ import annotations

import uuid

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags.static import StaticNode
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Bounded although the keys are few (names in templates × languages): the script prefix
# comes from the request's environment.
_LIMIT = 2000
_reversed: dict[tuple, tuple[str, ...]] = {}
# Links with arguments: one per draft or receipt too, so emptied when full.
_WITH_ARGUMENTS_LIMIT = 5000
_reversed_with_arguments: dict[tuple, tuple[str, ...]] = {}


# One UUID argument (a draft's or a bundle's key) is reversed once as this stand-in and then
# put where the stand-in stands: a key's text needs no quoting and matches what any UUID does.
_STAND_IN = uuid.UUID("00000000-0000-4000-8000-000000000000")
_STAND_IN_TEXT = str(_STAND_IN)
_ROUTING = object()


class CachedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        if self.kwargs:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        key_at = None
        for index, arg in enumerate(args):
            if type(arg) is uuid.UUID and key_at is None:
                key_at = index
            elif type(arg) not in (str, int):
                return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        # The URLconf and the script prefix are the request's, read once per page (each read
        # of a context-local value costs more than the rest of a kept link); the language is
        # read every time, as `{% language %}` may change it inside a page.
        routing = context.render_context.get(_ROUTING)
        if routing is None:
            urlconf = get_urlconf()
            # The resolver object itself: a test that swaps the URLconf gets a new one.
            routing = (urlconf, get_resolver(urlconf), get_script_prefix())
            context.render_context[_ROUTING] = routing
        urlconf = routing[0]
        reversed_args = args if key_at is None else (*args[:key_at], _STAND_IN, *args[key_at + 1 :])
        key = (view_name, current_app, *routing[1:], get_language(), *reversed_args)
        kept, limit = (
            (_reversed_with_arguments, _WITH_ARGUMENTS_LIMIT) if args else (_reversed, _LIMIT)
        )
        parts = kept.get(key)
        if parts is None:
            try:
                url = reverse(
                    view_name, args=reversed_args, urlconf=urlconf, current_app=current_app
                )
            except NoReverseMatch:
                return super().render(context)
            # The link before and after the key (all of it before, without a key).
            parts = (url,) if key_at is None else tuple(url.split(_STAND_IN_TEXT))
            if key_at is not None and len(parts) != 2:  # the stand-in's text elsewhere
                return super().render(context)
            if len(kept) >= limit:
                kept.clear()
            kept[key] = parts
        url = parts[0] if key_at is None else f"{parts[0]}{args[key_at]}{parts[1]}"
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


# The static address of each fixed path, until a setting it depends on changes (in tests).
_static_urls: dict[str, str] = {}
_STATIC_SETTINGS = {"DEBUG", "INSTALLED_APPS", "STATIC_ROOT", "STATIC_URL", "STORAGES"}


class KeptStaticNode(StaticNode):
    def url(self, context: template.Context) -> str:
        path = self.path.var
        if self.path.filters or not isinstance(path, str):
            return super().url(context)
        url = _static_urls.get(path)
        if url is None:
            url = _static_urls[path] = self.handle_simple(path)
        return url


@register.tag
def static(parser: template.base.Parser, token: template.base.Token) -> StaticNode:
    return KeptStaticNode.handle_token(parser, token)


def _forget_static_urls(*, setting: str, **kwargs: object) -> None:
    if setting in _STATIC_SETTINGS:
        _static_urls.clear()


setting_changed.connect(_forget_static_urls)
