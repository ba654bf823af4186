import pytest

from yakusho.core.japanese.kana import (
    is_hiragana,
    is_katakana_name,
    normalize_kana,
    normalize_width,
    search_key,
    to_hiragana,
)


@pytest.mark.parametrize(
    "text",
    ["やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "  ヤマダ   タロウ ", "やまだ\tたろう"],
)
def test_furigana_typed_any_way_normalises_to_one_form(text):
    assert normalize_kana(text) == "ヤマダ タロウ"


def test_half_width_dakuten_and_handakuten_join_their_letter():
    assert normalize_kana("ｶﾞｷﾞｸﾞﾊﾟﾋﾟ") == "ガギグパピ"


def test_kana_name_validation():
    assert is_katakana_name("やまだ たろう")
    assert is_katakana_name("スミス・ジョン")
    assert is_katakana_name("ｻﾄｳ")
    assert not is_katakana_name("山田 太郎")
    assert not is_katakana_name("Yamada")
    assert not is_katakana_name("")
    assert not is_katakana_name("ヤマダ1")


def test_width_normalisation():
    assert normalize_width("ＡＢＣ１２３") == "ABC123"
    assert normalize_width("ｱｲｳ") == "アイウ"


def test_hiragana_helpers():
    assert to_hiragana("ジュウミンヒョウ") == "じゅうみんひょう"
    assert is_hiragana("ひっこし")
    assert not is_hiragana("引越し")


def test_search_key_ignores_spacing_dots_and_kana_type():
    assert search_key("やまだ　たろう") == search_key("ﾔﾏﾀﾞﾀﾛｳ") == "ヤマダタロウ"
    assert search_key("スミス・ジョン") == "スミスジョン"
