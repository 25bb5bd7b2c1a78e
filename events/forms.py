from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from events.models import EventType, ImportBatch, Platform
from events.services.errors import EventsError
from events.services.ledger import (
    check_event_fields,
    current_headcount,
    record_headcount,
)
from events.services.tally import default_year
from org.models import Place, Unit
from org.scoping import scope_for


class EventForm(WagtailAdminModelForm):
    """The event, with its anonymous headcount kept in the ledger (never in place)."""

    headcount = forms.IntegerField(
        label=_("Headcount"),
        min_value=0,
        required=False,
        help_text=_("For events without a roster: how many people attended."),
    )
    headcount_reason = forms.CharField(
        label=_("Reason for changing the headcount"),
        required=False,
        max_length=200,
        help_text=_("Required when a recorded headcount changes; kept in the history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_headcount = (
            current_headcount(self.instance) if self.instance.pk else 0
        )
        self.fields["headcount"].initial = self.previous_headcount
        scope = scope_for(self.for_user) if self.for_user else None
        if scope and not scope.is_whole_prefecture and "county" in self.fields:
            county = self.fields["county"]
            county.queryset = Place.objects.filter(pk=scope.county_id)
            county.required = True
            county.empty_label = None
            self.fields["township"].queryset = Place.objects.townships().filter(
                parent_id=scope.county_id
            )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at:
            try:
                check_event_fields(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    county=cleaned.get("county"),
                    township=cleaned.get("township"),
                )
            except EventsError as error:
                self.add_error(error.field, error.message)
        headcount = cleaned.get("headcount")
        if (
            headcount is not None
            and self.previous_headcount
            and headcount != self.previous_headcount
            and not cleaned.get("headcount_reason")
        ):
            self.add_error(
                "headcount_reason",
                _("Say why the recorded headcount of %(count)d changes.")
                % {"count": self.previous_headcount},
            )
        return cleaned

    def save(self, commit=True):
        if not self.instance.pk and self.for_user:
            self.instance.created_by = self.for_user
        event = super().save(commit=commit)
        headcount = self.cleaned_data.get("headcount")
        if commit and headcount is not None and headcount != self.previous_headcount:
            record_headcount(
                event=event,
                count=headcount,
                user=self.for_user,
                reason=self.cleaned_data.get("headcount_reason", ""),
            )
        return event


class CorrectionForm(forms.Form):
    count = forms.IntegerField(
        label=_("Corrected headcount"),
        min_value=0,
        required=False,
        help_text=_("For a headcount; leave empty to void the entry."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportBatch.Kind.choices
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Events: every date must lie in this year."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV (UTF-8 or GBK), at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportBatch.Kind.EVENTS and not cleaned.get("year"):
            self.add_error("year", _("Give the year the events belong to."))
        return cleaned


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; every choice is narrowed to the user's county."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        choices=[("", _("All months"))] + [(m, f"{m}") for m in range(1, 13)],
    )
    county = forms.TypedChoiceField(
        label=_("County or city"), coerce=int, required=False
    )
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Place.objects.none(), required=False
    )
    event_type = forms.ModelChoiceField(
        label=_("Type"), queryset=EventType.objects.all(), required=False
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        required=False,
        choices=[("", _("All platforms")), *Platform.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Organising unit"), queryset=Unit.objects.all(), required=False
    )

    def __init__(self, *args, years=(), scope=None, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = sorted(set(years) | {this_year}, reverse=True)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].initial = default_year()
        counties = Place.objects.counties()
        townships = Place.objects.townships().select_related("parent")
        if scope is not None and not scope.is_whole_prefecture:
            counties = counties.filter(pk=scope.county_id)
            townships = townships.filter(parent_id=scope.county_id)
            county_choices = [(c.pk, c.name) for c in counties]
        else:
            county_choices = [
                ("", _("Whole prefecture")),
                (0, _("Prefecture level (州直)")),
                *[(c.pk, c.name) for c in counties],
            ]
        self.fields["county"].choices = county_choices
        self.fields["township"].queryset = townships
        self.fields["township"].label_from_instance = lambda t: f"{t.parent} · {t}"
        self.fields["event_type"].empty_label = _("All types")
        self.fields["township"].empty_label = _("All townships")
        self.fields["unit"].empty_label = _("All units")
        if public:
            for name in ("township", "unit"):
                del self.fields[name]
