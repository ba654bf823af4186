"""Office and residents' pages of the plan: who reaches what, the forms post to services, the
report is a real signed PDF, the charts are accessible SVG."""

from __future__ import annotations

import io
import re

import pytest

from yakusho.plan import services
from yakusho.plan.models import Evaluation

from ..factories import UserFactory


@pytest.fixture
def kpi(project, ict):
    return services.kpi_upsert(
        project=project,
        name="オンライン申請率",
        unit="%",
        metric="online_share",
        targets={2021: 20, 2024: 50},
        actor=ict,
    )


@pytest.fixture
def final_evaluation(project, owner, ict, kpi):
    services.kpi_actual_record(
        kpi=kpi, fiscal_year=2024, value="55.5", unit="%", source_note="集計表", actor=owner
    )
    evaluation = services.evaluation_save(
        project=project,
        fiscal_year=2024,
        progress="オンライン申請が増えた。",
        grade="A",
        actor=owner,
    )
    services.evaluation_submit(evaluation=evaluation, actor=owner)
    for level in ("chosei", "kanji", "honbu"):
        evaluation = services.evaluation_review(
            evaluation=evaluation, level=level, decision="approved", actor=ict
        )
    return evaluation


def test_anonymous_and_residents_cannot_reach_office_pages(client, plan, project):
    assert client.get("/ja/office/plan/").status_code == 302
    client.force_login(UserFactory())
    for path in (
        "/ja/office/plan/",
        f"/ja/office/plan/projects/{project.pk}/",
        "/ja/office/plan/bodies/",
    ):
        assert client.get(path).status_code in (302, 403)


def test_the_owner_department_enters_its_evaluation_through_the_page(staff_client, owner, project):
    client = staff_client(owner)
    page = client.get(f"/ja/office/plan/projects/{project.pk}/?year=2024")
    assert page.status_code == 200
    assert "保存して調整部会に提出する" in page.content.decode()
    response = client.post(
        f"/ja/office/plan/projects/{project.pk}/evaluation/",
        {"year": "2024", "grade": "Z", "progress": "x", "action": "save"},
        follow=True,
    )
    assert "評価「Z」は使えません" in response.content.decode()
    client.post(
        f"/ja/office/plan/projects/{project.pk}/evaluation/",
        {"year": "2024", "grade": "B", "progress": "順調", "action": "submit"},
    )
    assert Evaluation.objects.get().stage == "chosei"


def test_another_department_cannot_open_or_post_the_evaluation(staff_client, other_owner, project):
    client = staff_client(other_owner)
    assert client.get(f"/ja/office/plan/projects/{project.pk}/").status_code == 403
    response = client.post(
        f"/ja/office/plan/projects/{project.pk}/evaluation/",
        {"year": "2024", "grade": "B", "progress": "x"},
        follow=True,
    )
    assert "担当課だけ" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_ict_staff_see_the_plan_and_bodies(staff_client, ict, project, committee, members):
    client = staff_client(ict)
    page = client.get("/ja/office/plan/?year=2024").content.decode()
    assert "電子申請の拡充" in page
    assert "ICT計画" in page  # the office menu link
    bodies = client.get("/ja/office/plan/bodies/").content.decode()
    assert "秦野市情報化推進委員会" in bodies
    assert "定数8名" in bodies


def test_quorum_refusal_is_shown(staff_client, ict, committee, members):
    import datetime as dt

    meeting = services.meeting_schedule(body=committee, date=dt.date(2025, 2, 1), actor=ict)
    client = staff_client(ict)
    client.post(
        f"/ja/office/plan/meetings/{meeting.pk}/action/",
        {"action": "attendance", "present": [m.pk for m in members[:3]]},
    )
    response = client.post(
        f"/ja/office/plan/meetings/{meeting.pk}/action/", {"action": "open"}, follow=True
    )
    assert "過半数の出席がないため" in response.content.decode()


def test_the_public_year_page_has_charts_and_tables(client, plan, final_evaluation):
    page = client.get("/ja/plan/years/2024/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "オンライン申請が増えた。" in html
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert "aria-labelledby" in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "令和6年度 目標50%" in svg
    assert "<script" not in html.split("</head>")[1]
    assert "<table" in html
    assert "55.5%" in html
    assert client.get("/ja/plan/years/2023/").status_code == 404  # nothing final that year
    assert client.get("/en/plan/").status_code == 200


def test_evaluations_not_final_are_not_public(client, plan, project, owner):
    services.evaluation_save(
        project=project, fiscal_year=2024, progress="内部の下書き", grade="C", actor=owner
    )
    assert "内部の下書き" not in client.get("/ja/plan/").content.decode()
    assert client.get("/ja/plan/years/2024/").status_code == 404


def test_one_click_report_is_a_signed_japanese_pdf(
    staff_client, ict, plan, final_evaluation, client
):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from yakusho.core.signing import verify_pdf

    response = staff_client(ict).post(
        "/ja/office/plan/reports/publish/", {"year": "2024"}, follow=True
    )
    assert "年次報告を作成し、公開しました" in response.content.decode()
    pdf = b"".join(client.get("/ja/plan/years/2024/report.pdf").streaming_content)
    assert pdf.startswith(b"%PDF")
    assert verify_pdf(pdf).valid
    reader = PdfFileReader(io.BytesIO(pdf))
    assert "令和6年度 進捗状況報告書" in str(reader.trailer["/Info"]["/Title"])
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    text = _pdf_text(page["/Contents"].data)
    assert "市民と行政の未来をつなぐ" in text
    assert "基本方針1" in text


def _pdf_text(content: bytes) -> str:
    """The text of a content stream's string literals, as ReportLab writes CID (UTF-16BE) text."""
    out = []
    for literal in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.S):
        raw = bytearray()
        i = 0
        while i < len(literal):
            c = literal[i]
            if c == 0x5C:  # backslash
                nxt = literal[i + 1 : i + 4]
                if nxt[:1].isdigit():
                    digits = re.match(rb"[0-7]{1,3}", nxt).group(0)
                    raw.append(int(digits, 8))
                    i += 1 + len(digits)
                    continue
                raw.append(
                    {ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(literal[i + 1], literal[i + 1])
                )
                i += 2
                continue
            raw.append(c)
            i += 1
        try:
            out.append(bytes(raw).decode("utf-16-be"))
        except UnicodeDecodeError:
            out.append(bytes(raw).decode("latin-1"))
    return "\n".join(out)


def test_only_ict_staff_publish_the_report(staff_client, owner, plan, final_evaluation):
    response = staff_client(owner).post(
        "/ja/office/plan/reports/publish/", {"year": "2024"}, follow=True
    )
    assert "情報政策課の職員だけ" in response.content.decode()
