"""Loading the registry mirror from the core system's CSV export: the `residents_import`
command and the `registry_import` service behind it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from yakusho.core.models import AuditRecord
from yakusho.core.validators import individual_number_check_digit
from yakusho.residents.importing import SourceRow, clean_row
from yakusho.residents.models import ResidentRecord
from yakusho.residents.services import registry_import, resident_upsert

pytestmark = pytest.mark.django_db

HEADER = "宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,郵便番号,住所"
TARO = (
    "200001,300001,世帯主,秦野 太郎,ハダノ タロウ,1985-04-12,男,257-0015,神奈川県秦野市平沢1234-5"
)
HANAKO = "200002,300001,妻,秦野 花子,ハダノ ハナコ,1988-09-30,女,257-0015,神奈川県秦野市平沢1234-5"
_INDIVIDUAL_NUMBER = "12345678901" + str(individual_number_check_digit("12345678901"))
JIRO = "200003,300002,世帯主,丹沢 次郎,タンザワ ジロウ,1960-01-20,男,259-1304,神奈川県秦野市堀山下1"


@pytest.fixture
def run(tmp_path):
    """Run the command on a file with these lines; returns (exit status, output)."""

    def go(*lines: str, encoding: str = "utf-8", args: tuple[str, ...] = ()):
        from io import StringIO

        path = tmp_path / "registry.csv"
        path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
        out = StringIO()
        try:
            call_command("residents_import", str(path), *args, stdout=out)
        except CommandError as exc:
            return 1, out.getvalue() + str(exc)
        return 0, out.getvalue()

    return go


def _imports() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action="residents.import").order_by("seq"))


def test_a_valid_file_creates_records_with_normalised_values_and_one_audit_record(run):
    status, output = run(HEADER, TARO, HANAKO)
    assert status == 0, output
    assert "2件を読み込み、新規 2・更新 0・変更なし 0・住民でなくなった 0" in output
    taro = ResidentRecord.objects.get(atena_number="200001")
    assert (taro.name, taro.name_kana, taro.birth_date, taro.sex) == (
        "秦野 太郎",
        "ハダノ タロウ",
        dt.date(1985, 4, 12),
        "male",
    )
    assert (taro.name_key, taro.name_kana_key) == ("秦野太郎", "ハダノタロウ")
    assert taro.postal_code == "257-0015"
    assert taro.is_current
    assert ResidentRecord.objects.get(atena_number="200002").sex == "female"
    [audit] = _imports()
    assert audit.actor_label == "system"
    assert audit.data["counts"] == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "ended": 0,
    }
    assert audit.data["source"] == "registry.csv"
    # The audit log keeps counts, never the people.
    assert "秦野" not in json.dumps(audit.data, ensure_ascii=False)
    assert "200001" not in json.dumps(audit.data)


def test_the_same_file_again_changes_nothing(run):
    run(HEADER, TARO, HANAKO)
    before = dict(ResidentRecord.objects.values_list("atena_number", "updated_at"))
    status, output = run(HEADER, TARO, HANAKO)
    assert status == 0
    assert "新規 0・更新 0・変更なし 2" in output
    assert dict(ResidentRecord.objects.values_list("atena_number", "updated_at")) == before
    assert _imports()[-1].data["counts"]["unchanged"] == 2


def test_a_changed_row_updates_only_that_record(run):
    run(HEADER, TARO, HANAKO)
    hanako_before = ResidentRecord.objects.get(atena_number="200002").updated_at
    moved = TARO.replace("平沢1234-5", "曽屋1-1").replace("257-0015", "257-0031")
    status, output = run(HEADER, moved, HANAKO)
    assert status == 0
    assert "新規 0・更新 1・変更なし 1" in output
    taro = ResidentRecord.objects.get(atena_number="200001")
    assert (taro.address, taro.postal_code) == ("神奈川県秦野市曽屋1-1", "257-0031")
    assert ResidentRecord.objects.get(atena_number="200002").updated_at == hanako_before


def test_full_ends_records_absent_from_the_file_and_revives_one_that_returns(run):
    run(HEADER, TARO, HANAKO, JIRO)
    # A partial file (changes only) never ends anyone.
    status, output = run(HEADER, TARO)
    assert "住民でなくなった 0" in output
    assert ResidentRecord.objects.filter(is_current=True).count() == 3

    status, output = run(HEADER, TARO, HANAKO, args=("--full",))
    assert status == 0
    assert "新規 0・更新 0・変更なし 2・住民でなくなった 1" in output
    assert not ResidentRecord.objects.get(atena_number="200003").is_current
    assert _imports()[-1].data["counts"]["ended"] == 1
    assert _imports()[-1].data["full"] is True

    # Ended records are not ended again.
    status, output = run(HEADER, TARO, HANAKO, args=("--full",))
    assert "住民でなくなった 0" in output

    status, output = run(HEADER, TARO, HANAKO, JIRO, args=("--full",))
    assert "新規 0・更新 1・変更なし 2・住民でなくなった 0" in output
    assert ResidentRecord.objects.get(atena_number="200003").is_current


def test_a_full_file_without_rows_is_refused(run):
    run(HEADER, TARO)
    status, output = run(HEADER, args=("--full",))
    assert status == 1
    assert "全員が住民でなくなる" in output
    assert ResidentRecord.objects.get().is_current


def test_dry_run_counts_and_writes_nothing(run):
    run(HEADER, TARO, JIRO)
    changed = HANAKO, TARO.replace("世帯主", "本人")
    status, output = run(HEADER, *changed, args=("--full", "--dry-run"))
    assert status == 0
    assert "新規 1・更新 1・変更なし 0・住民でなくなった 1" in output
    assert "何も書き込んでいません" in output
    assert set(ResidentRecord.objects.values_list("atena_number", "relation", "is_current")) == {
        ("200001", "世帯主", True),
        ("200003", "世帯主", True),
    }
    assert len(_imports()) == 1


def test_one_invalid_row_writes_nothing_and_names_line_column_and_fix(run):
    run(HEADER, TARO)
    bad = JIRO.replace("1960-01-20", "1960-02-30")
    status, output = run(HEADER, TARO.replace("世帯主", "本人"), HANAKO, bad)
    assert status == 1
    assert "4行目 生年月日: 存在しない日付です（2月30日）" in output
    assert "1件の誤りがあるため、何も書き込んでいません" in output
    assert ResidentRecord.objects.count() == 1
    assert ResidentRecord.objects.get().relation == "世帯主"
    assert len(_imports()) == 1


def test_every_problem_of_a_row_is_reported(run):
    row = "12-34,abc,,,Taro,昭和65年1月1日,X,25700,"
    status, output = run(HEADER, row)
    assert status == 1
    lines = output.splitlines()
    for expected in (
        "2行目 宛名番号: 数字だけで",
        "2行目 世帯番号: 数字だけで",
        "2行目 氏名: 入力されていません",
        "2行目 氏名カナ: カタカナかひらがなで",
        "2行目 生年月日: その元号の期間にない日付です",
        "2行目 性別: 「男」か「女」で",
        "2行目 郵便番号: 7桁の数字で",
        "2行目 住所: 入力されていません",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, output)
    assert not any(line.startswith("2行目 続柄") for line in lines)  # optional
    assert ResidentRecord.objects.count() == 0


def test_length_limits_come_from_the_model(run):
    long_number = "1" * 16
    long_name = "秦" * 61
    status, output = run(
        HEADER, TARO.replace("200001", long_number).replace("秦野 太郎", long_name)
    )
    assert status == 1
    assert "2行目 宛名番号: 15桁以内にしてください（今は16桁）" in output
    assert "2行目 氏名: 60文字以内にしてください（今は61文字）" in output


def test_more_than_fifty_errors_are_summarised(run):
    rows = [f"{400000 + i},1,,名前{i},メイ,2000-13-01,男,2570015,秦野市" for i in range(60)]
    status, output = run(HEADER, *rows)
    assert status == 1
    assert sum(1 for line in output.splitlines() if "生年月日" in line) == 50
    assert "…ほか10件" in output
    assert "60件の誤り" in output


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1985-04-12", dt.date(1985, 4, 12)),
        ("1985/4/12", dt.date(1985, 4, 12)),
        ("昭和60年4月12日", dt.date(1985, 4, 12)),
        ("S60.4.12", dt.date(1985, 4, 12)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("１９８５－０４－１２", dt.date(1985, 4, 12)),
        ("昭和６０年４月１２日", dt.date(1985, 4, 12)),
    ],
)
def test_birth_dates_in_wareki_seireki_and_full_width(written, expected):
    row, problems = clean_row(_values(birth_date=written))
    assert problems == []
    assert row.birth_date == expected


@pytest.mark.parametrize(
    ("field", "written", "problem"),
    [
        ("birth_date", "平成32年1月1日", "その元号の期間にない日付です"),
        ("birth_date", "2019-02-29", "存在しない日付です（2月29日）"),
        ("birth_date", "4月12日", "日付として読み取れません"),
        ("birth_date", "2999-01-01", "未来の日付です"),
        ("name_kana", "秦野 タロウ", "カタカナかひらがなで"),
        ("name_kana", "Hadano Taro", "カタカナかひらがなで"),
        ("sex", "M", "「男」か「女」で"),
        ("postal_code", "257-001", "7桁の数字で"),
        ("household_number", "H0001", "数字だけで"),
        ("address", f"秦野市 {_INDIVIDUAL_NUMBER}", "マイナンバー"),
        ("relation", _INDIVIDUAL_NUMBER, "マイナンバー"),
    ],
)
def test_values_that_cannot_be_taken_are_explained(field, written, problem):
    row, problems = clean_row(_values(**{field: written}))
    assert row is None
    [(where, message)] = problems
    assert where == field
    assert problem in message


def test_full_width_half_width_and_hiragana_values_are_normalised():
    row, problems = clean_row(
        _values(
            atena_number="２００００１",
            household_number="３００００１",
            name="　秦野　　太郎 ",
            name_kana="ﾊﾀﾞﾉ ﾀﾛｳ",
            sex="１",
            postal_code="〒２５７－００１５",
            address="神奈川県秦野市平沢１２３４－５　ﾊﾀﾞﾉ荘１０１",
        )
    )
    assert problems == []
    assert row.atena_number == "200001"
    assert row.household_number == "300001"
    assert row.name == "秦野 太郎"
    assert row.name_kana == "ハダノ タロウ"
    assert row.sex == "male"
    assert row.postal_code == "257-0015"
    assert row.address == "神奈川県秦野市平沢1234-5 ハダノ荘101"
    hiragana, _ = clean_row(_values(name_kana="はだの　はなこ", sex="female"))
    assert (hiragana.name_kana, hiragana.sex) == ("ハダノ ハナコ", "female")
    assert clean_row(_values(sex="女"))[0].sex == "female"
    assert clean_row(_values(sex="2"))[0].sex == "female"


def test_import_and_upsert_write_identical_rows():
    """Both paths share the normalisation, so matching by name works the same for both."""
    values = {
        "household_number": "300001",
        "relation": "世帯主",
        "name": "秦野　太郎",
        "name_kana": "ﾊﾀﾞﾉ たろう",
        "birth_date": "1985-04-12",
        "sex": "male",
        "postal_code": "257-0015",
        "address": "神奈川県秦野市平沢1234-5",
    }
    report = registry_import([SourceRow({**values, "atena_number": "1"})], source="test")
    assert report.created == 1
    resident_upsert(atena_number="2", **{**values, "birth_date": dt.date(1985, 4, 12)})
    own = {"id", "atena_number", "created_at", "updated_at"}
    fields = [f.name for f in ResidentRecord._meta.concrete_fields if f.name not in own]
    imported, upserted = (
        ResidentRecord.objects.filter(atena_number=n).values(*fields).get() for n in ("1", "2")
    )
    assert imported == upserted


def test_cp932_file_is_read_in_auto_and_explicit_mode(run):
    row = JIRO.replace("丹沢 次郎", "髙橋 ①子").replace("タンザワ ジロウ", "タカハシ イチコ")
    for args in ((), ("--encoding", "cp932")):
        status, output = run(HEADER, TARO, row, encoding="cp932", args=args)
        assert status == 0, output
    assert ResidentRecord.objects.get(atena_number="200003").name == "髙橋 ①子"
    assert ResidentRecord.objects.get(atena_number="200001").name_kana == "ハダノ タロウ"


def test_utf8_with_bom(run):
    status, output = run(HEADER, TARO, encoding="utf-8-sig")
    assert status == 0, output
    assert ResidentRecord.objects.get().name == "秦野 太郎"


def test_a_cp932_file_read_as_utf8_names_the_line(run):
    status, output = run(HEADER, TARO, encoding="cp932", args=("--encoding", "utf-8"))
    assert status == 1
    assert "1行目が utf-8 として読めません" in output


def test_a_file_in_neither_encoding_gets_one_clear_line(run, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_bytes("\n".join([HEADER, TARO]).encode("utf-16"))
    with pytest.raises(CommandError, match="文字コードを判別できません") as caught:
        call_command("residents_import", str(path))
    assert "\n" not in str(caught.value)
    assert ResidentRecord.objects.count() == 0


def test_a_wrong_header_lists_the_expected_columns(run):
    status, output = run(HEADER.replace("氏名カナ", "フリガナ"), TARO)
    assert status == 1
    assert "足りない列：氏名カナ" in output
    assert "必要な列：宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,郵便番号,住所" in output


def test_columns_may_come_in_any_order_and_extra_ones_are_ignored(run):
    header = "住所,氏名,宛名番号,世帯番号,続柄,氏名カナ,生年月日,性別,郵便番号,転入日"
    row = "神奈川県秦野市平沢1,秦野 太郎,200001,300001,,ハダノ タロウ,1985-04-12,男,2570015,2020-01-01"
    status, output = run(header, row)
    assert status == 0, output
    record = ResidentRecord.objects.get()
    assert (record.name, record.address) == ("秦野 太郎", "神奈川県秦野市平沢1")


@pytest.mark.parametrize("column", ["マイナンバー", "個人番号", "ﾏｲﾅﾝﾊﾞｰ", "my_number"])
def test_a_file_with_an_individual_number_column_is_refused_whole(run, column):
    status, output = run(HEADER + f",{column}", TARO + ",")
    assert status == 1
    assert "マイナンバー（個人番号）を保存しません" in output
    assert ResidentRecord.objects.count() == 0
    assert _imports() == []


def test_a_row_with_more_cells_than_the_header_is_an_error(run):
    status, output = run(HEADER, TARO.replace("神奈川県秦野市平沢1234-5", "秦野市,平沢"))
    assert status == 1
    assert "2行目: 列の数が見出しより多くなっています（見出し9列、この行10列）" in output


def test_a_repeated_atena_number_is_an_error(run):
    status, output = run(HEADER, TARO, HANAKO, TARO.replace("秦野 太郎", "秦野 太朗"))
    assert status == 1
    assert "4行目 宛名番号: 200001 は2行目と重複しています" in output
    assert ResidentRecord.objects.count() == 0


def test_blank_lines_are_skipped_and_line_numbers_stay_true(run):
    status, output = run(HEADER, TARO, "", JIRO.replace("男", "?"))
    assert status == 1
    assert "4行目 性別:" in output
    assert "2件を読み込みました" in output


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(CommandError, match="ファイルを読めません"):
        call_command("residents_import", str(tmp_path / "missing.csv"))


def test_twenty_thousand_rows(run, tmp_path):
    rows = [
        f"{700000 + i},{800000 + i // 3},,市民 {i}号,シミン {'イロハニホヘト'[i % 7]},"
        f"{1930 + i % 90}-{1 + i % 12}-{1 + i % 28},{1 + i % 2},2570015,神奈川県秦野市平沢{i}"
        for i in range(20_000)
    ]
    status, output = run(HEADER, *rows)
    assert status == 0, output[:500]
    assert "20000件を読み込み、新規 20000・更新 0・変更なし 0" in output
    assert ResidentRecord.objects.filter(is_current=True).count() == 20_000
    assert ResidentRecord.objects.get(atena_number="719999").name_kana == "シミン イ"

    rows[5] = rows[5].replace("平沢5", "曽屋5")
    status, output = run(HEADER, *rows[:-100], args=("--full",))
    assert "19900件を読み込み、新規 0・更新 1・変更なし 19899・住民でなくなった 100" in output
    assert ResidentRecord.objects.filter(is_current=True).count() == 19_900


def _values(**overrides: str) -> dict[str, str]:
    values = dict(
        zip(
            (
                "atena_number",
                "household_number",
                "relation",
                "name",
                "name_kana",
                "birth_date",
                "sex",
                "postal_code",
                "address",
            ),
            TARO.split(","),
            strict=True,
        )
    )
    values.update(overrides)
    return values
