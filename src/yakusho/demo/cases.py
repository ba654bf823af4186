"""Several hundred demo cases in varied states, made through the same services residents and
staff use: answers filled in for each demo procedure, sent, then moved along by demo staff."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from yakusho.cases import services as case_services
from yakusho.cases.models import Case, Decision, State
from yakusho.core.japanese.calendar import add_business_days
from yakusho.procedures import services as procedure_services
from yakusho.procedures.engine import FormDefinition
from yakusho.procedures.engine.rules import evaluate
from yakusho.procedures.models import Draft, Procedure, Submission

PEOPLE = [
    ("大山 健太", "オオヤマ ケンタ", "1982-06-15"),
    ("渋沢 美和", "シブサワ ミワ", "1990-03-08"),
    ("堀川 翔", "ホリカワ ショウ", "1975-11-22"),
    ("曽屋 由美", "ソヤ ユミ", "1968-01-30"),
    ("南 ゆかり", "ミナミ ユカリ", "1995-09-12"),
    ("北 大輔", "キタ ダイスケ", "1987-12-03"),
    ("東 咲", "ヒガシ サキ", "2001-04-18"),
    ("西田 勝", "ニシダ マサル", "1949-07-07"),
    ("上野 陽子", "ウエノ ヨウコ", "1953-02-25"),
    ("戸川 隼人", "トガワ ハヤト", "1993-08-09"),
    ("名古木 愛", "ナコギ アイ", "1999-10-31"),
    ("今泉 誠", "イマイズミ マコト", "1979-05-05"),
]
ADDRESSES = [
    ("257-0015", "神奈川県秦野市平沢350-2"),
    ("257-0035", "神奈川県秦野市本町2-1-8"),
    ("259-1315", "神奈川県秦野市柳町1-4-3"),
    ("257-0004", "神奈川県秦野市下大槻120"),
]


def _person(rng: random.Random) -> dict[str, str]:
    name, kana, born = rng.choice(PEOPLE)
    return {"name": name, "kana": kana, "birth_date": born}


def _value(item: Any, rng: random.Random) -> Any:
    kind, spec = item.type, item.spec
    if kind in ("text", "textarea"):
        return "特になし" if kind == "textarea" else "秦野市"
    if kind == "number":
        return max(spec.get("min", 1), min(spec.get("max", 3), rng.randint(1, 3)))
    if kind == "date":
        delta = rng.randint(10, 120)
        day = timezone.localdate() + (
            dt.timedelta(days=delta) if spec.get("allow_future") else -dt.timedelta(days=delta)
        )
        return day.isoformat()
    if kind == "name":
        person = _person(rng)
        return {"name": person["name"], "kana": person["kana"]}
    if kind == "address":
        code, address = rng.choice(ADDRESSES)
        return {"postal_code": code, "address": address}
    if kind == "phone":
        return f"0463-{rng.randint(70, 89)}-{rng.randint(1000, 9999)}"
    if kind == "email":
        return "resident@example.jp"
    if kind in ("select", "radio"):
        return item.options[0]["value"]
    if kind == "checkbox":
        return [item.options[0]["value"]]
    if kind in ("yesno",):
        return rng.random() < 0.5
    if kind == "consent":
        return True
    if kind == "bank_account":
        return {
            "bank_code": "0138",
            "branch_code": "201",
            "account_type": "ordinary",
            "number": f"{rng.randint(1000000, 9999999)}",
            "holder_kana": _person(rng)["kana"],
        }
    if kind == "person":
        person = _person(rng)
        relations = spec.get("relations")
        return {**person, "relation": relations[0]["value"] if relations else ""}
    if kind == "group":
        return [
            {m.key: _value(m, rng) for m in item.members}
            for _ in range(max(1, spec.get("min_items", 1)))
        ]
    return None


def fill(definition: FormDefinition, answers: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Plausible answers for every visible field, step by step, as a resident would give."""
    answers = dict(answers)
    for step in definition.steps:
        if not step.is_visible(answers):
            continue
        for item in step.fields:
            if item.type in ("info", "file") or item.key in answers:
                continue
            if evaluate(item.visible_if, answers):
                answers[item.key] = _value(item, rng)
    return answers


def demo_cases_load(*, count: int = 300, seed: int = 142115) -> int:
    """Make the demo's cases once; running again finds them and changes nothing."""
    if Case.objects.exists():
        return 0
    from yakusho.accounts.models import User

    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not security
    procedures = [
        p
        for p in Procedure.objects.filter(is_published=True).select_related("published_version")
        if not _needs_files(p)
    ]
    bucho = User.objects.get(username="bucho@city.hadano.example.jp")
    made = 0
    for index in range(count):
        procedure = procedures[index % len(procedures)]
        definition = FormDefinition.parse(procedure.published_version.definition)
        draft = Draft.objects.create(
            procedure=procedure,
            version=procedure.published_version,
            answers=fill(definition, {}, rng),
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        if procedure_services.missing_step(definition, draft.answers):
            draft.delete()
            continue
        submission = procedure_services.submission_create(
            draft=draft, language="ja", staff_assisted=rng.random() < 0.15
        )
        _backdate(submission, days=rng.randint(0, 180), rng=rng)
        _advance(submission.case, rng, bucho)
        made += 1
    return made


def _needs_files(procedure: Procedure) -> bool:
    definition = FormDefinition.parse(procedure.published_version.definition)
    return any(f.type == "file" and f.is_required({}) for f in definition.fields.values())


def _backdate(submission: Submission, *, days: int, rng: random.Random) -> None:
    when = timezone.now() - dt.timedelta(
        days=days, hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
    )
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when, status_changed_at=when)
    received = timezone.localtime(when).date()
    Case.objects.filter(submission=submission).update(
        received_at=when, due_date=add_business_days(received, submission.procedure.processing_days)
    )


def _advance(case: Case, rng: random.Random, bucho: Any) -> None:
    """Move the case along as a department would: many in progress, some done, a few stuck.
    (Only about one in five gets a signed document, to keep the demo quick to load.)"""
    case.refresh_from_db()
    roll = rng.random()
    age = (timezone.now() - case.received_at).days
    if roll < 0.15 or age < 2:
        return  # just received
    case = case_services.case_transition(
        case=case, to_state=State.REVIEWING, actor=bucho, revision=case.revision
    )
    if roll < 0.45:
        return
    if roll < 0.55:
        definition = FormDefinition.parse(case.submission.version.definition)
        key = next(
            (k for k, f in definition.fields.items() if f.type in ("text", "phone", "number")), None
        )
        if key:
            case_services.correction_request(
                case=case,
                fields=[key],
                message="記入内容を確認してください。",
                actor=bucho,
                revision=case.revision,
            )
        return
    if roll < 0.60:
        case_services.case_transition(
            case=case, to_state=State.WITHDRAWN, actor=bucho, revision=case.revision
        )
        return
    outcome = Decision.Outcome.REJECTED if roll > 0.95 else Decision.Outcome.APPROVED
    decision = Decision.objects.create(
        case=case,
        outcome=outcome,
        reason="審査の結果です。",
        drafted_by=None,
        stage=Decision.Stage.AWAITING_APPROVAL,
    )
    if roll < 0.72:
        return  # waiting for 決裁
    case_services.decision_approve(decision=decision, approver=bucho)
    if roll < 0.88:
        case.refresh_from_db()
        case_services.case_transition(
            case=case, to_state=State.COMPLETED, actor=bucho, revision=case.revision
        )
