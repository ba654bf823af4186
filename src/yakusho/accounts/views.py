"""Residents' account pages, identity verification and the staff login."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import record_authentication
from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.core.network import client_ip
from yakusho.core.throttle import Throttle

from . import services
from .forms import AccountDeleteForm, CounterCodeForm, StaffLoginForm
from .identity import IdentityFlowError, get_provider, providers
from .identity.demo import DemoProvider
from .models import User
from .staff_sso import StaffSSO

FLOW_SESSION_KEY = "identity_flow"
SSO_SESSION_KEY = "staff_sso_flow"
FLOW_SECONDS = 600
# Counter codes: 5 tries per account and 20 per address in 15 minutes.
counter_code_throttle = Throttle("counter-code", limits=((5, 900, "user"), (20, 900, "ip")))


def _pkce_flow(request: HttpRequest, **extra: object) -> dict:
    return {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "started": time.time(),
        "language": request.LANGUAGE_CODE,
        **extra,
    }


def _checked_flow(request: HttpRequest, key: str) -> dict:
    """The flow this callback belongs to, used up now so a replay finds nothing."""
    flow = request.session.pop(key, None)
    if not flow or not secrets.compare_digest(str(request.GET.get("state", "")), flow["state"]):
        raise IdentityFlowError("state")
    if time.time() - flow["started"] > FLOW_SECONDS:
        raise IdentityFlowError("expired")
    if request.GET.get("error"):
        raise IdentityFlowError("denied", request.GET["error"][:100])
    if not request.GET.get("code"):
        raise IdentityFlowError("invalid", "no code")
    return flow


class StaffLoginView(LoginView):
    """The office's own sign-in page: staff accounts only, then the second factor."""

    form_class = StaffLoginForm
    template_name = "accounts/staff_login.html"

    def get_form_class(self) -> type[StaffLoginForm]:
        return StaffLoginForm  # not ACCOUNT_FORMS["login"], which is the residents' form

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.session["login_realm"] = "office"
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}):
            return target
        return reverse("office:dashboard")

    def get_context_data(self, **kwargs: object) -> dict:
        return {**super().get_context_data(**kwargs), "sso": StaffSSO().is_configured()}


@require_POST
def staff_sso_start(request: HttpRequest) -> HttpResponse:
    sso = StaffSSO()
    if not sso.is_configured():
        raise Http404
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    flow = request.session[SSO_SESSION_KEY] = _pkce_flow(request, next=target)
    return HttpResponseRedirect(
        sso.client.authorization_url(
            state=flow["state"],
            nonce=flow["nonce"],
            code_challenge=_challenge(flow["verifier"]),
            redirect_uri=request.build_absolute_uri(reverse("staff_sso_callback")),
        )
    )


def staff_sso_callback(request: HttpRequest) -> HttpResponse:
    """Back from the city's directory: sign in the member of staff it vouches for."""
    from yakusho.core.audit import audit_record

    sso = StaffSSO()
    ip = client_ip(request)
    language = (request.session.get(SSO_SESSION_KEY) or {}).get("language") or request.LANGUAGE_CODE
    with translation.override(language):
        login_url = reverse("staff_login")
        try:
            flow = _checked_flow(request, SSO_SESSION_KEY)
            claims, userinfo = sso.client.complete(
                code=request.GET["code"],
                code_verifier=flow["verifier"],
                nonce=flow["nonce"],
                redirect_uri=request.build_absolute_uri(reverse("staff_sso_callback")),
            )
        except IdentityFlowError as exc:
            audit_record(action="auth.sso_failed", ip_address=ip, data={"reason": exc.code})
            messages.error(request, exc.message)
            return HttpResponseRedirect(login_url)
        email = str(userinfo.get("email") or claims.get("email") or "").strip()
        verified = userinfo.get("email_verified", claims.get("email_verified", True)) is not False
        user = (
            User.objects.filter(email__iexact=email, kind=User.Kind.STAFF, is_active=True).first()
            if email and verified
            else None
        )
        if user is None:
            audit_record(
                action="auth.sso_unknown",
                ip_address=ip,
                data={"issuer": claims.get("iss"), "sub": claims.get("sub")},
            )
            messages.error(
                request,
                _(
                    "このアカウントは職員として登録されていません。システム管理者に連絡してください。"
                ),
            )
            return HttpResponseRedirect(login_url)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        record_authentication(
            request,
            user,
            "sso",
            issuer=claims.get("iss"),
            sub=claims.get("sub"),
            reauthenticated=True,
        )
        target = flow.get("next") or reverse("office:dashboard")
        if sso.second_factor_used(claims):
            record_authentication(request, user, "mfa", type="idp", reauthenticated=True)
            return HttpResponseRedirect(target)
        # The directory did not vouch for a second factor: ask for ours.
        return HttpResponseRedirect(
            f"{reverse('mfa_reauthenticate')}?{urlencode({'next': target})}"
        )


def _resident_only(request: HttpRequest) -> None:
    if request.user.kind != User.Kind.RESIDENT:
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The resident's account: who we know them to be and how to change it."""
    if request.user.kind == User.Kind.STAFF:
        return redirect("office:dashboard")
    from allauth.mfa.models import Authenticator

    return render(
        request,
        "accounts/home.html",
        {
            "has_mfa": Authenticator.objects.filter(user=request.user).exists(),
            "breadcrumbs": [(_("ホーム"), reverse("portal:home")), (_("アカウント"), "")],
        },
    )


@login_required
def identity(request: HttpRequest) -> HttpResponse:
    _resident_only(request)
    return render(
        request,
        "accounts/identity.html",
        {
            "providers": providers(),
            "form": CounterCodeForm(),
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("アカウント"), reverse("accounts:home")),
                (_("本人確認"), ""),
            ],
        },
    )


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


@login_required
@require_POST
def identity_start(request: HttpRequest, provider: str) -> HttpResponse:
    _resident_only(request)
    chosen = get_provider(provider)
    if chosen is None:
        raise Http404
    flow = request.session[FLOW_SESSION_KEY] = _pkce_flow(request, provider=chosen.key)
    redirect_uri = request.build_absolute_uri(reverse("identity_callback"))
    url = chosen.authorization_url(
        request,
        state=flow["state"],
        nonce=flow["nonce"],
        code_challenge=_challenge(flow["verifier"]),
        redirect_uri=redirect_uri,
    )
    return HttpResponseRedirect(url)


def identity_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the resident back (outside the language prefix, so one
    redirect URI can be registered with the provider)."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    # Single use: a replayed callback finds no flow and fails.
    ip = client_ip(request)
    language = (request.session.get(FLOW_SESSION_KEY) or {}).get("language")
    with translation.override(language or request.LANGUAGE_CODE):
        target, done = reverse("accounts:identity"), reverse("accounts:home")
    try:
        flow = _checked_flow(request, FLOW_SESSION_KEY)
        provider = get_provider(flow["provider"])
        if provider is None:
            raise IdentityFlowError("invalid", "provider no longer offered")
        claims = provider.complete(
            request,
            code=request.GET["code"],
            code_verifier=flow["verifier"],
            nonce=flow["nonce"],
            redirect_uri=request.build_absolute_uri(reverse("identity_callback")),
        )
        services.identity_verify(
            user=request.user, provider=provider.key, claims=claims, ip_address=ip
        )
    except IdentityFlowError as exc:
        from yakusho.core.audit import audit_record

        audit_record(
            action="identity.failed",
            actor=request.user,
            obj=request.user,
            ip_address=ip,
            data={"reason": exc.code, "detail": exc.detail[:200]},
        )
        messages.error(request, exc.message)
        return HttpResponseRedirect(target)
    except services.IdentityError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(target)
    messages.success(
        request, _("本人確認ができました。本人確認が必要な手続きも使えるようになりました。")
    )
    return HttpResponseRedirect(done)


@login_required
@require_http_methods(["GET", "POST"])
def identity_demo_authorize(request: HttpRequest) -> HttpResponse:
    """The demo provider's "app": pick which demo resident's card is being read."""
    from yakusho.residents.models import ResidentRecord

    provider = get_provider("demo")
    params = request.POST if request.method == "POST" else request.GET
    redirect_uri = params.get("redirect_uri", "")
    expected = request.build_absolute_uri(reverse("identity_callback"))
    if provider is None or redirect_uri != expected or not params.get("state"):
        raise Http404
    current = ResidentRecord.objects.filter(is_current=True).order_by("atena_number")
    if request.method == "POST":
        back = {"state": params["state"]}
        if "cancel" in request.POST:
            back["error"] = "access_denied"
        else:
            picked = request.POST.get("resident", "")
            chosen = current.filter(pk=int(picked)).first() if picked.isdigit() else None
            if chosen is None:
                raise Http404
            back["code"] = DemoProvider.issue_code(
                resident_id=chosen.pk,
                nonce=params.get("nonce", ""),
                code_challenge=params.get("code_challenge", ""),
                redirect_uri=redirect_uri,
            )
        return HttpResponseRedirect(f"{redirect_uri}?{urlencode(back)}")
    return render(
        request, "accounts/identity_demo.html", {"residents": current[:20], "params": params}
    )


@login_required
@require_POST
def counter_code(request: HttpRequest) -> HttpResponse:
    _resident_only(request)
    ip = client_ip(request)
    form = CounterCodeForm(request.POST)
    wait = counter_code_throttle.check(user=str(request.user.pk), ip=ip)
    if wait:
        form.add_error(
            "code",
            _(
                "確認コードの入力が続いたため、受け付けを止めています。%(minutes)d分後にもう一度お試しください。"
            )
            % {"minutes": wait},
        )
    elif form.is_valid():
        try:
            services.counter_code_redeem(
                user=request.user, code=form.cleaned_data["code"], ip_address=ip
            )
        except services.IdentityError as exc:
            counter_code_throttle.hit(user=str(request.user.pk), ip=ip)
            form.add_error("code", exc.message)
        else:
            messages.success(
                request, _("本人確認ができました。本人確認が必要な手続きも使えるようになりました。")
            )
            return redirect("accounts:home")
    return render(
        request,
        "accounts/identity.html",
        {
            "providers": providers(),
            "form": form,
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("アカウント"), reverse("accounts:home")),
                (_("本人確認"), ""),
            ],
        },
        status=400,
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    _resident_only(request)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.account_delete(user=user, ip_address=client_ip(request))
        logout(request)
        messages.success(request, _("アカウントを削除しました。ご利用ありがとうございました。"))
        return redirect("portal:home")
    return render(
        request,
        "accounts/delete.html",
        {
            "form": form,
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("アカウント"), reverse("accounts:home")),
                (_("アカウントの削除"), ""),
            ],
        },
    )
