"""The form engine: definitions refused with named problems, conditions, computed values,
and random definitions and answers that never make it fail."""

import copy

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakusho.procedures.engine import DefinitionError, FormDefinition
from yakusho.procedures.engine.forms import build_step_form, clean_step
from yakusho.procedures.engine.rules import compute, evaluate
from yakusho.procedures.engine.summary import summarise

from .sample_definitions import BENEFIT, COPIES


def _problems(definition):
    with pytest.raises(DefinitionError) as info:
        FormDefinition.parse(definition)
    return " ".join(info.value.problems)


def test_samples_parse():
    assert list(FormDefinition.parse(BENEFIT).fields)[:2] == ["applicant", "birth_date"]


def test_condition_on_a_missing_field_is_refused_naming_it():
    broken = copy.deepcopy(COPIES)
    broken["steps"][0]["fields"][2]["visible_if"] = {"field": "purpos", "equals": "other"}
    problems = _problems(broken)
    assert "purpose_other" in problems
    assert "purpos" in problems


def test_condition_on_a_later_step_is_refused():
    broken = copy.deepcopy(BENEFIT)
    broken["steps"][0]["fields"][3]["visible_if"] = {"field": "method", "equals": "bank"}
    assert "後のステップの項目「method」" in _problems(broken)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["steps"][0]["fields"].append(dict(d["steps"][0]["fields"][0])), "重複"),
        (lambda d: d["steps"][0]["fields"][1].pop("options"), "選択肢が必要"),
        (lambda d: d["steps"][0]["fields"][0].update(type="telepathy"), "正しくありません"),
        (lambda d: d["steps"][0]["fields"][0].update(key="Copies!"), "正しくありません"),
        (lambda d: d["computed"][0].update(expr={"mul": [{"field": "nowhere"}, 3]}), "nowhere"),
        (lambda d: d["steps"][0]["fields"][0].update(prefill="registry.address"), "自動入力元"),
        (lambda d: d["steps"][0]["fields"][0].update(registry_bound=True), "固定"),
        (lambda d: d.update(steps=[]), "正しくありません"),
    ],
)
def test_broken_definitions_are_refused(change, expected):
    broken = copy.deepcopy(COPIES)
    change(broken)
    assert expected in _problems(broken)


def test_non_object_definition():
    assert "オブジェクト" in _problems(["not", "a", "form"])


def test_conditions():
    answers = {
        "a": "x",
        "n": 5,
        "list": ["p", "q"],
        "flag": False,
        "rows": [{}, {}],
        "person": {"kana": "ハダノ"},
    }
    assert evaluate({"field": "a", "equals": "x"}, answers)
    assert evaluate({"field": "list", "equals": "q"}, answers)
    assert evaluate({"field": "a", "in": ["x", "y"]}, answers)
    assert evaluate({"field": "n", "gte": 5, "lt": 6}, answers)
    assert not evaluate({"field": "n", "gt": 5}, answers)
    assert evaluate({"count": "rows", "equals": 2}, answers)
    assert evaluate({"field": "person.kana", "filled": True}, answers)
    assert evaluate({"field": "missing", "filled": False}, answers)
    assert evaluate({"not": {"field": "flag", "equals": True}}, answers)
    assert evaluate({"any": [{"field": "a", "equals": "z"}, {"field": "n", "equals": 5}]}, answers)
    assert not evaluate({"all": [{"field": "a", "equals": "x"}, {"field": "n", "lt": 1}]}, answers)
    assert not evaluate({"field": "a", "gt": 1}, answers)  # text is not a number


def test_computed_values():
    answers = {"copies": 3, "members": [{}, {}]}
    assert compute({"mul": [{"field": "copies"}, 300]}, answers) == 900
    assert compute({"add": [1, {"count": "members"}]}, answers) == 3
    assert compute({"if": [{"field": "copies", "gt": 2}, 10, 20]}, answers) == 10
    assert compute({"sub": [{"max": [1, 5]}, {"min": [2, 3]}]}, answers) == 3
    assert compute({"field": "absent"}, answers) == 0


def _post(definition, step_index, data, answers=None):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    step_form = build_step_form(definition, definition.steps[step_index], answers or {}, data=query)
    return step_form, *clean_step(step_form)


def test_only_the_current_steps_rules_run_and_hidden_fields_are_dropped():
    definition = FormDefinition.parse(BENEFIT)
    step_form, valid, answers = _post(
        definition, 2, {"method": "counter", "account__bank_code": "12", "agree": "on"}
    )
    assert valid, step_form.form.errors
    assert "account" not in answers
    step_form, valid, _ = _post(definition, 2, {"method": "bank", "agree": "on"})
    assert not valid
    assert "account__bank_code" in step_form.form.errors
    assert "applicant__name" not in step_form.form.fields  # another step's fields are not here


def test_bank_account_rules():
    definition = FormDefinition.parse(BENEFIT)
    step_form, _valid, _answers = _post(
        definition,
        2,
        {
            "method": "bank",
            "account__bank_code": "０００１",
            "account__branch_code": "12",
            "account__account_type": "ordinary",
            "account__number": "123456",
            "account__holder_kana": "ハダノ タロウ",
            "agree": "on",
        },
    )
    errors = step_form.form.errors
    assert "3桁" in str(errors["account__branch_code"])
    assert "7桁" in str(errors["account__number"])
    assert "account__bank_code" not in errors


def test_group_rows_and_required_members():
    definition = FormDefinition.parse(BENEFIT)
    step_form, valid, _answers = _post(
        definition,
        1,
        {
            "has_members": "yes",
            "members__count": "2",
            "members-0__person__name": "秦野 花子",
            "members-0__person__kana": "ハダノ ハナコ",
            "members-0__person__birth_date_era": "S",
            "members-0__person__birth_date_year": "63",
            "members-0__person__birth_date_month": "9",
            "members-0__person__birth_date_day": "30",
            "members-1__person__name": "秦野 陽菜",
        },
    )
    assert not valid
    assert "members-1__person__kana" in step_form.form.errors
    assert "members-0__person__relation" in step_form.form.errors


def _choice(key, *values):
    options = [{"value": v, "label": {"ja": v}} for v in values]
    return {"key": key, "type": "radio", "label": {"ja": key}, "options": options}


def test_the_page_script_gets_only_requirements_it_can_evaluate_alone():
    """必須 beside a label must not be a guess: the page's script re-checks a requirement only
    when it reads nothing but this page's inputs; the server decides the rest."""
    plain = {"field": "here", "equals": "y"}
    mixed = {"all": [{"field": "before", "equals": "x"}, {"field": "here", "equals": "y"}]}
    definition = FormDefinition.parse(
        {
            "version": 1,
            "steps": [
                {"key": "one", "title": {"ja": "1"}, "fields": [_choice("before", "x", "z")]},
                {
                    "key": "two",
                    "title": {"ja": "2"},
                    "fields": [
                        _choice("here", "y", "n"),
                        {"key": "plain", "type": "text", "label": {"ja": "p"}, "required": plain},
                        {"key": "mixed", "type": "text", "label": {"ja": "m"}, "required": mixed},
                        {
                            "key": "earlier",
                            "type": "text",
                            "label": {"ja": "e"},
                            "required": {"field": "before", "equals": "x"},
                        },
                    ],
                },
            ],
        }
    )
    step = definition.steps[1]
    fields = build_step_form(definition, step, {"before": "x"}).form.fields
    assert fields["plain"].required_if == plain
    assert fields["mixed"].required_if is None  # reads an earlier step too
    assert fields["earlier"].required_if is None
    assert [fields[k].shows_required for k in ("plain", "mixed", "earlier")] == [
        False,
        False,
        True,
    ]
    fields = build_step_form(definition, step, {"before": "x", "here": "y"}).form.fields
    assert [fields[k].shows_required for k in ("plain", "mixed", "earlier")] == [True, True, True]
    # A locked input is not an input the script can read.
    locked = build_step_form(definition, step, {"before": "x"}, locked={"here"}).form.fields
    assert locked["plain"].required_if is None


GROUPED = {
    "version": 1,
    "steps": [
        {
            "key": "items",
            "title": {"ja": "品目"},
            "fields": [
                _choice("urgent", "y", "n"),
                {
                    "key": "goods",
                    "type": "group",
                    "counted_as": "items",
                    "label": {"ja": "品物"},
                    "max_items": 5,
                    "fields": [
                        _choice("kind", "sofa", "other"),
                        {
                            "key": "name",
                            "type": "text",
                            "label": {"ja": "品名"},
                            "required": {"field": "kind", "equals": "other"},
                        },
                        {
                            "key": "note",
                            "type": "text",
                            "label": {"ja": "連絡"},
                            "required": {
                                "all": [
                                    {"field": "urgent", "equals": "y"},
                                    {"field": "kind", "equals": "sofa"},
                                ]
                            },
                        },
                    ],
                },
            ],
        }
    ],
}


def test_a_group_members_requirement_is_marked_per_row():
    """A member required by a sibling's answer (品名 when 品目 is その他) is marked in the rows
    whose answer says so, and the page's script gets the rule with the row's own inputs."""
    definition = FormDefinition.parse(GROUPED)
    step = definition.steps[0]
    saved = {"goods": [{"kind": "sofa"}, {"kind": "other"}]}
    fields = build_step_form(definition, step, saved).form.fields
    assert [fields[f"goods-{i}__name"].shows_required for i in (0, 1)] == [False, True]
    assert fields["goods-1__name"].required_if == {"field": "goods-1__kind", "equals": "other"}
    # A page input outside the group is read as it is; the row's sibling by its row's name.
    assert fields["goods-0__note"].required_if == {
        "all": [{"field": "urgent", "equals": "y"}, {"field": "goods-0__kind", "equals": "sofa"}]
    }
    # A locked outside input cannot be read by the script: the server alone decides.
    locked = build_step_form(definition, step, saved, locked={"urgent"}).form.fields
    assert locked["goods-0__note"].required_if is None
    assert locked["goods-0__name"].required_if == {"field": "goods-0__kind", "equals": "other"}


def test_a_group_row_sent_back_marks_what_its_own_answers_require():
    definition = FormDefinition.parse(GROUPED)
    step_form = build_step_form(
        definition,
        definition.steps[0],
        {},
        data={
            "urgent": "n",
            "goods__count": "2",
            "goods-0__kind": "other",
            "goods-1__kind": "sofa",
            "goods-1__name": "ソファ",
        },
    )
    valid, _ = clean_step(step_form)
    assert not valid
    assert list(step_form.form.errors) == ["goods-0__name"]
    fields = step_form.form.fields
    assert [fields[f"goods-{i}__name"].shows_required for i in (0, 1)] == [True, False]
    # The error summary names the row as the page does: things are counted 点, not 人.
    assert fields["goods-0__name"].summary_label == "品物（1点目） 品名"


def test_a_group_of_people_counts_its_rows_in_people():
    definition = FormDefinition.parse(BENEFIT)
    step = next(s for s in definition.steps if any(f.type == "group" for f in s.fields))
    group = next(f for f in step.fields if f.type == "group")
    fields = build_step_form(definition, step, {}).form.fields
    name = next(n for n in fields if n.startswith(f"{group.key}-0__"))
    assert fields[name].summary_label.startswith(f"{group.label}（1人目）")


def test_summary_reads_like_a_person_wrote_it():
    definition = FormDefinition.parse(COPIES)
    sections = summarise(definition, {"copies": 3, "purpose": "job"})
    rows = {r.label: r.value for s in sections for r in s.rows}
    assert rows["通数"] == "3通"
    assert rows["使い道"] == "就職"
    assert "その他の使い道" not in rows
    assert rows["手数料"] == "900円"


# --- property-based: random definitions and answers never cause an error ---------------------

TYPES = [
    "text",
    "textarea",
    "number",
    "date",
    "name",
    "address",
    "phone",
    "email",
    "select",
    "radio",
    "checkbox",
    "yesno",
    "bank_account",
    "person",
    "consent",
    "info",
]
OPTIONS = [{"value": v, "label": {"ja": v}} for v in ("a", "b", "c")]


@st.composite
def definitions(draw):
    steps, keys = [], []
    for s in range(draw(st.integers(1, 3))):
        fields = []
        for _ in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from(TYPES))
            key = f"f{len(keys)}"
            field = {"key": key, "type": kind}
            field["text" if kind in ("info", "consent") else "label"] = {"ja": f"項目{len(keys)}"}
            if kind in ("select", "radio", "checkbox"):
                field["options"] = OPTIONS
            if draw(st.booleans()):
                field["required"] = True
            if keys and draw(st.booleans()):
                field["visible_if"] = {
                    "field": draw(st.sampled_from(keys)),
                    "equals": draw(st.sampled_from(["a", True, 1])),
                }
            keys.append(key)
            fields.append(field)
        steps.append({"key": f"s{s}", "title": {"ja": f"ステップ{s}"}, "fields": fields})
    return {"version": 1, "steps": steps}


JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["a", "yes", "no", "R", "12", "０１２３", "257-0015", "", "on"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), data=st.data())
def test_random_definitions_and_answers_never_crash(definition, data):
    parsed = FormDefinition.parse(definition)
    answers = {}
    for index, step in enumerate(parsed.steps):
        step_form = build_step_form(parsed, step, answers, data=QueryDict(mutable=True))
        names = list(step_form.form.fields)
        posted = {name: data.draw(JUNK) for name in names}
        _form, valid, answers = _post(parsed, index, posted, answers)
        assert isinstance(valid, bool)
    summarise(parsed, answers)
    parsed.computed_values(answers)
