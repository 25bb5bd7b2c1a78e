from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
        ),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
