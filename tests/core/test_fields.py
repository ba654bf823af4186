"""Japanese form fields: what residents type, and the message that names the fix."""

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from yakusho.core import fields
from yakusho.core.validators import contains_individual_number, individual_number_check_digit


class ProfileForm(fields.PostalLookupMixin, fields.Form):
    name_kana = fields.KanaField(label="フリガナ")
    birth_date = fields.JapaneseDateField(label="生年月日")
    postal_code = fields.PostalCodeField(label="郵便番号")
    address = forms.CharField(label="住所", max_length=20)
    phone = fields.PhoneField(label="電話番号", required=False)
    note = fields.FreeTextField(label="備考", required=False, max_length=100)


def _form(**data):
    base = {
        "name_kana": "ハダノ タロウ",
        "birth_date_era": "R",
        "birth_date_year": "1",
        "birth_date_month": "5",
        "birth_date_day": "1",
        "postal_code": "257-0015",
        "address": "秦野市平沢1-1",
    }
    return ProfileForm({**base, **data})


def test_a_good_form_cleans_to_normal_forms():
    form = _form(
        name_kana="ﾊﾀﾞﾉ　たろう", postal_code="２５７００１５", phone="０４６３－８２－５１１１"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name_kana"] == "ハダノ タロウ"
    assert form.cleaned_data["birth_date"] == dt.date(2019, 5, 1)
    assert form.cleaned_data["postal_code"] == "257-0015"
    assert form.cleaned_data["phone"] == "0463-82-5111"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name_kana": "秦野 太郎"}, "name_kana", "カタカナで入力してください"),
        ({"birth_date_era": "R", "birth_date_year": "0"}, "birth_date", "0年はありません"),
        (
            {
                "birth_date_era": "R",
                "birth_date_year": "6",
                "birth_date_month": "2",
                "birth_date_day": "30",
            },
            "birth_date",
            "存在しない日付です",
        ),
        (
            {"birth_date_era": "H", "birth_date_year": "32"},
            "birth_date",
            "その元号の期間にない日付です",
        ),
        (
            {"birth_date_era": "AD", "birth_date_year": "2999"},
            "birth_date",
            "未来の日付は入力できません",
        ),
        (
            {"birth_date_era": "R", "birth_date_year": "", "birth_date_month": ""},
            "birth_date",
            "すべて入力してください",
        ),
        (
            {"birth_date_era": "R", "birth_date_year": "ろく"},
            "birth_date",
            "数字で入力してください",
        ),
        ({"postal_code": "257"}, "postal_code", "7桁の数字"),
        ({"postal_code": "000-0000"}, "postal_code", "郵便番号が見つかりません"),
        ({"phone": "04638251119999"}, "phone", "10桁か11桁"),
        ({"address": "あ" * 21}, "address", "20文字以内で入力してください（今は21文字です）"),
        ({"postal_code": ""}, "postal_code", "入力してください"),
        ({"note": "私の番号は1234 5678 9018です"}, "note", "マイナンバー"),
    ],
)
def test_bad_input_gets_a_message_that_names_the_fix(data, field, message):
    form = _form(**data)
    assert not form.is_valid()
    assert message in " ".join(str(e) for e in form.errors[field])


def test_gannen_typed_in_the_year_box():
    form = _form(
        birth_date_era="H", birth_date_year="元", birth_date_month="１", birth_date_day="８"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == dt.date(1989, 1, 8)


def test_date_widget_shows_a_saved_date_in_wareki():
    form = ProfileForm(initial={"birth_date": dt.date(2019, 4, 30)})
    html = str(form["birth_date"])
    assert 'value="H" selected' in html
    assert 'value="31"' in html


def test_postal_lookup_without_javascript_fills_the_address_and_checks_nothing_else():
    form = ProfileForm({"postal_code": "2570015", "address": "", "lookup_postal": "1"})
    assert form.looked_up_postal_code()
    assert form.data["address"] == "神奈川県秦野市平沢"
    assert form.errors == {}
    bad = ProfileForm({"postal_code": "0000000", "lookup_postal": "1"})
    bad.looked_up_postal_code()
    assert "郵便番号が見つかりません" in str(bad.errors["postal_code"])
    assert "name_kana" not in bad.errors


def test_control_characters_are_removed_from_free_text():
    form = _form(note="一行目\x00\x1b二行目")
    assert form.is_valid()
    assert form.cleaned_data["note"] == "一行目二行目"


def test_individual_number_detection():
    assert individual_number_check_digit("12345678901") == 8
    assert contains_individual_number("123456789018")
    assert contains_individual_number("番号：１２３４－５６７８－９０１８です")
    assert not contains_individual_number("123456789019")  # wrong check digit
    assert not contains_individual_number("電話 0463-82-5111")
    assert not contains_individual_number("1234567890180")  # 13 digits: a corporate number


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_check_digit_makes_a_valid_individual_number(first):
    valid = [d for d in "0123456789" if contains_individual_number(first + d)]
    assert valid == [str(individual_number_check_digit(first))]


@given(st.text(max_size=200))
def test_free_text_never_crashes(text):
    _form(note=text).is_valid()
