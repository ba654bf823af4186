"""Residents' pages of the procedures app: finder, procedure pages, the form, submissions,
life events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import documents, selectors, services
from .engine import FormDefinition
from .engine.forms import build_step_form, clean_step
from .engine.summary import summarise
from .flow import handle_step_post, step_form_for
from .models import Bundle, Draft, LifeEvent, Procedure, Submission
from .prefill import source_label


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("ホーム"), reverse("portal:home")),
        (_("手続きをさがす"), reverse("procedures:finder")),
        *items,
    ]


def finder(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    category = request.GET.get("category", "")[:40]
    catalogue = selectors.catalogue()
    results = (
        selectors.procedure_search(query, category=category, within=catalogue)
        if (query or category)
        else None
    )
    return render(
        request,
        "procedures/finder.html",
        {
            "query": query,
            "category": category,
            "results": results,
            "categories": catalogue.categories,
            "life_events": catalogue.life_events,
            "breadcrumbs": [(_("ホーム"), reverse("portal:home")), (_("手続きをさがす"), "")],
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.published_procedure(code)
    if procedure is None:
        raise Http404
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "breadcrumbs": _crumbs((selectors.localized(procedure, "name").text, "")),
        },
    )


@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(selectors.published_procedures(), code=code)
    try:
        services.identity_gate(procedure, request.user)
    except services.AccessRefused as refused:
        return _refused(request, refused.reason, procedure)
    if not request.session.session_key:
        request.session.save()
    draft = services.draft_start(
        procedure=procedure, user=request.user, session_key=request.session.session_key
    )
    definition = selectors.definition_of(draft.version)
    first = definition.visible_steps(draft.answers)[0].key
    return redirect("procedures:step", key=draft.key, step=first)


def _refused(request: HttpRequest, reason: str, procedure: Procedure) -> HttpResponse:
    here = reverse("procedures:detail", args=[procedure.code])
    if reason == "login":
        return redirect_to_login(here, reverse("account_login"))
    if reason == "verify":
        messages.info(
            request,
            _(
                "この手続きには本人確認が必要です。マイナンバーカードか、市役所の窓口で確認できます。"
            ),
        )
        return redirect("accounts:identity")
    if reason == "email":
        messages.info(request, _("メールアドレスの確認が済んでから申し込めます。"))
        return redirect("accounts:home")
    messages.info(
        request, _("職員のアカウントでは申請できません。窓口での入力は職員ポータルからどうぞ。")
    )
    return redirect("procedures:detail", code=procedure.code)


def _draft(request: HttpRequest, key: str) -> Draft | HttpResponse:
    """The resident's own draft; a sent one leads to its submission; anyone else's is a 404.
    A page may show the procedure as the catalogue stood up to a second ago; a send, a save or
    a discard asks whether it changed."""
    max_age = selectors.PAGE_CATALOGUE_MAX_AGE if request.method == "GET" else 0.0
    draft = selectors.draft_by_key(key, catalogue_max_age=max_age)
    if draft is None:
        sent = Submission.objects.filter(draft_key=key).first()
        if sent is not None and _may_see(request, sent):
            return redirect("procedures:submission", number=sent.receipt_number)
        raise Http404
    user = request.user
    if draft.owner_id is not None:
        if not user.is_authenticated or draft.owner_id != user.pk:
            raise Http404
        draft.owner = user  # the signed-in resident, already loaded
    elif not draft.session_key or draft.session_key != request.session.session_key:
        raise Http404
    return draft


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, key: str, step: str) -> HttpResponse:
    draft = _draft(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    definition = selectors.definition_of(draft.version)
    current = definition.step(step)
    if current is None or not current.is_visible(draft.answers):
        raise Http404
    back_to_check = request.GET.get("return") == "check"
    if request.method == "POST":
        outcome = handle_step_post(request, draft, definition, step, language=request.LANGUAGE_CODE)
        if outcome.exit:
            messages.success(request, _("途中まで保存しました。マイページから続きを入力できます。"))
            return (
                redirect("portal:mypage")
                if draft.owner_id
                else redirect("procedures:detail", code=draft.procedure.code)
            )
        if outcome.saved:
            target = "check" if back_to_check else outcome.next_step
            if target == "check":
                return redirect("procedures:check", key=draft.key)
            return redirect("procedures:step", key=draft.key, step=target)
        step_form = outcome.step_form
        status = 400 if step_form.form.errors else 200
    else:
        step_form = step_form_for(draft, definition, step, language=request.LANGUAGE_CODE)
        status = 200
    visible = definition.visible_steps(draft.answers)
    return render(
        request,
        "procedures/step.html",
        {
            "draft": draft,
            "procedure": draft.procedure,
            "step_form": step_form,
            "step": current,
            "steps": [str(s.title) for s in visible] + [_("確認")],
            "step_number": [s.key for s in visible].index(step) + 1,
            "source_labels": {
                k: source_label(v) if v != "bundle" else _("ほかの申請と共通")
                for k, v in draft.sources.items()
            },
            "back_to_check": back_to_check,
            "breadcrumbs": _crumbs(
                (
                    selectors.localized(draft.procedure, "name").text,
                    reverse("procedures:detail", args=[draft.procedure.code]),
                ),
                (str(current.title), ""),
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    definition = selectors.definition_of(draft.version)
    if request.method == "POST":
        try:
            submission = services.submission_create(draft=draft, language=request.LANGUAGE_CODE)
        except services.Incomplete as missing:
            messages.error(request, _("まだ入力されていない項目があります。"))
            return redirect("procedures:step", key=draft.key, step=missing.step_key)
        if submission.owner_id is None:
            seen = request.session.get(selectors.ANONYMOUS_RECEIPTS, [])
            request.session[selectors.ANONYMOUS_RECEIPTS] = [*seen, submission.receipt_number][-20:]
        from yakusho.payments.selectors import unpaid_charge_for

        charge = unpaid_charge_for(submission) if submission.procedure.payment_timing else None
        if charge is not None:
            return redirect(f"{reverse('payments:charge', args=[charge.reference])}?sent=1")
        return redirect(
            f"{reverse('procedures:submission', args=[submission.receipt_number])}?sent=1"
        )
    missing = services.missing_step(definition, draft.answers)
    visible = definition.visible_steps(draft.answers)
    fee = 0
    if draft.procedure.payment_timing == "before" and not missing:
        fee = int(definition.computed_values(draft.answers).get(draft.procedure.fee_key, 0))
    return render(
        request,
        "procedures/check.html",
        {
            "fee": fee,
            "draft": draft,
            "procedure": draft.procedure,
            "missing": missing,
            "sections": summarise(
                definition, draft.answers, language=request.LANGUAGE_CODE, sources=draft.sources
            ),
            "steps": [str(s.title) for s in visible] + [_("確認")],
            "step_number": len(visible) + 1,
            "breadcrumbs": _crumbs(
                (
                    selectors.localized(draft.procedure, "name").text,
                    reverse("procedures:detail", args=[draft.procedure.code]),
                ),
                (_("入力内容の確認"), ""),
            ),
        },
    )


@require_POST
def discard(request: HttpRequest, key: str) -> HttpResponse:
    draft = _draft(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    services.draft_discard(draft=draft)
    messages.success(request, _("下書きを削除しました。"))
    return (
        redirect("portal:mypage")
        if request.user.is_authenticated
        else redirect("procedures:finder")
    )


def _may_see(request: HttpRequest, submission: Submission) -> bool:
    if submission.owner_id is not None:
        return request.user.is_authenticated and request.user.pk == submission.owner_id
    return selectors.sent_in_session(request.session, submission.receipt_number)


def _submission(request: HttpRequest, number: str) -> Submission:
    submission = (
        Submission.objects.select_related("procedure", "version")
        .filter(receipt_number=number)
        .first()
    )
    if submission is None or not _may_see(request, submission):
        raise Http404
    return submission


def _correction_step(definition: FormDefinition, correction: Any) -> Any:
    """The fields staff asked to fix, as one step of the form."""
    from .engine.definition import Step

    items = [definition.fields[k] for k in correction.fields if k in definition.fields]
    return Step("correction", {"title": {"ja": _("申請内容の補正")}}, items)


@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The resident's submission: its status, the city's messages and documents, and the
    fields to fix when the city asked for a correction (補正)."""
    from yakusho.cases import selectors as case_selectors
    from yakusho.cases import services as case_services
    from yakusho.payments.selectors import charges_for_submission

    submission = _submission(request, number)
    definition = FormDefinition.parse(submission.version.definition)
    case = case_selectors.case_of_submission(submission)
    correction = case_selectors.open_correction(case) if case else None
    correction_form = None
    if correction is not None:
        data = request.POST if request.method == "POST" and "correction" in request.POST else None
        correction_form = build_step_form(
            definition,
            _correction_step(definition, correction),
            submission.answers,
            data=data,
            language=request.LANGUAGE_CODE,
        )
        if data is not None:
            valid, answers = clean_step(correction_form)
            if valid:
                try:
                    case_services.correction_answer(case=case, answers=answers, user=request.user)
                except case_services.CorrectionClosed as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("直した内容を送りました。担当課が確認します。"))
                return redirect("procedures:submission", number=number)
    elif request.method == "POST" and "correction" in request.POST:
        messages.error(request, case_services.CorrectionClosed.message)
        return redirect("procedures:submission", number=number)
    if request.method == "POST" and "reply" in request.POST and case is not None:
        body = request.POST.get("body", "").strip()[:4000]
        if body:
            case_services.message_from_resident(case=case, body=body, user=request.user)
            messages.success(request, _("メッセージを送りました。"))
        return redirect("procedures:submission", number=number)
    return render(
        request,
        "procedures/submission.html",
        {
            "submission": submission,
            "procedure": submission.procedure,
            "charges": charges_for_submission(submission),
            "status_text": selectors.status_text(submission),
            "sent": request.GET.get("sent") == "1",
            "case_messages": case.messages.all() if case else [],
            "documents": case.documents.all() if case else [],
            "correction": correction,
            "correction_form": correction_form,
            "sections": summarise(
                definition,
                submission.answers,
                language=request.LANGUAGE_CODE,
                sources=submission.sources,
            ),
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("マイページ"), reverse("portal:mypage")),
                (submission.receipt_number, ""),
            ],
        },
    )


def submission_document(request: HttpRequest, number: str, document: int) -> HttpResponse:
    from django.http import FileResponse

    from yakusho.cases.models import IssuedDocument

    submission = _submission(request, number)
    found = get_object_or_404(IssuedDocument, pk=document, case__submission=submission)
    return FileResponse(
        found.file.open("rb"), content_type="application/pdf", filename=f"{found.number}.pdf"
    )


def submission_receipt(request: HttpRequest, number: str) -> HttpResponse:
    submission = _submission(request, number)
    pdf = documents.receipt_pdf(submission)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{submission.receipt_number}.pdf"'
    return response


@require_POST
def submission_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    submission = _submission(request, number)
    from django.core.exceptions import ValidationError

    try:
        services.submission_withdraw(submission=submission, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("申請を取り下げました。"))
    return redirect("procedures:submission", number=submission.receipt_number)


# --- life events ---------------------------------------------------------------------------


def life_event(request: HttpRequest, code: str) -> HttpResponse:
    event = get_object_or_404(LifeEvent, code=code)
    definition = FormDefinition.parse(event.questionnaire["definition"])
    questions = definition.steps[0]
    crumbs = [
        (_("ホーム"), reverse("portal:home")),
        (_("手続きをさがす"), reverse("procedures:finder")),
        (selectors.localized(event, "name").text, ""),
    ]
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path, reverse("account_login"))
        step_form = build_step_form(
            definition, questions, {}, data=request.POST, language=request.LANGUAGE_CODE
        )
        valid, answers = clean_step(step_form)
        if valid:
            needed = services.life_event_procedures(event, answers)
            if "confirm" in request.POST and needed:
                try:
                    bundle = services.bundle_start(
                        life_event=event, user=request.user, answers=answers
                    )
                except services.AccessRefused as refused:
                    return _refused(request, refused.reason, needed[0])
                return redirect("procedures:bundle", key=bundle.key)
            return render(
                request,
                "procedures/life_event.html",
                {
                    "event": event,
                    "step_form": step_form,
                    "needed": needed,
                    "answered": True,
                    "breadcrumbs": crumbs,
                },
            )
    else:
        step_form = build_step_form(definition, questions, {}, language=request.LANGUAGE_CODE)
    return render(
        request,
        "procedures/life_event.html",
        {
            "event": event,
            "step_form": step_form,
            "breadcrumbs": crumbs,
            "procedures": event.procedures.filter(is_published=True),
        },
    )


def _bundle(request: HttpRequest, key: str) -> Bundle:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(selectors.bundles_of(request.user), key=key)


@require_http_methods(["GET", "POST"])
def bundle(request: HttpRequest, key: str) -> HttpResponse:
    found = _bundle(request, key)
    if request.method == "POST":
        try:
            services.bundle_submit(bundle=found, language=request.LANGUAGE_CODE)
        except services.Incomplete:
            messages.error(request, _("まだ入力が終わっていない手続きがあります。"))
        else:
            messages.success(
                request, _("まとめて申請しました。手続きごとの受付番号は下のとおりです。")
            )
        return redirect("procedures:bundle", key=found.key)
    drafts = []
    for draft in found.drafts.all():
        draft.version = selectors.form_version(draft.version_id)  # kept when published
        definition = selectors.definition_of(draft.version)
        missing = services.missing_step(definition, draft.answers)
        drafts.append(
            {
                "draft": draft,
                "missing": missing,
                "first": missing or definition.visible_steps(draft.answers)[0].key,
            }
        )
    return render(
        request,
        "procedures/bundle.html",
        {
            "bundle": found,
            "drafts": drafts,
            "submissions": [
                {"submission": s, "status_text": selectors.status_text(s)}
                for s in found.submissions.all()
            ],
            "ready": drafts and all(d["missing"] is None for d in drafts),
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("マイページ"), reverse("portal:mypage")),
                (selectors.localized(found.life_event, "name").text, ""),
            ],
        },
    )
