"""The summary list the check page, the submission page and the office's case show."""

from django.template import engines
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from yakusho.procedures.engine.summary import Row, Section

SUMMARY = engines["django"].from_string(
    "{% load procedure_tags %}"
    "{% summary_list section change_url=change_url locked=locked sources=sources %}"
)

HOSTILE = Section(
    step_key="shinseisha",
    title="申請者",
    rows=[
        Row(label='氏名 <b>"&"</b>', value="秦野 太郎", key="name", source="registry"),
        Row(label="住所", value="〒257-8501\r\n秦野市桜町1-3-2 <script>", key="address"),
        Row(label=mark_safe("<em>メモ</em>"), value="一行目\r二行目\n", key="memo", source="x"),
    ],
)


def _as_django_builds_it(section, change_url, locked, sources):
    """The list as format_html and linebreaksbr, Django's own escaping, would build it."""
    rows = []
    for row in section.rows:
        source = ""
        if sources and row.source:
            tag = {"registry": "住民記録から"}.get(row.source, "ほかの申請と共通")
            source = format_html(' <span class="tag tag--green">{}</span>', tag)
        link = ""
        if change_url and row.key not in locked:
            link = format_html(
                '\n<dd><a href="{}?return=check">変更<span class="visually-hidden"> {}</span></a></dd>',
                change_url,
                row.label,
            )
        rows.append(
            format_html(
                '<div class="summary-list__row"><dt>{}</dt><dd>{}{}</dd>{}</div>',
                row.label,
                linebreaksbr(row.value, autoescape=True),
                source,
                link,
            )
        )
    return format_html(
        '<dl class="summary-list">{}</dl>',
        mark_safe("".join(rows)),  # noqa: S308 - each row built by format_html
    )


def test_the_summary_escapes_as_django_does_with_links_sources_and_locks():
    for change_url, locked, sources in [
        ("/ja/apply/k/shinseisha/?a=1&b=2", ["address"], True),
        ("", [], False),
    ]:
        context = {
            "section": HOSTILE,
            "change_url": change_url,
            "locked": locked,
            "sources": sources,
        }
        with translation.override("ja"):
            html = SUMMARY.render(context)
        assert html == _as_django_builds_it(HOSTILE, change_url, locked, sources)
    assert "&lt;script&gt;" in html
    assert "<em>メモ</em>" in html
    assert "一行目<br>二行目<br>" in html


def test_computed_rows_have_no_change_link_and_the_words_follow_the_language():
    computed = Section(step_key="_computed", title="計算", rows=[Row("支給額", "100,000円", "x")])
    assert "変更" not in SUMMARY.render(
        {"section": computed, "change_url": "/ja/x/", "locked": [], "sources": False}
    )
    with translation.override("en"):
        html = SUMMARY.render(
            {"section": HOSTILE, "change_url": "/en/x/", "locked": [], "sources": True}
        )
    assert ">Change<" in html
    assert '"tag tag--green">From the resident record</span>' in html
    assert '"tag tag--green">Shared with other applications</span>' in html
