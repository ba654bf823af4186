"""Writes of the procedures app: the catalog, form versions, drafts, submissions, bundles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yakusho.core.audit import audit_record
from yakusho.core.inserts import insert
from yakusho.core.services import email_queue

from . import prefill as prefill_sources
from .engine import DefinitionError, FormDefinition
from .engine.rules import evaluate
from .models import (
    Bundle,
    Draft,
    FormVersion,
    LifeEvent,
    Procedure,
    Submission,
    SubmissionStatus,
    Upload,
)
from .receipt import new_receipt_number
from .search import search_text
from .selectors import definition_of
from .uploads import CheckedFile

# --- catalog -------------------------------------------------------------------------------


def procedure_index(procedure: Procedure) -> None:
    """Refresh the text the finder searches."""
    translations = [
        *procedure.name_translations.values(),
        *procedure.summary_translations.values(),
    ]
    procedure.search_text = search_text(
        names=[procedure.name, *translations, *procedure.keywords.replace("、", ",").split(",")],
        japanese=[procedure.name, procedure.keywords],
    )


def procedure_save(*, procedure: Procedure, actor: Any = None) -> Procedure:
    procedure_index(procedure)
    procedure.full_clean(exclude=["published_version"])
    with transaction.atomic():
        created = procedure.pk is None
        procedure.save()
        audit_record(
            action="procedure.create" if created else "procedure.update", actor=actor, obj=procedure
        )
    return procedure


def form_version_save(*, procedure: Procedure, definition: dict, actor: Any = None) -> FormVersion:
    """Keep the one draft version of a procedure's form up to date (created when missing)."""
    with transaction.atomic():
        draft = procedure.versions.select_for_update().filter(state=FormVersion.State.DRAFT).first()
        if draft is None:
            last = procedure.versions.order_by("-number").first()
            draft = FormVersion(procedure=procedure, number=(last.number + 1) if last else 1)
        draft.definition = definition
        draft.save()
    return draft


def form_version_publish(*, version: FormVersion, actor: Any = None) -> FormVersion:
    """Publish a draft version. Refused, naming every problem, when the definition does not
    hold together. Residents' drafts keep the version they started with."""
    definition = FormDefinition.parse(version.definition)  # raises DefinitionError
    from yakusho.cases.documents import template_problems

    problems = [
        p
        for t in version.procedure.document_templates.all()
        for p in template_problems(t.body, definition)
    ]
    if problems:
        raise DefinitionError(problems)
    with transaction.atomic():
        version = FormVersion.objects.select_for_update().get(pk=version.pk)
        if version.state != FormVersion.State.DRAFT:
            raise ValidationError(_("公開できるのは下書きの版だけです。"))
        FormVersion.objects.filter(
            procedure_id=version.procedure_id, state=FormVersion.State.PUBLISHED
        ).update(state=FormVersion.State.RETIRED)
        version.state = FormVersion.State.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor if getattr(actor, "is_authenticated", False) else None
        version.save()
        Procedure.objects.filter(pk=version.procedure_id).update(
            published_version=version, updated_at=timezone.now()
        )
        audit_record(
            action="procedure.publish",
            actor=actor,
            obj=version.procedure,
            data={"version": version.number},
        )
    return version


def procedure_publish_state(*, procedure: Procedure, published: bool, actor: Any = None) -> None:
    if published and procedure.published_version_id is None:
        raise ValidationError(_("申請フォームを公開してから、手続きを公開してください。"))
    with transaction.atomic():
        Procedure.objects.filter(pk=procedure.pk).update(
            is_published=published, updated_at=timezone.now()
        )
        audit_record(
            action="procedure.show" if published else "procedure.hide", actor=actor, obj=procedure
        )


# --- drafts ----------------------------------------------------------------------------------


class AccessRefused(Exception):
    """The resident may not start this procedure yet; `reason` says what is missing."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def identity_gate(procedure: Procedure, user: Any) -> None:
    level = procedure.identity_level
    if level == "none":
        return
    if not user.is_authenticated:
        raise AccessRefused("login")
    if user.kind != "resident":
        raise AccessRefused("staff")
    if not user.meets(level):
        raise AccessRefused("verify" if level == "verified" else "email")


def draft_start(
    *,
    procedure: Procedure,
    user: Any,
    session_key: str = "",
    bundle: Bundle | None = None,
    shared: dict[str, Any] | None = None,
) -> Draft:
    """Start filling in the published form, with what the city already knows filled in."""
    identity_gate(procedure, user)
    version = procedure.published_version
    definition = FormDefinition.parse(version.definition)
    owner = user if user.is_authenticated else None
    answers, sources, locked = prefill_sources.prefill(definition, owner)
    _apply_shared(definition, shared, answers, sources, locked)
    days = procedure.draft_retention_days
    return Draft.objects.create(
        owner=owner,
        session_key="" if owner else session_key,
        procedure=procedure,
        version=version,
        bundle=bundle,
        answers=answers,
        sources=sources,
        locked=sorted(set(locked)),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def _apply_shared(
    definition: FormDefinition,
    shared: dict[str, Any] | None,
    answers: dict[str, Any],
    sources: dict[str, str],
    locked: list[str],
) -> None:
    """A life event's answers, asked once, fill and lock the same keys in each form."""
    for key, value in (shared or {}).items():
        if key in definition.fields and value not in (None, "", []):
            answers[key], sources[key] = value, "bundle"
            locked.append(key)


def draft_start_at_counter(
    *, procedure: Procedure, resident: Any, staff: Any, shared: dict[str, Any] | None = None
) -> Draft:
    """書かない窓口: staff start a form for the resident in front of them, filled in from the
    registry; the resident's account (if they have one) will own the submission."""
    version = procedure.published_version
    definition = FormDefinition.parse(version.definition)
    owner = resident.accounts.filter(is_active=True).first()
    answers, sources, locked = prefill_sources.prefill(definition, owner, resident)
    _apply_shared(definition, shared, answers, sources, locked)
    with transaction.atomic():
        draft = Draft.objects.create(
            owner=owner,
            assisted_by=staff,
            resident=resident,
            procedure=procedure,
            version=version,
            answers=answers,
            sources=sources,
            locked=sorted(set(locked)),
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        audit_record(
            action="counter.start",
            actor=staff,
            obj=resident,
            purpose="窓口での申請入力",
            data={"procedure": procedure.code, "draft": str(draft.key)},
        )
    return draft


def draft_save_step(
    *,
    draft: Draft,
    step_key: str,
    answers: dict[str, Any],
    files: list[tuple[str, CheckedFile]] = (),
    removed_uploads: list[int] = (),
) -> Draft:
    """Save a step's answers (and files) to the draft. Registry-bound values are put back
    whatever was sent."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        merged = {**draft.answers, **answers}
        for key in draft.locked:
            if key in draft.answers:
                merged[key] = draft.answers[key]
        for field_key, checked in files:
            upload = Upload(
                draft=draft,
                field_key=field_key,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
            )
            upload.file.save(checked.as_django_file().name, checked.as_django_file(), save=False)
            upload.save()
            merged[field_key] = [*(merged.get(field_key) or []), upload.reference]
        if removed_uploads:
            gone = set(
                Upload.objects.filter(draft=draft, pk__in=removed_uploads).values_list(
                    "pk", flat=True
                )
            )
            for key, value in merged.items():
                if (
                    isinstance(value, list)
                    and value
                    and isinstance(value[0], dict)
                    and "size" in value[0]
                ):
                    merged[key] = [ref for ref in value if ref.get("id") not in gone]
            for upload in Upload.objects.filter(pk__in=gone):
                upload.file.delete(save=False)
                upload.delete()
        draft.answers = merged
        if step_key not in draft.completed_steps:
            draft.completed_steps = [*draft.completed_steps, step_key]
        draft.expires_at = timezone.now() + dt.timedelta(days=draft.procedure.draft_retention_days)
        draft.reminded_at = None
        draft.save()
    return draft


def draft_discard(*, draft: Draft) -> None:
    with transaction.atomic():
        for upload in draft.uploads.all():
            upload.file.delete(save=False)
        draft.uploads.all().delete()
        draft.delete()


# --- submissions ---------------------------------------------------------------------------


class Incomplete(Exception):
    """The draft cannot be sent yet: `step_key` is the first step with something missing."""

    def __init__(self, step_key: str):
        self.step_key = step_key
        super().__init__(step_key)


def missing_step(definition: FormDefinition, answers: dict[str, Any]) -> str | None:
    """The first visible step whose required answers are missing (checked again at sending,
    whatever the pages in between did)."""
    from .engine.rules import is_filled

    for step in definition.visible_steps(answers):
        for item in step.fields:
            if item.type == "info" or not evaluate(item.visible_if, answers):
                continue
            if item.is_required(answers):
                value = answers.get(item.key)
                if item.type == "consent" and value is not True:
                    return step.key
                if item.type != "consent" and not is_filled(value) and value is not False:
                    return step.key
    return None


def _applicant(definition: FormDefinition, answers: dict[str, Any]) -> tuple[str, str]:
    for item in definition.fields.values():
        if item.type in ("name", "person") and isinstance(answers.get(item.key), dict):
            value = answers[item.key]
            return value.get("name", "")[:60], value.get("kana", "")[:120]
    return "", ""


def submission_create(
    *, draft: Draft, language: str, staff_assisted: bool = False, actor: Any = None
) -> Submission:
    """Send the draft. Idempotent by the draft's key: a second send (double click, second tab,
    back button, a retry after a timeout) returns the first submission."""
    staff_assisted = staff_assisted or draft.assisted_by_id is not None
    definition = definition_of(draft.version)
    step = missing_step(definition, draft.answers)
    if step is not None:
        raise Incomplete(step)
    computed = {k: int(v) for k, v in definition.computed_values(draft.answers).items()}
    name, kana = _applicant(definition, draft.answers)
    owner = draft.owner
    procedure = draft.procedure
    email = (owner.email if owner else "") or _first_email(definition, draft.answers)
    fee = computed.get(procedure.fee_key or "fee", 0)
    charged = procedure.payment_timing == "before" and fee > 0
    # Read and render before the transaction: on SQLite it holds the database's single write
    # lock, so whatever runs inside it runs one submission at a time (docs/performance.md).
    from yakusho.cases.selectors import active_handoff_targets

    handoff_targets = active_handoff_targets(procedure)
    for attempt in range(5):
        now = timezone.now()
        submission = Submission(
            receipt_number=new_receipt_number(),
            draft_key=draft.key,
            procedure=procedure,
            version=draft.version,
            owner=owner,
            bundle=draft.bundle,
            email=email,
            language=language,
            answers=draft.answers,
            sources=draft.sources,
            computed=computed,
            applicant_name=name,
            applicant_kana=kana,
            submitted_at=now,
            status_changed_at=now,
            staff_assisted=staff_assisted,
        )
        # With a fee the e-mail names the charge, which exists only inside the transaction.
        message = _confirmation_message(submission) if email and not charged else None
        try:
            with transaction.atomic():
                # Sending deletes the draft in this same transaction, so while its row exists
                # it has not been sent; deleting it first takes the row lock a second send
                # (double click, second tab) waits on, and then finds nothing to delete.
                if not _draft_delete(draft):
                    sent = Submission.objects.filter(draft_key=draft.key).first()
                    if sent is not None:
                        return sent
                    raise Incomplete(definition.steps[0].key)
                insert(submission)
                if definition.has_files:
                    Upload.objects.filter(draft=draft).update(submission=submission, draft=None)
                from yakusho.cases.services import case_open

                case_open(submission=submission, handoff_targets=handoff_targets)
                charge = None
                if charged:
                    from yakusho.payments.services import charge_for_submission

                    charge = charge_for_submission(submission=submission, amount=fee)
                if email:
                    # In the same transaction: the outbox row exists exactly when the
                    # submission does, whatever process dies when.
                    subject, body = message or _confirmation_message(submission, charge)
                    email_queue(
                        key=f"submission-confirmation:{submission.receipt_number}",
                        to=email,
                        subject=subject,
                        body=body,
                        new=True,
                    )
                # Last: the audit chain's head stays locked until the commit, and every
                # submission waits for it.
                audit_record(
                    action="submission.create",
                    actor=actor or owner,
                    obj=submission,
                    data={"procedure": procedure.code, "staff_assisted": staff_assisted},
                )
                return submission
        except IntegrityError:
            again = Submission.objects.filter(draft_key=draft.key).first()
            if again is not None:
                return again
            if attempt == 4:
                raise
    raise RuntimeError("unreachable")


def _draft_delete(draft: Draft) -> bool:
    """Delete the draft's row in one statement; False when it was already gone. (`delete()`
    would first read the draft back and null its uploads' link; the sender moves the uploads to
    the submission before the commit, where the deferred foreign keys are checked.)"""
    names = (Draft._meta.db_table, Draft._meta.pk.column)
    table, key = (connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [draft.pk])  # noqa: S608 - names
        return cursor.rowcount == 1


def _first_email(definition: FormDefinition, answers: dict[str, Any]) -> str:
    for item in definition.fields.values():
        if item.type == "email" and answers.get(item.key):
            return answers[item.key]
    return ""


def _confirmation_message(submission: Submission, charge: Any = None) -> tuple[str, str]:
    """The confirmation e-mail's subject and body, in the language the resident applied in."""
    from .selectors import localized

    with translation.override(submission.language):
        context = {
            "submission": submission,
            "procedure_name": localized(submission.procedure, "name").text,
            "url": settings.SITE_URL
            + reverse("procedures:submission", args=[submission.receipt_number]),
            "charge": charge,
            "pay_url": settings.SITE_URL + reverse("payments:charge", args=[charge.reference])
            if charge
            else "",
        }
        body = render_to_string("procedures/email/confirmation.txt", context)
        subject = _("【受付】%(procedure)s（受付番号 %(number)s）") % {
            "procedure": context["procedure_name"],
            "number": submission.receipt_number,
        }
    return subject, body


def submission_withdraw(*, submission: Submission, user: Any) -> Submission:
    """取下げ: allowed until the city has decided."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status not in (
            SubmissionStatus.RECEIVED,
            SubmissionStatus.REVIEWING,
            SubmissionStatus.CORRECTION,
        ):
            raise ValidationError(
                _("決定した申請は取り下げられません。担当課にお問い合わせください。")
            )
        submission.status = SubmissionStatus.WITHDRAWN
        submission.status_changed_at = timezone.now()
        submission.purge_after = timezone.localdate() + dt.timedelta(
            days=submission.procedure.retention_days
        )
        submission.save(update_fields=["status", "status_changed_at", "purge_after", "updated_at"])
        audit_record(action="submission.withdraw", actor=user, obj=submission)
        from yakusho.cases.services import case_withdrawn_by_resident

        case_withdrawn_by_resident(submission=submission, user=user)
    return submission


# --- life events ---------------------------------------------------------------------------


def life_event_procedures(life_event: LifeEvent, answers: dict[str, Any]) -> list[Procedure]:
    """The procedures a resident needs, given their answers to the short questionnaire."""
    codes = [rule["procedure"] for rule in life_event.rules if evaluate(rule.get("when"), answers)]
    found = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in=codes, is_published=True, published_version__isnull=False
        )
    }
    return [found[c] for c in codes if c in found]


def bundle_start(*, life_event: LifeEvent, user: Any, answers: dict[str, Any]) -> Bundle:
    """One bundle, one draft per procedure; the answers several forms share are asked once."""
    procedures = life_event_procedures(life_event, answers)
    shared = {k: answers.get(k) for k in life_event.questionnaire.get("shared", [])}
    with transaction.atomic():
        bundle = Bundle.objects.create(owner=user, life_event=life_event, answers=answers)
        for procedure in procedures:
            draft_start(procedure=procedure, user=user, bundle=bundle, shared=shared)
    return bundle


def counter_life_event_start(
    *, life_event: LifeEvent, resident: Any, staff: Any, answers: dict[str, Any]
) -> list[Draft]:
    """書かない窓口 for a life event: one counter draft per procedure the answers call for,
    with the answers several forms share asked once."""
    procedures = life_event_procedures(life_event, answers)
    shared = {k: answers.get(k) for k in life_event.questionnaire.get("shared", [])}
    with transaction.atomic():
        return [
            draft_start_at_counter(procedure=p, resident=resident, staff=staff, shared=shared)
            for p in procedures
        ]


def bundle_submit(*, bundle: Bundle, language: str) -> list[Submission]:
    """Send every draft of the bundle; each becomes a submission to its own department."""
    drafts = list(bundle.drafts.select_related("procedure", "version"))
    for draft in drafts:
        step = missing_step(definition_of(draft.version), draft.answers)
        if step is not None:
            raise Incomplete(f"{draft.key}:{step}")
    submissions = [submission_create(draft=d, language=language) for d in drafts]
    Bundle.objects.filter(pk=bundle.pk, submitted_at__isnull=True).update(
        submitted_at=timezone.now()
    )
    return submissions


# --- retention -----------------------------------------------------------------------------


def drafts_remind(*, now: dt.datetime | None = None) -> int:
    """E-mail residents whose draft expires within DRAFT_REMINDER_DAYS (once per draft)."""
    now = now or timezone.now()
    soon = now + dt.timedelta(days=settings.DRAFT_REMINDER_DAYS)
    count = 0
    for draft in Draft.objects.filter(
        expires_at__lte=soon, expires_at__gt=now, reminded_at__isnull=True, owner__isnull=False
    ).select_related("owner", "procedure"):
        if draft.owner.email:
            language = draft.owner.preferred_language or "ja"
            with translation.override(language):
                from .selectors import localized

                body = render_to_string(
                    "procedures/email/draft_reminder.txt",
                    {
                        "draft": draft,
                        "procedure_name": localized(draft.procedure, "name").text,
                        "url": settings.SITE_URL + reverse("portal:mypage"),
                    },
                )
                subject = _("下書きの保存期限が近づいています")
            email_queue(
                key=f"draft-reminder:{draft.key}", to=draft.owner.email, subject=subject, body=body
            )
            count += 1
        Draft.objects.filter(pk=draft.pk).update(reminded_at=now)
    return count


def drafts_purge(*, now: dt.datetime | None = None) -> int:
    """Delete expired drafts and their files; recorded in the audit log with the count."""
    now = now or timezone.now()
    expired = list(Draft.objects.filter(expires_at__lte=now))
    for draft in expired:
        draft_discard(draft=draft)
    if expired:
        audit_record(action="retention.drafts_purged", data={"count": len(expired)})
    return len(expired)


def submissions_purge(*, today: dt.date | None = None) -> int:
    """Delete submissions whose retention period after completion has passed."""
    today = today or timezone.localdate()
    due = list(Submission.objects.filter(purge_after__lt=today))
    with transaction.atomic():
        for submission in due:
            for upload in submission.uploads.all():
                upload.file.delete(save=False)
            submission.delete()
        if due:
            audit_record(
                action="retention.submissions_purged",
                data={"count": len(due), "receipts": [s.receipt_number for s in due][:200]},
            )
    return len(due)
