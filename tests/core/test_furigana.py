import pytest

from yakusho.core.japanese.furigana import add_ruby, place_name_readings, ruby_text


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("住民票", "じゅうみんひょう"),
        ("転入届", "てんにゅうとどけ"),
        ("児童手当", "じどうてあて"),
        ("国民健康保険", "こくみんけんこうほけん"),
        ("罹災証明書", "りさいしょうめいしょ"),
    ],
)
def test_administrative_words_read_correctly(word, reading):
    assert ruby_text(word) == f"<ruby>{word}<rt>{reading}</rt></ruby>"


def test_the_citys_own_name_reads_as_the_city_says():
    readings = place_name_readings("秦野市", "ハダノシ")
    assert readings == (("秦野市", "はだのし"), ("秦野", "はだの"))
    assert (
        ruby_text("秦野の水", readings)
        == "<ruby>秦野<rt>はだの</rt></ruby>の<ruby>水<rt>みず</rt></ruby>"
    )
    assert ruby_text("秦野市役所", readings).startswith("<ruby>秦野市<rt>はだのし</rt></ruby>")


def test_readings_sit_over_the_kanji_only():
    assert ruby_text("引っ越し") == "<ruby>引<rt>ひ</rt></ruby>っ<ruby>越<rt>こ</rt></ruby>し"


def test_kana_and_latin_are_left_alone():
    assert ruby_text("ログインする ABC 123") == "ログインする ABC 123"


def test_markup_attributes_and_controls_are_untouched():
    html = (
        "<html><head><title>住民票</title></head><body>"
        '<a href="/ja/" title="市役所">市役所</a><input value="漢字">'
        "<textarea>備考</textarea><select><option>転入</option></select>"
        '<span translate="no">秦野</span><code>漢字</code><p>見る &amp; 読む</p></body></html>'
    )
    out = add_ruby(html)
    assert "<title>住民票</title>" in out
    assert 'title="市役所">' in out
    assert '<a href="/ja/" title="市役所"><ruby>市役所<rt>しやくしょ</rt></ruby></a>' in out
    assert '<input value="漢字">' in out
    assert "<textarea>備考</textarea>" in out
    assert "<option>転入</option>" in out
    assert '<span translate="no">秦野</span>' in out
    assert "<code>漢字</code>" in out
    assert "<ruby>見<rt>み</rt></ruby>る &amp; <ruby>読<rt>よ</rt></ruby>む" in out


def test_the_same_text_is_computed_once():
    ruby_text.cache_clear()
    ruby_text("申請書")
    ruby_text("申請書")
    assert ruby_text.cache_info().hits == 1


@pytest.mark.django_db
def test_furigana_defaults_by_language(client):
    assert "<ruby>" not in client.get("/ja/accessibility/").content.decode()
    assert "<ruby>" in client.get("/ja-x-easy/accessibility/").content.decode()
    assert "<ruby>" not in client.get("/en/accessibility/").content.decode()
    client.cookies["yakusho_furigana"] = "off"
    assert "<ruby>" not in client.get("/ja-x-easy/accessibility/").content.decode()
