"""URL sets. Pages live under a language prefix (/ja/, /en/, …); probes, the API and static
files do not. YAKUSHO_ROLE decides which sets a node serves, so the residents' portal can face
the internet while the office stays on the closed network."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from yakusho import api
from yakusho.accounts import views as account_views
from yakusho.cases import views as case_views
from yakusho.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.api.urls),
    # Outside the language prefix, so one redirect URI can be registered with the provider.
    path("identity/callback", account_views.identity_callback, name="identity_callback"),
    path("office-sso/callback", account_views.staff_sso_callback, name="staff_sso_callback"),
    # Payment providers post here; outside the language prefix, one address per provider.
    path("payments/webhooks/", include("yakusho.payments.webhook_urls")),
]

_pages = [
    path("accounts/", include("yakusho.accounts.urls")),
    path("accounts/", include("allauth.urls")),
]
if settings.ROLE in {"all", "office"}:
    _pages += [
        path("office/login/", account_views.StaffLoginView.as_view(), name="staff_login"),
        path("office/login/sso/", account_views.staff_sso_start, name="staff_sso_start"),
        path("office/payments/", include("yakusho.payments.office_urls")),
        path("office/plan/", include("yakusho.plan.office_urls")),
        path("office/", include("yakusho.office.urls")),
    ]
if settings.ROLE in {"all", "portal"}:
    _pages += [
        path("documents/verify/", case_views.verify, name="documents_verify"),
        path("payments/", include("yakusho.payments.urls")),
        path("plan/", include("yakusho.plan.urls")),
        path("", include("yakusho.procedures.urls")),
        path("", include("yakusho.portal.urls")),
    ]

urlpatterns += i18n_patterns(*_pages, prefix_default_language=True)
