"""The demo loads Hadano's plan as the seed states it, an evaluation for 令和6年度 whose
online-application KPI comes from the demo's submissions, and a committee meeting whose tie
the chair decides, with signed minutes on the residents' site."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from yakusho.plan.models import (
    AgendaItem,
    Evaluation,
    KpiActual,
    Minutes,
    Plan,
    Program,
)

# The city's published plan (はだのＩＣＴ活用推進計画), as given to the project, kept beside the
# tests so the demo's texts are checked against it on any clone.
SEED = Path(__file__).parent / "fixtures" / "hadano-ict-plan.txt"


@pytest.fixture
def demo(db, settings):
    from yakusho.demo.plan import demo_plan_load
    from yakusho.demo.services import demo_city_load

    settings.DEMO = True
    demo_city_load()
    assert demo_plan_load() is True
    return Plan.objects.get()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_plan_is_the_seeds(demo):
    assert demo.philosophy == "市民と行政の未来をつなぐ、ＩＣＴ・データの有効活用"
    assert (demo.start_year, demo.end_year, demo.midterm_year) == (2021, 2025, 2023)
    assert demo.policies.count() == 3
    assert Program.objects.count() == 10
    seed = _squash(SEED.read_text(encoding="utf-8"))
    for policy in demo.policies.all():
        assert _squash(policy.title) in seed
        for line in policy.text.splitlines():
            assert _squash(line) in seed, line
    for program in Program.objects.all():
        assert _squash(program.title) in seed
        original = program.revisions.first()
        text = program.description if original is None else None
        if text is not None:
            assert _squash(text) in seed, program.title
    for paragraph in demo.philosophy_text.splitlines():
        assert _squash(paragraph) in seed


def test_fy2024_online_share_comes_from_demo_submissions(demo):
    import datetime as dt

    from yakusho.plan.metrics import METRICS

    actual = KpiActual.objects.get(kpi__metric="online_share", fiscal_year=2024)
    assert actual.source == KpiActual.Source.METRIC
    measured = METRICS["online_share"].measure(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert actual.value == measured.value.quantize(Decimal("0.01"))
    assert Evaluation.objects.filter(fiscal_year=2024, stage="final").count() == 15


def test_the_committee_tie_is_decided_by_the_chair_and_minutes_are_public(demo, client):
    item = AgendaItem.objects.get(casting_vote__in=["aye", "nay"])
    assert item.ayes == item.nays == 3
    assert item.result == "carried"
    minutes = Minutes.objects.get(meeting=item.meeting)
    assert minutes.status == Minutes.Status.PUBLISHED
    assert minutes.signatures.count() == 2
    page = client.get(f"/ja/plan/minutes/{minutes.pk}/").content.decode()
    assert "可否同数" in page
    assert minutes.meeting.presiding.person.name in page


def test_loading_again_changes_nothing(demo):
    from yakusho.demo.plan import demo_plan_load

    assert demo_plan_load() is False
