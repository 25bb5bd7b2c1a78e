from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Place, Unit
from study.models import PointsRuleSet
from study.services.rules import RULE_FIELDS


class ReportFilterForm(forms.Form):
    """Year, county (narrowed to the reader's scope) and unit of a study report."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    county = forms.TypedChoiceField(
        label=_("County or city"), coerce=int, required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), required=False
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, 2020, -1)]
        counties = Place.objects.counties()
        units = Unit.objects.select_related("place")
        if scope.is_whole_prefecture:
            self.fields["county"].choices = [
                ("", _("Whole prefecture")),
                (0, _("Prefecture level (州直)")),
                *[(c.pk, c.name) for c in counties],
            ]
        else:
            self.fields["county"].choices = [
                (c.pk, c.name) for c in counties.filter(pk=scope.county_id)
            ]
            units = units.filter(place_id=scope.county_id)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("All units")

    def values(self):
        data = self.cleaned_data if self.is_valid() else {}
        county = data.get("county")
        return {
            "year": data.get("year") or timezone.localdate().year,
            "county_id": county if county not in ("", None) else None,
            "unit_id": data["unit"].pk if data.get("unit") else None,
        }


class RuleSetForm(forms.ModelForm):
    """A new version of the points rules (every version is kept)."""

    class Meta:
        model = PointsRuleSet
        fields = ["valid_from", *RULE_FIELDS, "note"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}
