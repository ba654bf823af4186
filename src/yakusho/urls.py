"""URL sets. Pages live under a language prefix (/ja/, /en/, …); probes, the API and static
files do not. YAKUSHO_ROLE decides which sets a node serves, so the residents' portal can face
the internet while the office stays on the closed network."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from yakusho import api
from yakusho.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.api.urls),
]

_pages = []
if settings.ROLE in {"all", "office"}:
    _pages.append(path("office/", include("yakusho.office.urls")))
if settings.ROLE in {"all", "portal"}:
    _pages.append(path("", include("yakusho.portal.urls")))

urlpatterns += i18n_patterns(*_pages, prefix_default_language=True)
