from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from org.models import Place
from org.scoping import scope_for
from org.services import IDENTITY_MISSING, OrgError, set_person_numbers


class PersonForm(WagtailAdminModelForm):
    """Takes identity and phone numbers in, keeps only their keyed hashes and masks."""

    id_number = forms.CharField(
        label=_("Identity number"),
        required=False,
        max_length=32,
        help_text=_("18 characters. Stored only as a keyed hash; shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        help_text=_("11 digits. Stored only as a keyed hash; shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, masked in (
                ("id_number", self.instance.id_number_masked),
                ("phone", self.instance.phone_masked),
            ):
                if masked:
                    self.fields[name].help_text = _(
                        "On record: %(masked)s. Leave empty to keep it."
                    ) % {"masked": masked}
        scope = scope_for(self.for_user) if self.for_user else None
        if scope and not scope.is_whole_prefecture and "county" in self.fields:
            county_field = self.fields["county"]
            county_field.queryset = Place.objects.filter(pk=scope.county_id)
            county_field.required = True
            county_field.empty_label = None
            county_field.help_text = ""

    def clean(self):
        cleaned = super().clean()
        id_number = cleaned.get("id_number")
        phone = cleaned.get("phone")
        has_number = self.instance.id_number_hash or self.instance.phone_hash
        if not (id_number or phone or has_number):
            raise forms.ValidationError(IDENTITY_MISSING)
        for field in ("id_number", "phone"):
            if cleaned.get(field):
                try:
                    set_person_numbers(self.instance, **{field: cleaned[field]})
                except OrgError as error:
                    self.add_error(field, error.message)
        return cleaned
