"""Reading the resident registry (住民基本台帳) as the city's core system exports it.

The core system writes a CSV file (usually Shift_JIS) or pushes records over the API. This
module turns either into clean values for `services.registry_import`, and says for every value
it cannot take which line, which column and what to do about it, in Japanese. It writes
nothing. A file with a マイナンバー column is refused as a whole: yakusho never stores one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jaconv
from django.utils import timezone
from django.utils.translation import gettext as _

from yakusho.core.japanese.kana import is_katakana_name, normalize_kana
from yakusho.core.japanese.postal import normalize_postal_code
from yakusho.core.japanese.wareki import WarekiError, parse_date
from yakusho.core.validators import contains_individual_number

from .models import ResidentRecord
from .selectors import name_key

# (field, column in the core system's file), in the order the file usually has them.
FIELDS: tuple[tuple[str, str], ...] = (
    ("atena_number", "宛名番号"),
    ("household_number", "世帯番号"),
    ("relation", "続柄"),
    ("name", "氏名"),
    ("name_kana", "氏名カナ"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
    ("postal_code", "郵便番号"),
    ("address", "住所"),
)
COLUMNS: dict[str, str] = dict(FIELDS)
FIELD_FOR_COLUMN: dict[str, str] = {column: name for name, column in FIELDS}
ENCODINGS = ("auto", "utf-8", "cp932")


def _max_length(name: str) -> int:
    return int(ResidentRecord._meta.get_field(name).max_length)


MAX_NUMBER_DIGITS = _max_length("atena_number")

_SEX = {
    "男": ResidentRecord.Sex.MALE.value,
    "男性": ResidentRecord.Sex.MALE.value,
    "1": ResidentRecord.Sex.MALE.value,
    "male": ResidentRecord.Sex.MALE.value,
    "女": ResidentRecord.Sex.FEMALE.value,
    "女性": ResidentRecord.Sex.FEMALE.value,
    "2": ResidentRecord.Sex.FEMALE.value,
    "female": ResidentRecord.Sex.FEMALE.value,
}
_DIGITS = re.compile(r"[0-9]+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_NOT_SHIFT_JIS = re.compile("[\x00\x80\uf8f0-\uf8f3]")
# Column names a マイナンバー goes by, once NFKC-normalised, lower-cased and without spaces,
# underscores or hyphens.
_INDIVIDUAL_NUMBER_COLUMNS = (
    "マイナンバー",
    "個人番号",
    "mynumber",
    "individualnumber",
    "kojinbango",
)


class RegistryFileError(Exception):
    """A problem with the file or request as a whole (encoding, header, a マイナンバー column);
    nothing of it is read."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record as received: raw values keyed by field, and its line in the file if any."""

    values: Mapping[str, Any]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One record's clean values, ready for `services.record_values`."""

    atena_number: str
    household_number: str
    relation: str
    name: str
    name_kana: str
    birth_date: dt.date
    sex: str
    postal_code: str
    address: str


@dataclass(frozen=True, slots=True)
class RowError:
    index: int  # position in the input, from 0
    field: str  # a key of COLUMNS, or "" for the row as a whole
    message: str
    line: int | None = None  # line in the file, when read from one

    @property
    def column(self) -> str:
        return COLUMNS.get(self.field, "")

    def __str__(self) -> str:
        where = _where(self.index, self.line)
        return (
            f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


def _where(index: int, line: int | None) -> str:
    """「3行目」 for a line of a file, 「3件目」 for a record sent over the API."""
    if line is not None:
        return _("%(line)d行目") % {"line": line}
    return _("%(number)d件目") % {"number": index + 1}


@dataclass
class CleanRows:
    rows: list[RegistryRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0


class _Invalid(Exception):
    def __init__(self, message: str):
        self.message = message


# --- files ---------------------------------------------------------------------------------


def decode_registry_file(data: bytes, encoding: str = "auto") -> str:
    """The text of an exported file. `auto` takes UTF-8 (with or without BOM) and falls back
    to cp932 (Shift_JIS with Microsoft's extensions, what core systems write)."""
    if encoding not in ENCODINGS:
        raise RegistryFileError(
            _("文字コードは auto・utf-8・cp932 のいずれかです（指定：%(encoding)s）。")
            % {"encoding": encoding}
        )
    tried = ("utf-8-sig", "cp932") if encoding == "auto" else (_codec(encoding),)
    for codec in tried:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            failure = exc
            continue
        if codec == "cp932" and (found := _NOT_SHIFT_JIS.search(text)):
            # Python's cp932 maps the bytes Shift_JIS leaves unused to these; a file that has
            # them (or NUL, as UTF-16 does) is not Shift_JIS text.
            start = len(text[: found.start()].encode("cp932"))
            failure = UnicodeDecodeError("cp932", data, start, start + 1, "not Shift_JIS")
            continue
        return text
    if encoding == "auto":
        raise RegistryFileError(
            _(
                "文字コードを判別できません。UTF-8 か Shift_JIS（cp932）で書き出したファイルを"
                "指定してください。"
            )
        )
    line = data[: failure.start].count(b"\n") + 1
    raise RegistryFileError(
        _(
            "%(line)d行目が %(encoding)s として読めません。書き出したときの文字コードを"
            "--encoding で指定するか、auto にしてください。"
        )
        % {"line": line, "encoding": encoding}
    )


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def _header_name(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell.replace("\ufeff", "")).strip()


def refuse_individual_number_columns(names: Iterable[str]) -> None:
    """Refuse a file or request that carries a マイナンバー column, whatever its values."""
    for name in names:
        key = _header_name(str(name)).lower()
        key = re.sub(r"[\s_\-]", "", key)
        if any(word in key for word in _INDIVIDUAL_NUMBER_COLUMNS):
            raise RegistryFileError(
                _(
                    "「%(column)s」の列があるため、ファイル全体を読み込みませんでした。yakusho は"
                    "マイナンバー（個人番号）を保存しません。その列を外して書き出し直してください。"
                )
                % {"column": str(name).strip()}
            )


def _expected_columns() -> str:
    return ",".join(column for _field, column in FIELDS)


def read_csv(text: str) -> Iterator[SourceRow]:
    """The rows of a registry CSV file. The header (line 1) is checked at once; its columns
    may come in any order, and columns yakusho does not use are ignored."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RegistryFileError(
            _("1行目が CSV として読めません（%(reason)s）。") % {"reason": exc}
        ) from None
    if not header or not any(cell.strip() for cell in header):
        raise RegistryFileError(
            _("ファイルが空です。1行目に見出し「%(columns)s」が必要です。")
            % {"columns": _expected_columns()}
        )
    names = [_header_name(cell) for cell in header]
    refuse_individual_number_columns(names)
    missing = [column for _field, column in FIELDS if column not in names]
    repeated = sorted({n for n in names if n in FIELD_FOR_COLUMN and names.count(n) > 1})
    if missing or repeated:
        problem = (
            _("足りない列：%(columns)s") % {"columns": "、".join(missing)}
            if missing
            else _("重複している列：%(columns)s") % {"columns": "、".join(repeated)}
        )
        raise RegistryFileError(
            _("1行目の見出しが正しくありません（%(problem)s）。必要な列：%(columns)s")
            % {"problem": problem, "columns": _expected_columns()}
        )
    positions = {FIELD_FOR_COLUMN[n]: i for i, n in enumerate(names) if n in FIELD_FOR_COLUMN}
    return _csv_rows(reader, positions, len(names))


def _csv_rows(reader: Any, positions: dict[str, int], width: int) -> Iterator[SourceRow]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RegistryFileError(
                _("%(line)d行目が CSV として読めません（%(reason)s）。")
                % {"line": reader.line_num, "reason": exc}
            ) from None
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, such as the one many exports end with
        values: dict[str, Any] = {
            name: cells[i] if i < len(cells) else "" for name, i in positions.items()
        }
        if len(cells) > width:
            values[""] = _(
                "列の数が見出しより多くなっています（見出し%(expected)d列、この行%(actual)d列）。"
                '値の中の「,」は値全体を「"」で囲んでください。'
            ) % {"expected": width, "actual": len(cells)}
        yield SourceRow(values=values, line=reader.line_num)


# --- values --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _required(text: str) -> str:
    if not text:
        raise _Invalid(_("入力されていません。"))
    return text


def _no_control_characters(text: str) -> str:
    if _CONTROL.search(text):
        raise _Invalid(_("制御文字が含まれています。文字だけにしてください。"))
    return text


def _length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise _Invalid(
            _("%(limit)d文字以内にしてください（今は%(length)d文字）。")
            % {"limit": limit, "length": len(text)}
        )
    return text


def clean_number(value: Any) -> str:
    """宛名番号 and 世帯番号: digits only (full-width accepted), at most 15."""
    text = _required(unicodedata.normalize("NFKC", _text(value)).strip())
    if not _DIGITS.fullmatch(text):
        raise _Invalid(_("数字だけで書いてください（ハイフン・記号・文字は使えません）。"))
    if len(text) > MAX_NUMBER_DIGITS:
        raise _Invalid(
            _("%(limit)d桁以内にしてください（今は%(length)d桁）。")
            % {"limit": MAX_NUMBER_DIGITS, "length": len(text)}
        )
    return text


def _free_text(value: Any) -> str:
    """Trimmed, runs of spaces (full-width too) as one, no control characters, no マイナンバー."""
    text = _no_control_characters(" ".join(_text(value).split()))
    if contains_individual_number(text):
        raise _Invalid(
            _(
                "マイナンバー（個人番号）と思われる12桁の番号が含まれています。番号を消してください。"
            )
        )
    return text


def clean_relation(value: Any) -> str:
    return _length(_free_text(value), _max_length("relation"))


def clean_name(value: Any) -> str:
    """The name as written (異体字 kept), trimmed, one space between family and given name."""
    text = _length(_required(_free_text(value)), _max_length("name"))
    _length(name_key(text), _max_length("name"))
    return text


def clean_name_kana(value: Any) -> str:
    """Half- or full-width katakana or hiragana → full-width katakana."""
    text = _required(" ".join(_text(value).split()))
    if not is_katakana_name(text):
        raise _Invalid(
            _("カタカナかひらがなで書いてください（漢字・英字・数字・記号は使えません）。")
        )
    return _length(normalize_kana(text), _max_length("name_kana"))


def clean_birth_date(value: Any, *, today: dt.date | None = None) -> dt.date:
    """ISO (1985-04-12), 1985/4/12, 和暦 (昭和60年4月12日, S60.4.12, R1.5.1), full width too."""
    text = _text(value)
    try:
        date = parse_date(text)
    except WarekiError as exc:
        message = str(exc.message).rstrip("。")
        if exc.code == "invalid_date":
            numbers = re.findall(r"[0-9]+", unicodedata.normalize("NFKC", text))
            if len(numbers) >= 2:
                message += _("（%(month)s月%(day)s日）") % {
                    "month": int(numbers[-2]),
                    "day": int(numbers[-1]),
                }
        elif exc.code == "unparseable" and not text.strip():
            message = _("入力されていません。")
        raise _Invalid(message) from None
    if date > (today or timezone.localdate()):
        raise _Invalid(_("未来の日付です。生年月日を確かめてください。"))
    return date


def clean_sex(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _text(value)).strip().lower()
    try:
        return _SEX[text]
    except KeyError:
        raise _Invalid(
            _("「男」か「女」で書いてください（1・2、male・female も使えます）。")
        ) from None


def clean_postal_code(value: Any) -> str:
    """7 digits with or without hyphen → 「257-0015」."""
    text = _text(value)
    if not text.strip():
        raise _Invalid(_("入力されていません。"))
    digits = normalize_postal_code(text)
    if digits is None:
        raise _Invalid(_("7桁の数字で書いてください（例：257-0015）。"))
    return f"{digits[:3]}-{digits[3:]}"


def clean_address(value: Any) -> str:
    """Trimmed; full-width letters and digits made half-width, half-width kana full-width."""
    text = jaconv.h2z(_text(value), kana=True, ascii=False, digit=False)
    text = jaconv.z2h(text, kana=False, ascii=True, digit=True)
    return _length(_required(_free_text(text)), _max_length("address"))


_CLEANERS = {
    "atena_number": clean_number,
    "household_number": clean_number,
    "relation": clean_relation,
    "name": clean_name,
    "name_kana": clean_name_kana,
    "birth_date": clean_birth_date,
    "sex": clean_sex,
    "postal_code": clean_postal_code,
    "address": clean_address,
}


def clean_row(
    values: Mapping[str, Any], *, today: dt.date | None = None
) -> tuple[RegistryRow | None, list[tuple[str, str]]]:
    """Clean one record; returns the row, or None and every (field, message) wrong with it.
    A value under the key "" is a problem with the row as a whole, found while reading it."""
    today = today or timezone.localdate()
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if values.get(""):
        problems.append(("", str(values[""])))
    for name, cleaner in _CLEANERS.items():
        try:
            if name == "birth_date":
                clean[name] = clean_birth_date(values.get(name), today=today)
            else:
                clean[name] = cleaner(values.get(name))
        except _Invalid as exc:
            problems.append((name, str(exc.message)))
    if problems:
        return None, problems
    return RegistryRow(**clean), []


def clean_rows(rows: Iterable[SourceRow]) -> CleanRows:
    """Clean every record, collecting every problem, including a 宛名番号 given twice."""
    result = CleanRows()
    today = timezone.localdate()
    first_seen: dict[str, tuple[int, int | None]] = {}
    for index, source in enumerate(rows):
        result.read += 1
        row, problems = clean_row(source.values, today=today)
        for name, message in problems:
            result.errors.append(RowError(index, name, message, source.line))
        if row is None:
            continue
        earlier = first_seen.get(row.atena_number)
        if earlier is not None:
            where = _where(*earlier)
            result.errors.append(
                RowError(
                    index,
                    "atena_number",
                    _("%(number)s は%(where)sと重複しています。1人につき1行にしてください。")
                    % {"number": row.atena_number, "where": where},
                    source.line,
                )
            )
            continue
        first_seen[row.atena_number] = (index, source.line)
        result.rows.append(row)
    return result
