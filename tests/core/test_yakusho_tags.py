"""The component library's template tags, as pages use them."""

from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

STEPS = engines["django"].from_string("{% load yakusho %}{% steps labels current %}")


def test_steps_mark_the_current_step_and_the_ones_done():
    html = STEPS.render({"labels": ["申請者", "世帯", "口座", "確認"], "current": 3})
    assert html == (
        '<nav class="steps" aria-label="全4ステップ中3番目">\n<ol>'
        '<li class="steps__done">申請者<span class="visually-hidden">（完了）</span></li>'
        '<li class="steps__done">世帯<span class="visually-hidden">（完了）</span></li>'
        '<li aria-current="step">口座</li>'
        "<li>確認</li></ol>\n</nav>\n"
    )


def test_steps_speak_the_page_language_and_escape_the_labels():
    with translation.override("en"):
        html = STEPS.render({"labels": ['<b>"A&B"</b>', mark_safe("<i>ok</i>")], "current": 2})
    assert 'aria-label="Step 2 of 2"' in html
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in html
    assert '<span class="visually-hidden">(completed)</span>' in html
    assert '<li aria-current="step"><i>ok</i></li>' in html


BREADCRUMBS = engines["django"].from_string("{% load yakusho %}{% breadcrumbs trail %}")


def test_breadcrumbs_link_every_place_but_the_page_itself():
    with translation.override("en"):
        html = BREADCRUMBS.render(
            {"trail": [("Home", "/en/"), ('<b>"A&B"</b>', "/en/a?x=1&y=2"), ("Here", "/en/here/")]}
        )
    assert html == (
        '<nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>\n'
        '<li><a href="/en/">Home</a></li>'
        '<li><a href="/en/a?x=1&amp;y=2">&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</a></li>'
        '<li><span aria-current="page">Here</span></li>\n</ol></nav>\n'
    )


def test_a_place_without_a_link_is_text_and_no_trail_is_no_navigation():
    html = BREADCRUMBS.render({"trail": [("ホーム", "/ja/"), ("手続きをさがす", "")]})
    assert '<nav class="breadcrumbs" aria-label="パンくずリスト">' in html
    assert '<li><span aria-current="page">手続きをさがす</span></li>' in html
    assert BREADCRUMBS.render({"trail": []}) == "\n"
    assert BREADCRUMBS.render({}) == "\n"
