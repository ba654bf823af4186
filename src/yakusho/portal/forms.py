from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yakusho.core.preferences import CONTRASTS, TEXT_SIZES


class DisplayForm(forms.Form):
    furigana = forms.ChoiceField(
        label=_("ふりがな"),
        choices=[("on", _("つける")), ("off", _("つけない"))],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("日本語のページで、漢字に読みがなをつけます。"),
    )
    text_size = forms.ChoiceField(
        label=_("文字の大きさ"),
        choices=list(zip(TEXT_SIZES, [_("標準"), _("大きい"), _("とても大きい")], strict=True)),
        widget=forms.RadioSelect,
        required=False,
    )
    contrast = forms.ChoiceField(
        label=_("色の組み合わせ"),
        choices=list(
            zip(
                CONTRASTS,
                [_("標準（白地に黒い文字）"), _("高コントラスト（黒地に白い文字）")],
                strict=True,
            )
        ),
        widget=forms.RadioSelect,
        required=False,
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
