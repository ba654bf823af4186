"""The plan's structure, KPIs, yearly evaluations through the ICT推進会議's levels, the
mid-term re-planning and the live metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yakusho.plan import metrics, services
from yakusho.plan.models import Evaluation, KpiActual, ProgramRevision

from .conftest import COMMITTEE_START


def test_sdg_goals_are_one_to_seventeen(program, ict):
    assert program.sdg_goals == [9, 11, 16]
    with pytest.raises(ValidationError, match="1から17"):
        services.program_create(
            policy=program.policy, number=2, title="x", description="y", sdg_goals=[18], actor=ict
        )


def test_only_the_ict_department_edits_the_structure(program, owner):
    with pytest.raises(PermissionDenied):
        services.program_create(
            policy=program.policy, number=2, title="x", description="y", actor=owner
        )


def test_the_owner_department_enters_its_evaluation(project, owner):
    evaluation = services.evaluation_save(
        project=project, fiscal_year=2024, progress="順調", grade="B", actor=owner
    )
    assert evaluation.stage == Evaluation.Stage.DRAFT


def test_another_department_cannot_enter_the_evaluation(project, other_owner, ict):
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            project=project, fiscal_year=2024, progress="x", grade="A", actor=other_owner
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            project=project, fiscal_year=2024, progress="x", grade="A", actor=ict
        )


@pytest.mark.parametrize("grade", ["E", "S", "", "a", "AA"])
def test_a_grade_outside_the_scale_is_refused(project, owner, grade):
    with pytest.raises(ValidationError, match="A・B・C・D"):
        services.evaluation_save(
            project=project, fiscal_year=2024, progress="x", grade=grade, actor=owner
        )


def test_a_year_outside_the_plan_is_refused(project, owner):
    with pytest.raises(ValidationError, match="計画期間"):
        services.evaluation_save(
            project=project, fiscal_year=2026, progress="x", grade="A", actor=owner
        )


def test_review_goes_through_the_three_levels_in_order(project, owner, ict):
    evaluation = services.evaluation_save(
        project=project, fiscal_year=2024, progress="順調", grade="B", actor=owner
    )
    services.evaluation_submit(evaluation=evaluation, actor=owner)
    with pytest.raises(ValidationError, match="幹事会の審査はできません"):
        services.evaluation_review(
            evaluation=evaluation, level="kanji", decision="approved", actor=ict
        )
    for level in ("chosei", "kanji", "honbu"):
        evaluation = services.evaluation_review(
            evaluation=evaluation, level=level, decision="approved", actor=ict
        )
    assert evaluation.stage == Evaluation.Stage.FINAL
    assert [r.level for r in evaluation.reviews.all()] == ["chosei", "kanji", "honbu"]
    assert all(r.on_behalf for r in evaluation.reviews.all())
    with pytest.raises(ValidationError, match="審査に進んでいる"):
        services.evaluation_save(
            project=project, fiscal_year=2024, progress="x", grade="A", actor=owner
        )


def test_a_member_of_the_level_reviews_in_person_and_others_may_not(project, owner, ict):
    from ..factories import StaffFactory

    kanji = services.body_upsert(code="kanji", kind="kanji", name="幹事会", actor=ict)
    leader = StaffFactory()
    services.member_appoint(
        body=kanji,
        person=services.person_upsert(name="課長", user=leader),
        category="staff",
        term_start=dt.date(2021, 4, 1),
        actor=ict,
    )
    evaluation = services.evaluation_save(
        project=project, fiscal_year=2024, progress="順調", grade="B", actor=owner
    )
    services.evaluation_submit(evaluation=evaluation, actor=owner)
    with pytest.raises(PermissionDenied):
        services.evaluation_review(
            evaluation=evaluation, level="chosei", decision="approved", actor=owner
        )
    services.evaluation_review(
        evaluation=evaluation, level="chosei", decision="approved", actor=ict
    )
    evaluation = services.evaluation_review(
        evaluation=evaluation,
        level="kanji",
        decision="returned",
        comment="KPIの根拠を",
        actor=leader,
    )
    review = evaluation.reviews.get(level="kanji")
    assert (review.reviewer, review.on_behalf) == (leader, False)
    assert evaluation.stage == Evaluation.Stage.RETURNED
    services.evaluation_save(
        project=project, fiscal_year=2024, progress="根拠を追記", grade="B", actor=owner
    )


def test_returning_needs_a_reason(project, owner, ict):
    evaluation = services.evaluation_save(
        project=project, fiscal_year=2024, progress="順調", grade="B", actor=owner
    )
    services.evaluation_submit(evaluation=evaluation, actor=owner)
    with pytest.raises(ValidationError, match="理由"):
        services.evaluation_review(
            evaluation=evaluation, level="chosei", decision="returned", actor=ict
        )


def test_the_midterm_review_replans_with_history(program, ict):
    with pytest.raises(ValidationError, match="中間見直し"):
        services.program_revise(
            program=program, fiscal_year=2022, reason="x", changes={"title": "新"}, actor=ict
        )
    with pytest.raises(ValidationError, match="理由"):
        services.program_revise(
            program=program, fiscal_year=2023, reason=" ", changes={"title": "新"}, actor=ict
        )
    program = services.program_revise(
        program=program,
        fiscal_year=2023,
        reason="国の自治体DX推進計画を踏まえて",
        changes={"description": "改めた内容", "sdg_goals": [9, 16, 17]},
        actor=ict,
    )
    assert program.version == 2
    revisions = list(ProgramRevision.objects.filter(program=program))
    assert [r.version for r in revisions] == [1, 2]
    assert revisions[1].changes["sdg_goals"] == {"before": [9, 11, 16], "after": [9, 16, 17]}
    assert revisions[1].reason == "国の自治体DX推進計画を踏まえて"
    with pytest.raises(ValidationError, match="変更がありません"):
        services.program_revise(
            program=program,
            fiscal_year=2023,
            reason="x",
            changes={"description": "改めた内容"},
            actor=ict,
        )


# KPIs -----------------------------------------------------------------------------------------


@pytest.fixture
def count_kpi(project, ict):
    return services.kpi_upsert(
        project=project,
        name="電子申請の件数",
        unit="件",
        targets={2024: 1000, 2025: 1200},
        actor=ict,
    )


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        ("12.5", "件", "整数"),
        ("-1", "件", "0以上"),
        ("abc", "件", "数値ではありません"),
        ("30", "%", "単位は「件」"),
    ],
)
def test_a_kpi_actual_in_the_wrong_unit_is_refused(count_kpi, owner, value, unit, message):
    with pytest.raises(ValidationError, match=message):
        services.kpi_actual_record(
            kpi=count_kpi,
            fiscal_year=2024,
            value=value,
            unit=unit,
            source_note="集計表",
            actor=owner,
        )


def test_a_percentage_above_100_is_refused(project, owner, ict):
    kpi = services.kpi_upsert(project=project, name="満足度", unit="%", actor=ict)
    with pytest.raises(ValidationError, match="0から100"):
        services.kpi_actual_record(
            kpi=kpi, fiscal_year=2024, value="120", unit="%", source_note="アンケート", actor=owner
        )
    actual = services.kpi_actual_record(
        kpi=kpi, fiscal_year=2024, value="72.5", unit="%", source_note="市民アンケート", actor=owner
    )
    assert actual.value == Decimal("72.50")


def test_a_manual_actual_needs_a_source(count_kpi, owner):
    with pytest.raises(ValidationError, match="出典"):
        services.kpi_actual_record(
            kpi=count_kpi, fiscal_year=2024, value="10", unit="件", source_note="", actor=owner
        )


def test_another_department_cannot_enter_actuals(count_kpi, other_owner):
    with pytest.raises(PermissionDenied):
        services.kpi_actual_record(
            kpi=count_kpi,
            fiscal_year=2024,
            value="10",
            unit="件",
            source_note="x",
            actor=other_owner,
        )


def test_a_metric_must_match_the_kpi_unit(project, ict):
    with pytest.raises(ValidationError, match="単位"):
        services.kpi_upsert(project=project, name="x", unit="件", metric="online_share", actor=ict)
    with pytest.raises(ValidationError, match="ありません"):
        services.kpi_upsert(project=project, name="x", unit="件", metric="nope", actor=ict)


# Live metrics from real submissions ---------------------------------------------------------


@pytest.fixture
def submissions(db):
    """Six submissions of FY2024 (four online, two at the counter) and one of FY2025."""
    from yakusho.procedures import services as procedure_services
    from yakusho.procedures.models import Category, Draft, Procedure

    department = services.Department.objects.get_or_create(
        code="koseki", defaults={"name": "戸籍住民課", "level": "bu"}
    )[0]
    category = Category.objects.create(code="todokede", name="届出")
    procedure = Procedure(
        code="jumin",
        name="住民票の写し",
        department=department,
        category=category,
        identity_level="none",
        processing_days=5,
    )
    procedure_services.procedure_save(procedure=procedure)
    form = {
        "version": 1,
        "steps": [
            {
                "key": "main",
                "title": {"ja": "申請"},
                "fields": [{"key": "note", "type": "text", "label": {"ja": "備考"}}],
            }
        ],
    }
    version = procedure_services.form_version_save(procedure=procedure, definition=form)
    procedure_services.form_version_publish(version=version)
    procedure.refresh_from_db()
    made = []
    zone = timezone.get_current_timezone()
    dates = [
        dt.datetime(2024, 4, 1, 0, 5, tzinfo=zone),
        dt.datetime(2024, 8, 1, 9, tzinfo=zone),
        dt.datetime(2024, 12, 1, 9, tzinfo=zone),
        dt.datetime(2025, 1, 5, 9, tzinfo=zone),
        dt.datetime(2025, 2, 5, 9, tzinfo=zone),
        dt.datetime(2025, 3, 31, 23, 50, tzinfo=zone),
        dt.datetime(2025, 4, 1, 0, 1, tzinfo=zone),
    ]
    for index, when in enumerate(dates):
        draft = Draft.objects.create(
            procedure=procedure,
            version=procedure.published_version,
            answers={"note": "x"},
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        submission = procedure_services.submission_create(
            draft=draft, language="ja", staff_assisted=index in (1, 4)
        )
        type(submission).objects.filter(pk=submission.pk).update(submitted_at=when)
        made.append(submission)
    return made


def test_online_share_is_computed_from_submissions(submissions):
    measured = metrics.METRICS["online_share"].measure(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert measured.value == Decimal("66.7")  # 4 of 6
    assert measured.basis == "4/6"
    assert (
        metrics.METRICS["online_share"].measure(
            dt.date(2024, 4, 1), dt.date(2025, 3, 31), procedure="other"
        )
        is None
    )


def test_a_live_kpi_stores_its_measurement(submissions, project, owner, ict):
    kpi = services.kpi_upsert(
        project=project,
        name="オンライン申請率",
        unit="%",
        metric="online_share",
        targets={2024: 60},
        actor=ict,
    )
    actual = services.kpi_actual_measure(kpi=kpi, fiscal_year=2024, actor=owner)
    assert actual.value == Decimal("66.70")
    assert actual.source == KpiActual.Source.METRIC
    assert "online_share" in actual.source_note
    assert "4/6" in actual.source_note


def test_other_metrics(submissions):
    from django.utils import timezone

    from yakusho.payments.models import LedgerEntry
    from yakusho.plan.models import fiscal_year_bounds, fiscal_year_of

    fy2024 = (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    this_year = fiscal_year_bounds(fiscal_year_of(timezone.localdate()))
    # The fixture's form was published today; the procedure is offered once it is public.
    assert metrics.METRICS["online_procedures"].measure(*this_year).value == 0
    submissions[0].procedure.__class__.objects.update(is_published=True)
    assert metrics.METRICS["online_procedures"].measure(*this_year).value == 1
    assert metrics.METRICS["online_procedures"].measure(*fy2024).value == 0
    assert metrics.METRICS["median_processing_days"].measure(*fy2024) is None  # nothing decided
    assert metrics.METRICS["payments_online"].measure(*fy2024).value == 0
    for ref, day in (
        ("a", dt.date(2024, 6, 1)),
        ("b", dt.date(2025, 3, 31)),
        ("c", dt.date(2025, 4, 1)),
    ):
        LedgerEntry.objects.create(
            kind="payment",
            provider="demo",
            external_ref=ref,
            amount=300,
            occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
        )
    LedgerEntry.objects.create(
        kind="refund",
        provider="demo",
        external_ref="r",
        amount=-300,
        occurred_at=timezone.make_aware(dt.datetime.combine(dt.date(2024, 7, 1), dt.time(12))),
    )
    assert metrics.METRICS["payments_online"].measure(*fy2024).value == 2
    assert metrics.METRICS["open_datasets"].measure(*fy2024) is None


def test_committee_start_constant_is_the_first_day_of_a_term():
    assert COMMITTEE_START.isoformat() == "2024-11-19"
