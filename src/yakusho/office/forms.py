"""A form that shows every input component on the component page, wired as real forms are."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yakusho.core import fields


class ComponentDemoForm(fields.PostalLookupMixin, fields.Form):
    name = forms.CharField(label=_("氏名"), max_length=50, help_text=_("例：秦野 太郎"))
    name_kana = fields.KanaField(label=_("氏名（フリガナ）"), help_text=_("例：ハダノ タロウ"))
    birth_date = fields.JapaneseDateField(
        label=_("生年月日"), help_text=_("和暦でも西暦でも入力できます。")
    )
    postal_code = fields.PostalCodeField(label=_("郵便番号"), help_text=_("例：257-0015"))
    address = forms.CharField(label=_("住所"), max_length=200)
    phone = fields.PhoneField(label=_("電話番号"), required=False, help_text=_("例：0463-82-5111"))
    contact = forms.ChoiceField(
        label=_("連絡方法"),
        choices=[("phone", _("電話")), ("email", _("メール")), ("post", _("郵便"))],
        widget=forms.RadioSelect,
    )
    documents = forms.MultipleChoiceField(
        label=_("必要な書類"),
        choices=[("juminhyo", _("住民票の写し")), ("inkan", _("印鑑登録証明書"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    copies = forms.TypedChoiceField(
        label=_("通数"), choices=[(i, i) for i in range(1, 6)], coerce=int, initial=1
    )
    note = fields.FreeTextField(
        label=_("備考"), required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("添付ファイル"), required=False, help_text=_("PDF・JPEG・PNG、10MBまで")
    )
    agree = forms.BooleanField(label=_("入力内容に誤りがないことを確認しました"))

    postal_field = "postal_code"
    address_field = "address"


class StaffCreateForm(fields.Form):
    last_name = forms.CharField(label=_("姓"), max_length=30)
    first_name = forms.CharField(label=_("名"), max_length=30)
    email = forms.EmailField(label=_("メールアドレス（市のアドレス）"), max_length=200)
    department = forms.ModelChoiceField(label=_("所属"), queryset=None)
    role = forms.ChoiceField(label=_("役割"), choices=())

    def __init__(self, *args, **kwargs):
        from yakusho.accounts.models import Role
        from yakusho.core.selectors import department_tree

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_tree()
        self.fields["role"].choices = Role.choices

    def clean_email(self):
        from yakusho.accounts.models import User

        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("このメールアドレスはすでに使われています。"))
        return email


class AssignmentForm(fields.Form):
    department = forms.ModelChoiceField(label=_("所属"), queryset=None)
    role = forms.ChoiceField(label=_("役割"), choices=())

    def __init__(self, *args, **kwargs):
        from yakusho.accounts.models import Role
        from yakusho.core.selectors import department_tree

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_tree()
        self.fields["role"].choices = Role.choices


class AuditFilterForm(fields.Form):
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=60,
        help_text=_("例：auth.login、resident.view（前方一致）"),
    )
    actor = forms.CharField(label=_("利用者"), required=False, max_length=150)
    object_type = forms.CharField(label=_("対象の種類"), required=False, max_length=60)
    object_id = forms.CharField(label=_("対象のID"), required=False, max_length=64)
    since = forms.DateField(
        label=_("この日から"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("この日まで"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
