"""One step of a resident's form, from the sent request to saved answers.

Kept apart from the views so the office's counter mode (staff filling in a form with a
resident) runs exactly the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.forms.utils import ErrorDict
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import services
from .engine import FormDefinition
from .engine.forms import (
    LOOKUP_POSTAL,
    StepForm,
    apply_row_action,
    build_step_form,
    clean_step,
    postal_lookup,
    row_action,
)
from .engine.rules import evaluate
from .models import Draft
from .uploads import UploadRejected, check_upload

SAVE_AND_EXIT = "_save_exit"


@dataclass
class StepOutcome:
    step_form: StepForm
    saved: bool = False
    exit: bool = False
    next_step: str | None = None  # a step key, "check", or None to show the form again


def step_form_for(
    draft: Draft,
    definition: FormDefinition,
    step_key: str,
    *,
    data: Any = None,
    files: Any = None,
    language: str = "ja",
) -> StepForm:
    step = definition.step(step_key)
    return build_step_form(
        definition,
        step,
        draft.answers,
        data=data,
        files=files,
        language=language,
        sources=draft.sources,
        locked=set(draft.locked),
    )


def next_step_key(definition: FormDefinition, answers: dict, current: str) -> str:
    keys = [s.key for s in definition.visible_steps(answers)]
    if current in keys and keys.index(current) + 1 < len(keys):
        return keys[keys.index(current) + 1]
    return "check"


def handle_step_post(
    request: HttpRequest, draft: Draft, definition: FormDefinition, step_key: str, *, language: str
) -> StepOutcome:
    data = request.POST
    action = row_action(data)
    filled = postal_lookup(data, definition) if LOOKUP_POSTAL in data else None
    if action or filled is not None:
        # Add or remove a row, or fill an address: show the step again as typed, no errors yet.
        data = apply_row_action(data, action, definition) if action else filled
        step_form = step_form_for(draft, definition, step_key, data=data, language=language)
        step_form.form.is_valid()
        postal_error = None
        if filled is not None:
            key = data.get(LOOKUP_POSTAL)
            postal_error = step_form.form.errors.get(f"{key}__postal_code")
        step_form.form._errors = ErrorDict()
        if postal_error:
            step_form.form._errors[f"{data.get(LOOKUP_POSTAL)}__postal_code"] = postal_error
        return StepOutcome(step_form)

    step_form = step_form_for(
        draft, definition, step_key, data=data, files=request.FILES, language=language
    )
    _valid, merged = clean_step(step_form)
    files, removed = _files(request, step_form, merged)
    exit_now = SAVE_AND_EXIT in data
    if exit_now:
        # Keep what is already right; the rest waits for the resident's return.
        good = {
            k: v
            for k, v in merged.items()
            if not any(
                name == k or name.startswith((f"{k}__", f"{k}-")) for name in step_form.form.errors
            )
        }
        services.draft_save_step(
            draft=draft, step_key="", answers=good, files=files, removed_uploads=removed
        )
        return StepOutcome(step_form, saved=True, exit=True)
    if step_form.form.errors:
        return StepOutcome(step_form)
    step_answers = {k: v for k, v in merged.items() if k in {f.key for f in step_form.step.fields}}
    hidden = [f.key for f in step_form.step.fields if not evaluate(f.visible_if, merged)]
    for key in hidden:
        step_answers[key] = None
    draft = services.draft_save_step(
        draft=draft, step_key=step_key, answers=step_answers, files=files, removed_uploads=removed
    )
    return StepOutcome(
        step_form, saved=True, next_step=next_step_key(definition, draft.answers, step_key)
    )


def _files(request: HttpRequest, step_form: StepForm, merged: dict) -> tuple[list, list[int]]:
    """Check the files sent for the step's file fields; errors go on the form."""
    files, removed = [], []
    form = step_form.form
    for block in step_form.blocks:
        if block.kind != "files":
            continue
        item = block.item
        name = f"{item.key}__upload"
        keep_ids = {ref["id"] for ref in block.existing}
        drop = [
            int(v)
            for v in request.POST.getlist(f"{item.key}__remove")
            if v.isdigit() and int(v) in keep_ids
        ]
        removed += drop
        kept = len(keep_ids - set(drop))
        sent = [f for f in request.FILES.getlist(name) if f]
        limit = item.spec.get("max_files", 5)
        if kept + len(sent) > limit:
            form.add_error(name, _("ファイルは%(limit)d個までです。") % {"limit": limit})
            continue
        accepted = 0
        for upload in sent:
            try:
                files.append(
                    (
                        item.key,
                        check_upload(
                            upload,
                            accept=item.spec.get("accept", ["pdf", "jpeg", "png"]),
                            max_size_mb=item.spec.get("max_size_mb", 10),
                        ),
                    )
                )
                accepted += 1
            except UploadRejected as exc:
                form.add_error(name, f"{upload.name[:60]}: {exc.message}")
        if (
            evaluate(item.visible_if, merged)
            and item.is_required(merged)
            and kept + accepted == 0
            and name not in form.errors
        ):
            form.add_error(name, _("ファイルを選んでください。"))
    return files, removed
