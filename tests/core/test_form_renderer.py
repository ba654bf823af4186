import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting, get_default_renderer
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from yakusho.core.form_renderer import FormRenderer

TRICKY = "a<b>&\"c'd 秦野"
CHOICES = [
    ("", "選んでください"),
    ("地区", [(1, "本町"), (2, TRICKY)]),
    ("x&y", gettext_lazy("その他")),
]

WIDGETS = [
    (forms.TextInput(attrs={"autocomplete": "name", "required": True, "hidden": False}), TRICKY),
    (forms.TextInput(attrs={"maxlength": 60, "aria-describedby": "a b"}), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput(attrs={"min": 0, "step": 1}), 0),
    (forms.EmailInput(attrs={"inputmode": "email"}), "taro@example.jp"),
    (forms.URLInput(), "https://example.jp/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret<>"),
    (forms.HiddenInput(), "next=/ja/?q=<x>"),
    (forms.DateInput(attrs={"type": "date"}), dt.date(2026, 11, 27)),
    (forms.TimeInput(), dt.time(9, 30)),
    (forms.DateTimeInput(), dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)),
    (forms.SearchInput(), "給付金"),
    (forms.TelInput(), "0463-82-5111"),
    (forms.ColorInput(), "#003366"),
    (forms.CheckboxInput(attrs={"class": "c"}), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 3}), TRICKY + "\n二行目"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Select(choices=CHOICES, attrs={"id": "id_x"}), 2),
    (forms.Select(choices=CHOICES), ""),
    (forms.SelectMultiple(choices=CHOICES), [1, "x&y"]),
    (forms.RadioSelect(choices=CHOICES), 1),
    (forms.CheckboxSelectMultiple(choices=CHOICES), [2]),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda item: type(item).__name__)
def test_each_widget_renders_exactly_as_djangos_templates(widget, value):
    attrs = {"id": "id_field", "data-x": TRICKY}
    expected = widget.render("field", value, attrs=attrs, renderer=TemplatesSetting())
    assert widget.render("field", value, attrs=attrs, renderer=FormRenderer()) == expected


class ChoiceForm(forms.Form):
    area = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    notices = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)


@pytest.mark.parametrize("wrap_label", [False, True])
def test_radio_and_checkbox_options_render_exactly_as_djangos_templates(wrap_label):
    data = {"area": "2", "notices": ["1", "x&y"]}
    ours = ChoiceForm(data, renderer=FormRenderer())
    djangos = ChoiceForm(data, renderer=TemplatesSetting())
    for name in ("area", "notices"):
        expected = [option.tag(wrap_label=wrap_label) for option in djangos[name]]
        assert [option.tag(wrap_label=wrap_label) for option in ours[name]] == expected
        assert any("checked" in tag for tag in expected)


def test_the_site_uses_it_and_an_overridden_template_renders_through_the_template(tmp_path):
    assert isinstance(get_default_renderer(), FormRenderer)
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "text.html").write_text('<input class="ours" name="{{ widget.name }}">')
    renderer = FormRenderer()
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
            "APP_DIRS": True,
        }
    ]
    with override_settings(TEMPLATES=templates):
        assert forms.TextInput().render("q", "x", renderer=renderer) == (
            '<input class="ours" name="q">'
        )
