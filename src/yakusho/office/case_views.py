"""Casework in the office: the department's queue, a case and everything done to it."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.accounts.models import Role, User
from yakusho.accounts.selectors import staff_scope
from yakusho.cases import handoff, selectors, services
from yakusho.cases.models import (
    CLOSED_STATES,
    OPEN_STATES,
    Case,
    Decision,
    HandoffDelivery,
    IssuedDocument,
    State,
)
from yakusho.core.audit import audit_record
from yakusho.core.network import client_ip
from yakusho.payments import selectors as payment_selectors
from yakusho.payments import services as payment_services
from yakusho.payments.forms import ChargeRequestForm
from yakusho.procedures.engine import FormDefinition
from yakusho.procedures.engine.summary import summarise
from yakusho.procedures.models import Procedure

from .case_forms import BulkForm, CorrectionForm, DecisionForm, MessageForm, QueueForm
from .permissions import CASEWORK, role_required

PAGE_SIZE = 50


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("職員ポータル"), reverse("office:dashboard")),
        (_("案件"), reverse("office:queue")),
        *items,
    ]


def _colleagues(user: User, department_ids) -> list[User]:
    from yakusho.accounts.models import StaffAssignment

    ids = StaffAssignment.objects.filter(
        department_id__in=department_ids, role__in=CASEWORK
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


@role_required(*CASEWORK)
def queue(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    departments = scope.department_ids()
    procedures = Procedure.objects.filter(department_id__in=departments).order_by(
        "sort_order", "code"
    )
    colleagues = _colleagues(request.user, departments)
    form = QueueForm(request.GET or None, procedures=procedures, colleagues=colleagues)
    filters = form.filters()
    page = selectors.queue_page(request.user, filters, request.GET.get("page"), PAGE_SIZE)
    audit_record(
        action="case.list",
        actor=request.user,
        ip_address=client_ip(request),
        data={
            "filters": {k: str(v) for k, v in vars(filters).items() if v},
            "page": page.number,
            "ids": [c.pk for c in page.object_list],
        },
    )
    return render(
        request,
        "office/cases/queue.html",
        {
            "form": form,
            "page": page,
            "bulk_form": BulkForm(colleagues=colleagues),
            "today": timezone.localdate(),
            "breadcrumbs": [(_("職員ポータル"), reverse("office:dashboard")), (_("案件"), "")],
        },
    )


def _case(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    return case


@role_required(*CASEWORK)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    audit_record(
        action="case.view",
        actor=request.user,
        obj=case,
        ip_address=client_ip(request),
        purpose=request.GET.get("purpose", "")[:200],
    )
    definition = FormDefinition.parse(case.submission.version.definition)
    versions = list(case.answer_versions.all())
    diffs = [
        (newer, selectors.answer_diff(case, older, newer))
        for older, newer in itertools.pairwise(versions)
    ]
    scope = staff_scope(request.user)
    pending = case.decisions.filter(stage=Decision.Stage.AWAITING_APPROVAL).first()
    correctable = [
        (key, str(item.label))
        for key, item in definition.fields.items()
        if item.type not in ("info", "file")
    ]
    return render(
        request,
        "office/cases/detail.html",
        {
            "case": case,
            "submission": case.submission,
            "sections": summarise(
                definition, case.submission.answers, language="ja", sources=case.submission.sources
            ),
            "diffs": diffs,
            "events": case.events.select_related("actor"),
            "messages_list": case.messages.select_related("author"),
            "documents": case.documents.all(),
            "handoffs": case.handoffs.select_related("target"),
            "transitions": [
                (s, State(s).label) for s in services.TRANSITIONS.get(case.state, set())
            ],
            "charges": payment_selectors.charges_for_submission(case.submission),
            "charge_form": _charge_form(case),
            "message_form": MessageForm(),
            "correction_form": CorrectionForm(choices=correctable),
            "decision_form": DecisionForm(),
            "pending": pending,
            "may_approve": pending is not None
            and case.department_id in scope.department_ids(Role.KESSAI, Role.SHOZOKUCHO)
            and pending.drafted_by_id != request.user.pk,
            "colleagues": _colleagues(request.user, [case.department_id]),
            "open": case.state in OPEN_STATES,
            "closed": case.state in CLOSED_STATES,
            "breadcrumbs": _crumbs((case.receipt_number, "")),
        },
    )


def _charge_form(case: Case) -> ChargeRequestForm | None:
    """審査後決済: offered while no charge is open, with the form's computed fee filled in."""
    procedure = case.submission.procedure
    if procedure.payment_timing != "after" or case.state not in OPEN_STATES:
        return None
    if payment_selectors.unpaid_charge_for(case.submission) is not None:
        return None
    return ChargeRequestForm(
        initial={"amount": case.submission.computed.get(procedure.fee_key) or None}
    )


@role_required(*CASEWORK)
@require_POST
def case_charge(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ChargeRequestForm(request.POST)
    if _charge_form(case) is None or not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("office:case", pk=pk)
    try:
        charge = payment_services.charge_for_submission(
            submission=case.submission, amount=form.cleaned_data["amount"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _(
                "手数料 %(amount)s円 を請求しました（納付番号 %(ref)s）。申請者にメールで知らせました。"
            )
            % {"amount": f"{charge.amount:,}", "ref": charge.reference},
        )
    return redirect("office:case", pk=pk)


def _revision(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


def _act(request: HttpRequest, case: Case, action, success: str) -> HttpResponse:
    try:
        action()
    except services.Conflict as exc:
        messages.error(request, exc.message)
    except services.IllegalTransition as exc:
        messages.error(request, exc.message)
    except services.CorrectionClosed as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("この操作はできません。"))
    else:
        messages.success(request, success)
    return redirect("office:case", pk=case.pk)


@role_required(*CASEWORK)
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    to_state = request.POST.get("to_state", "")
    return _act(
        request,
        case,
        lambda: services.case_transition(
            case=case,
            to_state=to_state,
            actor=request.user,
            revision=_revision(request) or -1,
            note=request.POST.get("note", "")[:1000],
        ),
        _("状態を変えました。"),
    )


@role_required(*CASEWORK)
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    value = request.POST.get("assignee", "")
    assignee = (
        request.user
        if value == "me"
        else User.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )
    return _act(
        request,
        case,
        lambda: services.case_assign(
            case=case, assignee=assignee, actor=request.user, revision=_revision(request) or -1
        ),
        _("担当者を変えました。"),
    )


@role_required(*CASEWORK)
@require_POST
def case_message(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("お知らせの本文を入力してください。"))
        return redirect("office:case", pk=pk)
    return _act(
        request,
        case,
        lambda: services.message_send(
            case=case, body=form.cleaned_data["body"], actor=request.user
        ),
        _("お知らせを送りました。"),
    )


@role_required(*CASEWORK)
@require_POST
def case_correction(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    definition = FormDefinition.parse(case.submission.version.definition)
    form = CorrectionForm(
        request.POST, choices=[(k, str(i.label)) for k, i in definition.fields.items()]
    )
    if not form.is_valid():
        messages.error(request, _("直してもらう項目と、依頼の内容を入力してください。"))
        return redirect("office:case", pk=pk)
    return _act(
        request,
        case,
        lambda: services.correction_request(
            case=case,
            fields=form.cleaned_data["fields"],
            message=form.cleaned_data["message"],
            actor=request.user,
            revision=_revision(request) or -1,
        ),
        _("補正を依頼しました。"),
    )


@role_required(*CASEWORK)
@require_POST
def case_decision(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("決定の内容を選んでください。"))
        return redirect("office:case", pk=pk)
    return _act(
        request,
        case,
        lambda: services.decision_draft(
            case=case,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            revision=_revision(request) or -1,
        ),
        _("決定を起案しました。"),
    )


@role_required(Role.KESSAI, Role.SHOZOKUCHO)
@require_POST
def case_approval(request: HttpRequest, pk: int, decision: int) -> HttpResponse:
    case = _case(request, pk)
    found = get_object_or_404(Decision, pk=decision, case=case)
    comment = request.POST.get("comment", "")[:1000]
    if request.POST.get("action") == "send_back":
        return _act(
            request,
            case,
            lambda: services.decision_send_back(
                decision=found, approver=request.user, comment=comment
            ),
            _("差し戻しました。"),
        )
    return _act(
        request,
        case,
        lambda: services.decision_approve(decision=found, approver=request.user, comment=comment),
        _("決裁しました。通知書を発行しました。"),
    )


@role_required(*CASEWORK)
def case_document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    case = _case(request, pk)
    found = get_object_or_404(IssuedDocument, pk=document, case=case)
    audit_record(
        action="case.document_download",
        actor=request.user,
        obj=case,
        ip_address=client_ip(request),
        data={"number": found.number},
    )
    return FileResponse(
        found.file.open("rb"), content_type="application/pdf", filename=f"{found.number}.pdf"
    )


@role_required(*CASEWORK)
@require_POST
def case_resend(request: HttpRequest, pk: int, delivery: int) -> HttpResponse:
    case = _case(request, pk)
    found = get_object_or_404(HandoffDelivery, pk=delivery, case=case)
    if handoff.resend(found, actor=request.user):
        messages.success(request, _("もう一度送ります。"))
    else:
        messages.info(request, _("送信済みのため、もう一度は送りません。"))
    return redirect("office:case", pk=pk)


@role_required(*CASEWORK)
@require_http_methods(["POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    """Bulk assignment or state change: first a confirmation page, then the change."""
    scope = staff_scope(request.user)
    form = BulkForm(request.POST, colleagues=_colleagues(request.user, scope.department_ids()))
    ids = [int(i) for i in request.POST.getlist("cases") if i.isdigit()][:200]
    cases = list(selectors.queue(request.user, selectors.QueueFilters()).filter(pk__in=ids))
    if not cases or not form.is_valid():
        messages.error(request, _("案件と操作を選んでください。"))
        return redirect("office:queue")
    if "confirm" not in request.POST:
        return render(
            request,
            "office/cases/bulk_confirm.html",
            {"form": form, "cases": cases, "breadcrumbs": _crumbs((_("まとめて変更"), ""))},
        )
    data = form.cleaned_data
    done, refused = services.cases_bulk(
        cases=cases,
        actor=request.user,
        assignee=data.get("assignee"),
        to_state=data.get("to_state") or "",
        unassign=data["action"] == "unassign",
    )
    messages.success(request, _("%(count)d件を変更しました。") % {"count": done})
    if refused:
        messages.warning(
            request, _("変更できなかった案件：%(list)s") % {"list": "、".join(refused)}
        )
    return redirect("office:queue")


@role_required(Role.SHOZOKUCHO, Role.KESSAI)
def stats(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    procedures = Procedure.objects.filter(
        department_id__in=scope.department_ids(Role.SHOZOKUCHO, Role.KESSAI)
    ).order_by("sort_order")
    return render(
        request,
        "office/cases/stats.html",
        {
            "rows": [(p, selectors.procedure_stats(p.pk)) for p in procedures],
            "breadcrumbs": _crumbs((_("手続きごとの統計"), "")),
        },
    )
