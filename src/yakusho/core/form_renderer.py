"""The form renderer (settings.FORM_RENDERER): Django's templates, with the plain widgets
written out in Python.

Django renders every widget through templates — an `<input>` is three of them (text.html
including input.html including attrs.html), a `<select>` one more per option. On a form step
that was a quarter of the page's time (docs/performance.md). Here the inputs, selects,
textareas and radio/checkbox options produce exactly what Django's own templates produce
(tests/core/test_form_renderer.py compares them), and everything else — and any of these
templates a project overrides — renders through the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString

WIDGETS = "django/forms/widgets/"
# Django's own widget templates: an override elsewhere (an app's or the project's templates)
# takes the template path instead.
DJANGO_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


def _text(value: Any) -> str:
    """`{{ value }}`."""
    return conditional_escape(localize(value))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe string safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: True names the attribute alone, False leaves it out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict[str, Any]) -> str:
    shown = _input(widget)
    if widget.get("wrap_label"):
        target = widget["attrs"].get("id")
        label_for = f' for="{_text(target)}"' if target else ""
        shown = f"<label{label_for}>{shown} {_text(widget['label'])}</label>"
    return shown + "\n"


def _select_option(widget: dict[str, Any]) -> str:
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _select_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _including(builder: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    """A template that only includes another (text.html → input.html, radio_option.html →
    input_option.html): that one's output and the file's own newline."""
    return lambda widget: builder(widget) + "\n"


_INPUT_KINDS = ("text", "number", "email", "url", "password", "hidden", "search", "tel")
_INPUT_KINDS += ("date", "datetime", "time", "color", "checkbox")
# Template name → (its builder, every template it includes, which must be Django's too).
BUILDERS: dict[str, tuple[Callable[[dict[str, Any]], str], tuple[str, ...]]] = {
    **{
        f"{WIDGETS}{kind}.html": (_including(_input), ("input.html", "attrs.html"))
        for kind in _INPUT_KINDS
    },
    f"{WIDGETS}input.html": (_input, ("attrs.html",)),
    f"{WIDGETS}textarea.html": (_textarea, ("attrs.html",)),
    f"{WIDGETS}select.html": (_select, ("select_option.html", "attrs.html")),
    f"{WIDGETS}select_option.html": (_select_option, ("attrs.html",)),
    **{
        f"{WIDGETS}{kind}_option.html": (
            _including(_input_option),
            ("input_option.html", "input.html", "attrs.html"),
        )
        for kind in ("radio", "checkbox")
    },
}


class FormRenderer(TemplatesSetting):
    def __init__(self) -> None:
        super().__init__()
        self._djangos: dict[str, bool] = {}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        builder = BUILDERS.get(template_name)
        if builder is None or not self._all_djangos(template_name):
            return super().render(template_name, context, request)
        # As Django's renderer: the template's output, stripped.
        return SafeString(builder[0](context["widget"]).strip())

    def _all_djangos(self, template_name: str) -> bool:
        """Whether the template and those it includes are Django's own files (once per
        name and process)."""
        known = self._djangos.get(template_name)
        if known is None:
            names = [template_name, *(WIDGETS + name for name in BUILDERS[template_name][1])]
            known = all(self._is_djangos(name) for name in names)
            self._djangos[template_name] = known
        return known

    def _is_djangos(self, template_name: str) -> bool:
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(DJANGO_TEMPLATES)
