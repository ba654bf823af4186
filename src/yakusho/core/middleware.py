"""Middleware: a strict Content-Security-Policy, a clear 503 page while the database is
unreachable, remembered language and display preferences, and furigana on residents' pages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import is_valid_path
from django.utils import translation
from django.utils.translation import gettext

from . import selectors
from .japanese.furigana import add_ruby, place_name_readings
from .preferences import (
    JAPANESE_LANGUAGES,
    display_preferences,
    is_supported_language,
    split_language_prefix,
)

# No inline script or style anywhere: every script and stylesheet is a file from this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"
# Paths outside the language-prefixed site.
UNPREFIXED = ("/api/", "/static/", "/media/", "/healthz", "/readyz")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Raised by the database driver when the server is down, restarting or unreachable (and, on
# SQLite, when the write lock stays taken past the busy timeout).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: about what a PostgreSQL restart or fail-over takes.
RETRY_AFTER_SECONDS = 30
_UNAVAILABLE_FLAG = "_yakusho_database_unavailable"
logger = logging.getLogger("yakusho.core")


@receiver(got_request_exception)
def _note_database_unavailable(sender: object, request: HttpRequest | None = None, **_: object):
    """An exception that escaped a middleware (the session or user loaded before the view, the
    session saved after it) is turned into a 500 response before the next middleware sees it;
    remember that it was the database, so DatabaseUnavailableMiddleware can answer 503."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        setattr(request, _UNAVAILABLE_FLAG, True)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, in the visitor's language, rendered without the context
    processors (they read the municipality, the user and the session from the database)."""
    language = getattr(request, "LANGUAGE_CODE", None) or (
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "detail": gettext(
                        "一時的に利用できません。しばらくしてから、もう一度お試しください。"
                    )
                },
                status=503,
            )
        else:
            from .context_processors import page_basics
            from .selectors import MUNICIPALITY_CACHE_KEY

            request.LANGUAGE_CODE = language
            context = {
                **page_basics(request),
                "municipality": cache.get(MUNICIPALITY_CACHE_KEY),
                "LANGUAGE_CODE": language,
                "request": request,
                "retry_after": RETRY_AFTER_SECONDS,
            }
            response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, every page answers 503 with a page that says so
    and when to try again, instead of a 500. Nothing to restart afterwards: Django drops a
    connection that failed at the end of the request (and checks a reused one before the
    next, CONN_HEALTH_CHECKS), so the first request after the database is back succeeds.

    Sits near the top of MIDDLEWARE: a failure in the view comes through process_exception;
    one in an inner middleware (session, user, staff session, language saved on the account)
    arrives as a 500 response flagged by `_note_database_unavailable`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _UNAVAILABLE_FLAG, False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


class PreferencesMiddleware:
    """Remembers the language a visitor last used (cookie, and their account when signed in),
    sends an unprefixed URL to that language, and answers an unknown language code with the
    Japanese page instead of an error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code, rest = split_language_prefix(request.path_info)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if code is None and signed_in and is_supported_language(user.preferred_language):
            # LocaleMiddleware redirects unprefixed URLs to the active language.
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language

        response = self.get_response(request)

        if is_supported_language(code):
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    code,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                )
            if signed_in and user.preferred_language != code:
                get_user_model().objects.filter(pk=user.pk).update(preferred_language=code)
        elif (
            code is not None
            and response.status_code == 404
            and not request.path_info.startswith(UNPREFIXED)
        ):
            target = f"/{settings.LANGUAGE_CODE}{rest}"
            if not is_valid_path(target):
                target = f"/{settings.LANGUAGE_CODE}/"
            return HttpResponseRedirect(target)
        return response


class FuriganaMiddleware:
    """Adds ruby readings to residents' HTML pages when the visitor asked for furigana."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and getattr(request, "LANGUAGE_CODE", "") in JAPANESE_LANGUAGES
            and not split_language_prefix(request.path_info)[1].startswith("/office/")
            and display_preferences(request).furigana
        ):
            city = selectors.municipality_current()
            readings = place_name_readings(city.name, city.name_kana) if city else ()
            html = response.content.decode(response.charset)
            response.content = add_ruby(html, readings).encode(response.charset)
            response.headers.pop("Content-Length", None)
        return response


class RequestSizeMiddleware:
    """Refuse a request body larger than YAKUSHO_MAX_REQUEST_MB before reading it, with a
    page that says what to do (each file field has its own, smaller limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_MB * 1024 * 1024:
            from django.shortcuts import render

            return render(request, "413.html", {"limit": settings.MAX_REQUEST_MB}, status=413)
        return self.get_response(request)
