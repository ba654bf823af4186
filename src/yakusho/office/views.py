"""Staff pages that compose several apps."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.accounts import services as account_services
from yakusho.accounts.forms import CounterIssueForm, ResidentSearchForm
from yakusho.accounts.models import Role, StaffAssignment, User
from yakusho.accounts.selectors import staff_members
from yakusho.core.audit import audit_record
from yakusho.core.network import client_ip
from yakusho.core.selectors import audit_search
from yakusho.residents.models import ResidentRecord
from yakusho.residents.selectors import household_members, resident_search

from .forms import AssignmentForm, AuditFilterForm, ComponentDemoForm, StaffCreateForm
from .permissions import CASEWORK, role_required, staff_required

PURPOSE_COUNTER = "窓口での本人確認"


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("職員ポータル"), reverse("office:dashboard")), *items]


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs doing: the departments' open, overdue and soon-due cases, one's own, and the
    decisions waiting for one's approval."""
    from yakusho.accounts.selectors import staff_scope
    from yakusho.cases.models import Case, Decision
    from yakusho.cases.selectors import queue_counts
    from yakusho.core.japanese.calendar import add_business_days

    scope = staff_scope(request.user)
    departments = list(scope.department_ids())
    today = timezone.localdate()
    counts = (
        queue_counts(department_ids=departments, today=today, soon=add_business_days(today, 3))
        if departments
        else {}
    )
    approvals = (
        Decision.objects.filter(
            stage=Decision.Stage.AWAITING_APPROVAL,
            case__department_id__in=scope.department_ids(Role.KESSAI, Role.SHOZOKUCHO),
        )
        .exclude(drafted_by=request.user)
        .select_related("case__procedure")[:20]
    )
    mine = Case.objects.filter(
        assignee=request.user, state__in=["received", "reviewing", "correction"]
    ).count()
    return render(
        request,
        "office/dashboard.html",
        {"counts": counts, "approvals": approvals, "mine": mine, "casework": bool(departments)},
    )


@staff_required
def components(request: HttpRequest) -> HttpResponse:
    """Every component of the design system, rendered live (the library's documentation)."""
    form = ComponentDemoForm(request.POST or None, request.FILES or None)
    submitted = False
    if request.method == "POST" and not form.looked_up_postal_code() and form.is_valid():
        submitted = True
    page = Paginator(range(1, 201), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "office/components.html",
        {
            "form": form,
            "submitted": submitted,
            "page": page,
            "summary_rows": [
                {"label": _("氏名"), "value": "秦野 太郎", "change_url": "#id_name"},
                {"label": _("住所"), "value": "神奈川県秦野市平沢", "change_url": "#id_address"},
            ],
            "step_labels": [_("入力"), _("確認"), _("完了")],
            "breadcrumbs": _crumbs((_("部品一覧"), "")),
        },
    )


# --- counter (書かない窓口): find the resident, check identity in person, issue a code --------


@role_required(*CASEWORK)
def counter(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        results = list(
            resident_search(
                query=form.cleaned_data["query"], birth_date=form.cleaned_data["birth_date"]
            )[:50]
        )
        audit_record(
            action="resident.search",
            actor=request.user,
            purpose=PURPOSE_COUNTER,
            ip_address=client_ip(request),
            object_type="residents.residentrecord",
            data={
                "query": form.cleaned_data["query"],
                "results": len(results),
                "ids": [r.pk for r in results],
            },
        )
    return render(
        request,
        "office/counter.html",
        {
            "form": form,
            "results": results,
            "breadcrumbs": _crumbs((_("窓口（本人確認）"), "")),
        },
    )


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def counter_resident(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(ResidentRecord, pk=pk, is_current=True)
    form = CounterIssueForm(request.POST or None, initial={"resident": resident.pk})
    code = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data["resident"] == resident:
        code = account_services.counter_code_issue(
            resident=resident, staff=request.user, ip_address=client_ip(request)
        )
    else:
        audit_record(
            action="resident.view",
            actor=request.user,
            obj=resident,
            purpose=PURPOSE_COUNTER,
            ip_address=client_ip(request),
        )
    return render(
        request,
        "office/counter_resident.html",
        {
            "resident": resident,
            "household": household_members(resident),
            "form": form,
            "code": code,
            "breadcrumbs": _crumbs(
                (_("窓口（本人確認）"), reverse("office:counter")), (resident.name, "")
            ),
        },
    )


# --- audit log (監査) -------------------------------------------------------------------------


def _audit_filters(form: AuditFilterForm) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


@role_required(Role.AUDITOR)
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = _audit_filters(form)
    page = Paginator(audit_search(**filters), 50).get_page(request.GET.get("page"))
    audit_record(
        action="audit.view",
        actor=request.user,
        ip_address=client_ip(request),
        data={k: str(v) for k, v in filters.items()},
    )
    return render(
        request,
        "office/audit.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "breadcrumbs": _crumbs((_("監査記録"), "")),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@role_required(Role.AUDITOR)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV for Excel (UTF-8 with BOM). The export itself is recorded first."""
    form = AuditFilterForm(request.GET or None)
    filters = _audit_filters(form)
    audit_record(
        action="audit.export",
        actor=request.user,
        ip_address=client_ip(request),
        data={k: str(v) for k, v in filters.items()},
    )
    records = audit_search(**filters)
    writer = csv.writer(_Echo())
    header = [
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "purpose",
        "ip_address",
        "data",
        "hash",
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for r in records.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    r.seq,
                    timezone.localtime(r.at).isoformat(),
                    r.actor_label,
                    r.action,
                    r.object_type,
                    r.object_id,
                    r.purpose,
                    r.ip_address or "",
                    r.data,
                    r.hash,
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


# --- staff administration (システム管理者) ------------------------------------------------------


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = account_services.staff_create(
                username=data["email"],
                email=data["email"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                actor=request.user,
                ip_address=client_ip(request),
            )
            account_services.staff_assign(
                user=user,
                department=data["department"],
                role=data["role"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        messages.success(
            request, _("職員を登録しました。本人にパスワード設定の案内を送ってください。")
        )
        return redirect("office:staff_detail", pk=user.pk)
    return render(
        request,
        "office/staff_list.html",
        {
            "staff": staff_members(),
            "form": form,
            "breadcrumbs": _crumbs((_("職員の管理"), "")),
        },
    )


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, kind=User.Kind.STAFF)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.staff_assign(
            user=member,
            department=form.cleaned_data["department"],
            role=form.cleaned_data["role"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        messages.success(request, _("役割を追加しました。"))
        return redirect("office:staff_detail", pk=member.pk)
    return render(
        request,
        "office/staff_detail.html",
        {
            "member": member,
            "form": form,
            "assignments": member.assignments.select_related("department").order_by(
                "department__sort_order"
            ),
            "breadcrumbs": _crumbs(
                (_("職員の管理"), reverse("office:staff_list")),
                (f"{member.last_name} {member.first_name}", ""),
            ),
        },
    )


@role_required(Role.SYSADMIN)
@require_POST
def staff_unassign(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    found = get_object_or_404(
        StaffAssignment.objects.select_related("department", "user"), pk=assignment, user_id=pk
    )
    account_services.staff_unassign(
        assignment=found, actor=request.user, ip_address=client_ip(request)
    )
    messages.success(request, _("役割を外しました。"))
    return redirect("office:staff_detail", pk=pk)


@role_required(Role.SYSADMIN)
@require_POST
def staff_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, kind=User.Kind.STAFF)
    account_services.staff_reset_mfa(user=member, actor=request.user, ip_address=client_ip(request))
    messages.success(
        request, _("2段階認証をリセットしました。次のログインで設定し直してもらいます。")
    )
    return redirect("office:staff_detail", pk=pk)
