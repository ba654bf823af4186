"""Template tags of the component library (documented on the office's component page)."""

from __future__ import annotations

import datetime as dt
import json

from django import forms, template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from yakusho.core.japanese.wareki import WarekiError, fiscal_year_label, format_wareki

register = template.Library()

_INPUT_CLASSES = {
    forms.Select: "select",
    forms.SelectMultiple: "select",
    forms.Textarea: "textarea",
    forms.ClearableFileInput: "file-input",
    forms.FileInput: "file-input",
}
_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, _CHOICE_WIDGETS):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.MultiWidget):
        return "group"
    return "single"


@register.inclusion_tag("components/field.html")
def field(bound: forms.BoundField, width: str = "", inline: bool = False) -> dict:
    """A form field with its label, hint, error and the aria attributes that tie them."""
    hint_id = f"{bound.auto_id}-hint" if bound.help_text else ""
    error_id = f"{bound.auto_id}-error" if bound.errors else ""
    described_by = " ".join(i for i in (hint_id, error_id) if i)
    kind = _field_kind(bound)
    widget = bound.field.widget
    css = _INPUT_CLASSES.get(type(widget), "input")
    if width:
        css += f" input--{width}"
    attrs: dict[str, str] = {}
    if kind in ("single", "group"):
        attrs["class"] = css
    if described_by and kind in ("single", "checkbox"):
        attrs["aria-describedby"] = described_by
    if bound.errors:
        attrs["aria-invalid"] = "true"
    return {
        "field": bound,
        "kind": kind,
        "required_marker": _required_marker(bound.field),
        "widget_html": bound.as_widget(attrs=attrs) if kind != "choices" else "",
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "inline": inline,
    }


def _required_marker(field: forms.Field) -> str:
    """必須 beside the label: for a required field, one the form engine marks (its Django fields
    are optional), or one required depending on other answers of the page, which enhance.js
    shows and hides with `data-required-if`."""
    required = field.required or getattr(field, "shows_required", False)
    required_if = getattr(field, "required_if", None)
    if required_if:
        hidden = "" if required else " hidden"
        return format_html(
            ' <span class="required" data-required-if="{}"' + hidden + ">{}</span>",
            json.dumps(required_if, ensure_ascii=False),
            _("必須"),
        )
    return format_html(' <span class="required">{}</span>', _("必須")) if required else ""


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict:
    """The list of problems at the top of a form, each linking to its field."""
    errors = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        errors += [{"href": "", "message": message} for message in form.non_field_errors()]
        for bound in form:
            for message in bound.errors:
                target = bound.auto_id
                widget = bound.field.widget
                if isinstance(widget, forms.MultiWidget):
                    target = f"{bound.auto_id}{widget.widgets_names[0]}"
                elif _field_kind(bound) == "choices":
                    target = f"{bound.auto_id}_0"
                label = getattr(bound.field, "summary_label", "") or bound.label
                errors.append(
                    {
                        "href": f"#{target}",
                        "message": _("%(label)s：%(message)s")
                        % {"label": label, "message": message}
                        if label
                        else message,
                    }
                )
    return {"errors": errors}


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context: template.Context, page: Page) -> dict:
    request = context["request"]
    query = request.GET.copy()

    def url(number: int) -> str:
        query["page"] = number
        return f"?{query.urlencode()}"

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "page": page,
        "items": [
            {"number": n, "url": url(n) if isinstance(n, int) else "", "current": n == page.number}
            for n in numbers
        ],
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


@register.simple_tag
def steps(labels: list[str], current: int) -> str:
    """A step indicator; `current` counts from 1. Written out here rather than as a template:
    it is on every form step and check page, where the template took about 0.1 ms. The
    translations are trusted text, as `{% translate %}` treats them; the labels are escaped."""
    done = mark_safe(_("（完了）"))  # noqa: S308 - our own catalogue
    items = []
    for number, label in enumerate(labels, start=1):
        if number == current:
            items.append(format_html('<li aria-current="step">{}</li>', label))
        elif number < current:
            items.append(
                format_html(
                    '<li class="steps__done">{}<span class="visually-hidden">{}</span></li>',
                    label,
                    done,
                )
            )
        else:
            items.append(format_html("<li>{}</li>", label))
    name = _("全%(total)sステップ中%(current)s番目") % {"total": len(labels), "current": current}
    return format_html(
        '<nav class="steps" aria-label="{}">\n<ol>{}</ol>\n</nav>\n',
        mark_safe(name),  # noqa: S308 - our own catalogue, numbers
        mark_safe("".join(items)),  # noqa: S308 - built with format_html above
    )


@register.simple_tag
def breadcrumbs(trail: list[tuple[str, str]] | None) -> str:
    """The trail of (label, link) pairs above the page's heading, the last one the page itself.
    Written out here: it is on nearly every page, where a template include took 0.05 ms."""
    if not trail:
        return mark_safe("\n")
    items = []
    last = len(trail) - 1
    for index, (label, url) in enumerate(trail):
        if url and index != last:
            items.append(format_html('<li><a href="{}">{}</a></li>', url, label))
        else:
            items.append(format_html('<li><span aria-current="page">{}</span></li>', label))
    return format_html(
        '<nav class="breadcrumbs" aria-label="{}"><ol>\n{}\n</ol></nav>\n',
        _("パンくずリスト"),
        mark_safe("".join(items)),  # noqa: S308 - built with format_html above
    )


@register.filter
def wareki(value: dt.date | None) -> str:
    """2019-05-01 → 「令和元年5月1日」 (dates before 1873 stay in 西暦)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        return format_wareki(value)
    except WarekiError:
        return value.isoformat()


@register.filter
def fiscal_year(value: int | None) -> str:
    """2026 → 「令和8年度」 in Japanese, "FY2026" in other languages (April to March)."""
    from django.utils.translation import get_language

    return fiscal_year_label(int(value), get_language() or "ja") if value else ""


@register.filter
def yen(value: int | None) -> str:
    """1234 → 「1,234円」."""
    if value is None:
        return ""
    return _("%(amount)s円") % {"amount": f"{int(value):,}"}
