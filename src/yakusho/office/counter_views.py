"""Counter mode (書かない窓口): staff fill in procedures with the resident at the counter,
from the registry, show the summary on a second screen or on paper, and send it once the
resident has confirmed it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.cases import selectors as case_selectors
from yakusho.core.network import client_ip
from yakusho.procedures import selectors as procedure_selectors
from yakusho.procedures import services as procedure_services
from yakusho.procedures.engine import FormDefinition
from yakusho.procedures.engine.forms import build_step_form, clean_step
from yakusho.procedures.engine.summary import summarise
from yakusho.procedures.flow import handle_step_post, step_form_for
from yakusho.procedures.models import Draft, LifeEvent
from yakusho.procedures.prefill import source_label
from yakusho.residents.models import ResidentRecord

from .permissions import CASEWORK, role_required


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("職員ポータル"), reverse("office:dashboard")),
        (_("窓口（本人確認）"), reverse("office:counter")),
        *items,
    ]


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(ResidentRecord, pk=pk, is_current=True)
    procedures = procedure_selectors.published_procedures()
    if request.method == "POST":
        procedure = procedures.filter(code=request.POST.get("procedure", "")).first()
        if procedure is None:
            messages.error(request, _("手続きを選んでください。"))
        else:
            draft = procedure_services.draft_start_at_counter(
                procedure=procedure, resident=resident, staff=request.user
            )
            first = (
                FormDefinition.parse(draft.version.definition).visible_steps(draft.answers)[0].key
            )
            return redirect("office:counter_step", key=draft.key, step=first)
    return render(
        request,
        "office/counter_start.html",
        {
            "resident": resident,
            "procedures": procedures,
            "life_events": procedure_selectors.life_events(),
            "drafts": Draft.objects.filter(
                assisted_by=request.user, resident=resident
            ).select_related("procedure"),
            "breadcrumbs": _crumbs(
                (resident.name, reverse("office:counter_resident", args=[pk])),
                (_("申請の入力"), ""),
            ),
        },
    )


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def life_event(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The life event's questions asked at the counter; the answers start every form the
    resident needs at once, with what they share asked once."""
    resident = get_object_or_404(ResidentRecord, pk=pk, is_current=True)
    event = get_object_or_404(LifeEvent, code=code)
    definition = FormDefinition.parse(event.questionnaire["definition"])
    data = request.POST if request.method == "POST" else None
    step_form = build_step_form(definition, definition.steps[0], {}, data=data, language="ja")
    needed = None
    if data is not None:
        valid, answers = clean_step(step_form)
        if valid:
            needed = procedure_services.life_event_procedures(event, answers)
            if "confirm" in request.POST and needed:
                drafts = procedure_services.counter_life_event_start(
                    life_event=event, resident=resident, staff=request.user, answers=answers
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d件の手続きの入力をはじめました。",
                        "%(count)d件の手続きの入力をはじめました。",
                        len(drafts),
                    )
                    % {"count": len(drafts)},
                )
                return redirect("office:counter_start", pk=resident.pk)
    return render(
        request,
        "office/counter_life_event.html",
        {
            "resident": resident,
            "event": event,
            "step_form": step_form,
            "needed": needed,
            "breadcrumbs": _crumbs(
                (resident.name, reverse("office:counter_start", args=[pk])),
                (event.name, ""),
            ),
        },
        status=400 if step_form.form.errors else 200,
    )


def _draft(request: HttpRequest, key: str) -> Draft:
    draft = (
        Draft.objects.select_related("procedure", "version", "resident")
        .filter(key=key, assisted_by=request.user)
        .first()
    )
    if draft is None:
        raise Http404
    return draft


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, key: str, step: str) -> HttpResponse:
    draft = _draft(request, key)
    definition = FormDefinition.parse(draft.version.definition)
    current = definition.step(step)
    if current is None or not current.is_visible(draft.answers):
        raise Http404
    if request.method == "POST":
        outcome = handle_step_post(request, draft, definition, step, language="ja")
        if outcome.saved and not outcome.exit:
            target = outcome.next_step
            if target == "check" or request.GET.get("return") == "check":
                return redirect("office:counter_check", key=draft.key)
            return redirect("office:counter_step", key=draft.key, step=target)
        step_form = outcome.step_form
    else:
        step_form = step_form_for(draft, definition, step, language="ja")
    visible = definition.visible_steps(draft.answers)
    return render(
        request,
        "office/counter_step.html",
        {
            "draft": draft,
            "step_form": step_form,
            "step": current,
            "steps": [str(s.title) for s in visible] + [_("確認")],
            "step_number": [s.key for s in visible].index(step) + 1,
            "source_labels": {k: source_label(v) for k, v in draft.sources.items()},
            "breadcrumbs": _crumbs(
                (
                    draft.resident.name if draft.resident else "",
                    reverse("office:counter_start", args=[draft.resident_id]),
                ),
                (str(current.title), ""),
            ),
        },
        status=400 if step_form.form.errors else 200,
    )


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(request, key)
    definition = FormDefinition.parse(draft.version.definition)
    missing = procedure_services.missing_step(definition, draft.answers)
    if request.method == "POST":
        if request.POST.get("confirmed") != "on":
            messages.error(
                request, _("申請者本人に内容を確認してもらい、チェックを入れてください。")
            )
        elif missing:
            return redirect("office:counter_step", key=draft.key, step=missing)
        else:
            submission = procedure_services.submission_create(
                draft=draft, language="ja", staff_assisted=True, actor=request.user
            )
            messages.success(
                request,
                _("申請を受け付けました。受付番号は %(number)s です。")
                % {"number": submission.receipt_number},
            )
            # The counter often serves another department's procedure: open the case only
            # where this member of staff may see it, otherwise go back to the resident.
            if case_selectors.case_for(request.user, submission.case.pk) is not None:
                return redirect("office:case", pk=submission.case.pk)
            return redirect("office:counter_start", pk=draft.resident_id)
    template = (
        "office/counter_screen.html"
        if request.GET.get("screen") == "resident"
        else "office/counter_check.html"
    )
    return render(
        request,
        template,
        {
            "draft": draft,
            "missing": missing,
            "sections": summarise(definition, draft.answers, language="ja", sources=draft.sources),
            "breadcrumbs": _crumbs((draft.procedure.name, ""), (_("入力内容の確認"), "")),
            "ip": client_ip(request),
        },
    )


@role_required(*CASEWORK)
@require_POST
def discard(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(request, key)
    resident_id = draft.resident_id
    procedure_services.draft_discard(draft=draft)
    return redirect("office:counter_start", pk=resident_id)
