"""The procedure builder in the office: catalog entries and their forms, without JSON."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.accounts.models import Role
from yakusho.accounts.selectors import scope_to_departments, staff_scope
from yakusho.core.models import Department
from yakusho.procedures import builder, exchange, services
from yakusho.procedures.definition_labels import TYPE_LABELS
from yakusho.procedures.engine import DefinitionError, FormDefinition
from yakusho.procedures.engine.forms import build_step_form
from yakusho.procedures.models import Procedure

from .builder_forms import (
    DuplicateForm,
    FieldAddForm,
    FieldForm,
    HandoffTargetForm,
    ImportForm,
    ProcedureForm,
    StepForm,
    collect_text,
)
from .permissions import CASEWORK, role_required

PUBLISHERS = (Role.KESSAI, Role.SHOZOKUCHO)


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("職員ポータル"), reverse("office:dashboard")),
        (_("手続きの管理"), reverse("office:procedures")),
        *items,
    ]


def _departments(request: HttpRequest):
    """The departments whose procedures this member of staff may manage."""
    return Department.objects.filter(pk__in=staff_scope(request.user).department_ids()).order_by(
        "sort_order"
    )


def _procedure(request: HttpRequest, code: str) -> Procedure:
    """A procedure of a department the member of staff works in; others are a 404."""
    return get_object_or_404(
        scope_to_departments(
            Procedure.objects.select_related("department", "category"), request.user
        ),
        code=code,
    )


def _may_publish(request: HttpRequest, procedure: Procedure) -> bool:
    return procedure.department_id in staff_scope(request.user).department_ids(*PUBLISHERS)


@role_required(*CASEWORK)
def procedures(request: HttpRequest) -> HttpResponse:
    found = scope_to_departments(
        Procedure.objects.select_related("department", "published_version"), request.user
    ).order_by("department__sort_order", "sort_order", "code")
    return render(
        request,
        "office/builder/list.html",
        {
            "procedures": found,
            "import_form": ImportForm(),
            "breadcrumbs": [*_crumbs()[:-1], (_("手続きの管理"), "")],
        },
    )


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def procedure_new(request: HttpRequest) -> HttpResponse:
    form = ProcedureForm(request.POST or None, departments=_departments(request))
    if request.method == "POST" and form.is_valid():
        procedure = Procedure(code=form.cleaned_data["code"])
        _apply(procedure, form.cleaned_data)
        try:
            services.procedure_save(procedure=procedure, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            builder.step_add(procedure=procedure, title={"ja": _("申請者")}, actor=request.user)
            messages.success(
                request, _("手続きを作りました。申請フォームの項目を追加してください。")
            )
            return redirect("office:procedure", code=procedure.code)
    return render(
        request,
        "office/builder/procedure_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("新しい手続き"), ""))},
    )


def _apply(procedure: Procedure, data: dict) -> None:
    for name in ("name", "summary", "description", "eligibility", "fee_text"):
        text = collect_text(data, name)
        setattr(procedure, name, text.pop("ja", ""))
        setattr(procedure, f"{name}_translations", text)
    for name in (
        "department",
        "category",
        "identity_level",
        "processing_days",
        "fully_online",
        "legal_basis",
        "contact",
        "keywords",
    ):
        setattr(procedure, name, data[name])


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    initial = {
        name: getattr(procedure, name)
        for name in (
            "code",
            "department",
            "category",
            "identity_level",
            "processing_days",
            "fully_online",
            "legal_basis",
            "contact",
            "keywords",
        )
    }
    form = ProcedureForm(
        request.POST or None, departments=_departments(request), instance=procedure, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        _apply(procedure, form.cleaned_data)
        services.procedure_save(procedure=procedure, actor=request.user)
        messages.success(request, _("保存しました。"))
        return redirect("office:procedure", code=procedure.code)
    return render(
        request,
        "office/builder/procedure_form.html",
        {
            "form": form,
            "procedure": procedure,
            "breadcrumbs": _crumbs(
                (procedure.name, reverse("office:procedure", args=[code])), (_("基本情報"), "")
            ),
        },
    )


@role_required(*CASEWORK)
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """The editor: steps and fields of the draft form, problems, a preview, versions."""
    procedure = _procedure(request, code)
    draft = builder.draft_version(procedure)
    problems, previews = [], []
    try:
        definition = FormDefinition.parse(draft.definition)
    except DefinitionError as exc:
        problems = exc.problems
        definition = None
    if definition is not None:
        previews = [
            build_step_form(definition, step, {}, language=request.LANGUAGE_CODE)
            for step in definition.steps
        ]
    return render(
        request,
        "office/builder/editor.html",
        {
            "procedure": procedure,
            "draft": draft,
            "steps": [
                {"spec": step, "add_form": FieldAddForm(prefix=step["key"])}
                for step in draft.definition.get("steps", [])
            ],
            "problems": problems,
            "previews": previews,
            "type_labels": dict(TYPE_LABELS),
            "versions": procedure.versions.all(),
            "step_form": StepForm(),
            "may_publish": _may_publish(request, procedure),
            "duplicate_form": DuplicateForm(),
            "handoff_form": HandoffTargetForm(),
            "targets": procedure.handoff_targets.all(),
            "breadcrumbs": _crumbs((procedure.name, "")),
        },
    )


@role_required(*CASEWORK)
@require_POST
def step_add(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    form = StepForm(request.POST)
    if form.is_valid():
        builder.step_add(
            procedure=procedure, title=collect_text(form.cleaned_data, "title"), actor=request.user
        )
    else:
        messages.error(request, _("ステップの見出しを入力してください。"))
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, code: str, step: str) -> HttpResponse:
    procedure = _procedure(request, code)
    draft = builder.draft_version(procedure)
    current = next((s for s in draft.definition["steps"] if s["key"] == step), None)
    if current is None:
        raise Http404
    form = StepForm(request.POST or None, initial_texts=current)
    if request.method == "POST" and form.is_valid():
        builder.step_update(
            procedure=procedure,
            step_key=step,
            title=collect_text(form.cleaned_data, "title"),
            intro=collect_text(form.cleaned_data, "intro"),
            actor=request.user,
        )
        return redirect("office:procedure", code=code)
    return render(
        request,
        "office/builder/step_form.html",
        {
            "form": form,
            "procedure": procedure,
            "step": current,
            "breadcrumbs": _crumbs(
                (procedure.name, reverse("office:procedure", args=[code])), (_("ステップ"), "")
            ),
        },
    )


@role_required(*CASEWORK)
@require_POST
def field_add(request: HttpRequest, code: str, step: str) -> HttpResponse:
    procedure = _procedure(request, code)
    group = request.POST.get("group", "")
    form = FieldAddForm(request.POST, prefix=None if group else step)
    if not form.is_valid():
        messages.error(request, _("項目の種類と見出しを入力してください。"))
        return redirect("office:procedure", code=code)
    try:
        key = builder.field_add(
            procedure=procedure,
            step_key=step,
            field_type=form.cleaned_data["type"],
            label={"ja": form.cleaned_data["label"]},
            actor=request.user,
            group=group,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("office:procedure", code=code)
    url = reverse("office:field", args=[code, step, key])
    return redirect(f"{url}?group={group}" if group else url)


@role_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def field_edit(request: HttpRequest, code: str, step: str, key: str) -> HttpResponse:
    procedure = _procedure(request, code)
    group = request.GET.get("group") or request.POST.get("group", "")
    draft = builder.draft_version(procedure)
    try:
        item = builder.find_field(draft.definition, step, key, group)
    except ValidationError:
        raise Http404 from None
    earlier = []
    for candidate_step in draft.definition["steps"]:
        for candidate in candidate_step["fields"]:
            if candidate["key"] != key and candidate["type"] not in ("info", "group", "file"):
                earlier.append(
                    (
                        candidate["key"],
                        f"{candidate.get('label', {}).get('ja', candidate['key'])}（{candidate['key']}）",
                    )
                )
        if candidate_step["key"] == step:
            break
    form = FieldForm(request.POST or None, item=item, earlier=earlier)
    if request.method == "POST" and form.is_valid():
        try:
            builder.field_update(
                procedure=procedure,
                step_key=step,
                key=key,
                values=form.values(),
                actor=request.user,
                group=group,
            )
        except ValidationError as exc:
            form.add_error("key", exc)
        else:
            messages.success(request, _("項目を保存しました。"))
            return redirect("office:procedure", code=code)
    return render(
        request,
        "office/builder/field_form.html",
        {
            "form": form,
            "procedure": procedure,
            "step": step,
            "item": item,
            "group": group,
            "type_label": dict(TYPE_LABELS).get(item["type"], item["type"]),
            "add_form": FieldAddForm(),
            "breadcrumbs": _crumbs(
                (procedure.name, reverse("office:procedure", args=[code])), (_("項目の設定"), "")
            ),
        },
    )


@role_required(*CASEWORK)
@require_POST
def item_action(request: HttpRequest, code: str, step: str) -> HttpResponse:
    """Move up/down or delete a step or a field."""
    procedure = _procedure(request, code)
    key = request.POST.get("key") or None
    group = request.POST.get("group", "")
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            builder.item_move(
                procedure=procedure,
                step_key=step,
                key=key,
                direction=-1 if action == "up" else 1,
                actor=request.user,
                group=group,
            )
        elif action == "delete":
            builder.item_delete(
                procedure=procedure, step_key=step, key=key, actor=request.user, group=group
            )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    if group:
        return redirect(f"{reverse('office:field', args=[code, step, group])}")
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    if not _may_publish(request, procedure):
        messages.error(request, _("公開できるのは、担当課の決裁者か所属長です。"))
        return redirect("office:procedure", code=code)
    draft = builder.draft_version(procedure)
    try:
        services.form_version_publish(version=draft, actor=request.user)
        procedure.refresh_from_db()
        if not procedure.is_published:
            services.procedure_publish_state(
                procedure=procedure, published=True, actor=request.user
            )
    except DefinitionError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("公開しました。住民の方が申請できるようになりました。"))
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
@require_POST
def unpublish(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    if not _may_publish(request, procedure):
        raise Http404
    services.procedure_publish_state(procedure=procedure, published=False, actor=request.user)
    messages.success(request, _("公開をやめました。入力途中の下書きは、そのまま残ります。"))
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
def export(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    as_yaml = request.GET.get("format") == "yaml"
    text = exchange.dumps(exchange.procedure_export(procedure), as_yaml=as_yaml)
    extension = "yaml" if as_yaml else "json"
    response = HttpResponse(
        text, content_type=f"application/{'yaml' if as_yaml else 'json'}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{procedure.code}.{extension}"'
    return response


@role_required(*CASEWORK)
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 2 * 1024 * 1024:
                raise ValidationError(_("ファイルが大きすぎます（2MBまで）。"))
            data = exchange.loads(upload.read().decode("utf-8-sig"))
            if (
                Department.objects.filter(code=data.get("department"))
                .exclude(pk__in=staff_scope(request.user).department_ids())
                .exists()
            ):
                raise ValidationError(
                    _(
                        "担当していない課の手続きは取り込めません。ファイルの担当課を書き換えてください。"
                    )
                )
            procedure = exchange.procedure_import(data, actor=request.user, publish=False)
        except UnicodeDecodeError:
            messages.error(
                request, _("文字コードを読み取れません。UTF-8で保存したファイルを選んでください。")
            )
        except ValidationError as exc:
            for message in exc.messages[:10]:
                messages.error(request, message)
        else:
            messages.success(request, _("取り込みました。内容を確かめてから公開してください。"))
            return redirect("office:procedure", code=procedure.code)
    else:
        messages.error(request, _("ファイルを選んでください。"))
    return redirect("office:procedures")


@role_required(*CASEWORK)
@require_POST
def duplicate(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(request, code)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        try:
            copy = builder.procedure_duplicate(
                procedure=procedure, code=form.cleaned_data["code"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("複製しました。"))
            return redirect("office:procedure", code=copy.code)
    else:
        messages.error(request, _("新しいコードを半角英数字で入力してください。"))
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
@require_POST
def handoff_add(request: HttpRequest, code: str) -> HttpResponse:
    from yakusho.cases.models import HandoffTarget
    from yakusho.core.audit import audit_record

    procedure = _procedure(request, code)
    if not _may_publish(request, procedure):
        raise Http404
    form = HandoffTargetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("office:procedure", code=code)
    config, token = form.config()
    target = HandoffTarget.objects.create(
        procedure=procedure,
        kind=form.cleaned_data["kind"],
        name=form.cleaned_data["name"],
        config=config,
    )
    audit_record(
        action="procedure.handoff_added",
        actor=request.user,
        obj=procedure,
        data={"target": target.pk, "kind": target.kind},
    )
    if token:
        messages.warning(
            request,
            _("取得APIのトークン（この画面でしか表示しません）：%(token)s") % {"token": token},
        )
    else:
        messages.success(request, _("連携先を追加しました。"))
    return redirect("office:procedure", code=code)


@role_required(*CASEWORK)
@require_POST
def handoff_toggle(request: HttpRequest, code: str, target: int) -> HttpResponse:
    from yakusho.cases.models import HandoffTarget
    from yakusho.core.audit import audit_record

    procedure = _procedure(request, code)
    if not _may_publish(request, procedure):
        raise Http404
    found = get_object_or_404(HandoffTarget, pk=target, procedure=procedure)
    found.is_active = not found.is_active
    found.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action="procedure.handoff_toggled",
        actor=request.user,
        obj=procedure,
        data={"target": found.pk, "active": found.is_active},
    )
    return redirect("office:procedure", code=code)
