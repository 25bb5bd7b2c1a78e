"""Admin forms of the live exam: a sitting's settings, its roster upload, picking
people, and the confirmations. They collect input; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from org import roles
from org.models import Place
from org.scoping import scope_for
from quizzes.forms import _live_forms
from quizzes.models import Sitting
from quizzes.services.admission import PER_PAGE_CHOICES
from quizzes.services.errors import QuizError
from quizzes.services.papers import check_blueprint


def proctor_users():
    """Who may be named a sitting's proctor: active holders of the proctor or
    administrator role, and superusers."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__pufa_role__key__in=[roles.PROCTOR, roles.ADMINISTRATOR])
        )
        .distinct()
        .order_by("username")
    )


class SittingForm(WagtailAdminModelForm):
    """A sitting's settings. Checks what the model's ``clean`` checks (window order,
    review options) and that the bank can fill every blueprint the sitting draws
    from; a county-scoped user's sittings are in their county."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.for_user) if self.for_user else None
        if "proctors" in self.fields:
            self.fields["proctors"].queryset = proctor_users()
        if scope is not None and not scope.is_whole_prefecture:
            if "county" in self.fields:
                county = self.fields["county"]
                county.queryset = Place.objects.filter(pk=scope.county_id)
                county.required = True
                county.empty_label = None
            if "retake_of" in self.fields:
                self.fields["retake_of"].queryset = Sitting.objects.filter(
                    county_id=scope.county_id
                )
        if self.instance.pk and "retake_of" in self.fields:
            self.fields["retake_of"].queryset = self.fields[
                "retake_of"
            ].queryset.exclude(pk=self.instance.pk)

    def is_valid(self):
        if not super().is_valid():
            return False
        levels = [
            form.cleaned_data for form in _live_forms(self.formsets["level_blueprints"])
        ]
        seen = set()
        for level in levels:
            name = level["post_level"].strip()
            if name in seen:
                self.add_error(
                    None,
                    _("The post level “%(level)s” has two blueprints; keep one.")
                    % {"level": name},
                )
                return False
            seen.add(name)
        blueprints = {self.cleaned_data["blueprint"]}
        blueprints.update(level["blueprint"] for level in levels)
        valid = True
        for blueprint in sorted(blueprints, key=lambda b: b.pk):
            try:
                check_blueprint(blueprint)
            except QuizError as error:
                valid = False
                self.add_error(
                    None,
                    _("Blueprint %(name)s: %(reason)s")
                    % {"name": blueprint, "reason": error.message},
                )
                for detail in error.details:
                    self.add_error(None, detail)
        pass_mark = self.cleaned_data.get("pass_mark")
        if pass_mark is not None:
            for blueprint in blueprints:
                if pass_mark > blueprint.total_points:
                    valid = False
                    self.add_error(
                        "pass_mark",
                        _(
                            "The pass mark is above the %(total)s points of "
                            "blueprint %(name)s."
                        )
                        % {
                            "total": f"{blueprint.total_points.normalize():f}",
                            "name": blueprint,
                        },
                    )
        return valid


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (.xlsx)"),
        help_text=_(
            "The template's columns: 姓名, 单位, 职务, 身份证号, 手机号, and "
            "optionally 职级. Up to 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    valid_rows_only = forms.BooleanField(
        label=_("If some rows have errors, import the valid rows"),
        required=False,
        help_text=_(
            "Unticked (the default), a file with any error imports nothing, so it "
            "can be corrected and uploaded whole."
        ),
    )


class PickPeopleForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("People"),
        error_messages={"required": _("Tick at least one person.")},
    )
    post_level = forms.ChoiceField(label=_("Post level"), required=False)

    def __init__(self, *args, people, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["post_level"].choices = [
            ("", _("The sitting's own blueprint")),
            *[(level, level) for level in levels],
        ]


class TicketLayoutForm(forms.Form):
    per_page = forms.TypedChoiceField(
        label=_("Tickets per A4 page"),
        coerce=int,
        choices=[(n, str(n)) for n in PER_PAGE_CHOICES],
        initial=1,
    )


class RetakeForm(forms.Form):
    retake = forms.ModelChoiceField(
        queryset=Sitting.objects.none(),
        label=_("Retake sitting"),
        empty_label=None,
    )

    def __init__(self, *args, sitting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retake"].queryset = sitting.retakes.exclude(
            status=Sitting.Status.CLOSED
        )
