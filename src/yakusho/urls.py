"""URL sets. YAKUSHO_ROLE decides which are served, so the residents' portal can face the
internet while the office stays on the closed network."""

from django.conf import settings
from django.urls import include, path

from yakusho.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
]

if settings.ROLE in {"all", "portal"}:
    urlpatterns += [path("", include("yakusho.portal.urls"))]
