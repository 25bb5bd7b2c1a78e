"""Admin forms of the bank: they collect input and ask the services for the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes import formats
from quizzes.models import QuestionKind, QuestionStatus
from quizzes.services.bank import QuestionData, problems
from quizzes.services.errors import QuizError
from quizzes.services.papers import RuleSpec, check_blueprint


def _live_forms(formset):
    """The formset's forms that will be saved, in the order the user gave them."""
    live = [
        f
        for f in formset.forms
        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
    ]
    return sorted(live, key=lambda f: f.cleaned_data.get("ORDER") or 0)


class QuestionForm(WagtailAdminModelForm):
    """Checks the options and keys against the bank's rules; only those who may
    publish questions change the status (editors write drafts)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "status" in self.fields and not (
            for_user and for_user.has_perm("quizzes.publish_question")
        ):
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _(
                "A reviewer or proctor activates questions."
            )
        if "kind" in self.fields:
            self.fields["kind"].help_text = _(
                "For true/false, enter the options 正确 and 错误, in that order."
            )

    def is_valid(self):
        if not super().is_valid():
            return False
        options = _live_forms(self.formsets["options"])
        data = QuestionData(
            kind=self.cleaned_data["kind"],
            stem=self.cleaned_data["stem"],
            options=[f.cleaned_data["text"].strip() for f in options],
            keys=[i for i, f in enumerate(options) if f.cleaned_data.get("is_correct")],
            difficulty=self.cleaned_data["difficulty"],
        )
        found = problems(data)
        for _field, message in found:
            self.add_error(None, message)
        return not found


class BlueprintForm(WagtailAdminModelForm):
    """Saving a blueprint checks that the bank can fill every rule, and names
    each rule it cannot."""

    def is_valid(self):
        if not super().is_valid():
            return False
        rules = []
        for position, form in enumerate(_live_forms(self.formsets["rules"]), start=1):
            data = form.cleaned_data
            if data["min_difficulty"] > data["max_difficulty"]:
                self.add_error(
                    None,
                    _("Rule %(n)d: the lowest difficulty is above the highest.")
                    % {"n": position},
                )
                return False
            rules.append(
                RuleSpec(
                    position=position,
                    kind=data["kind"],
                    count=data["count"],
                    points=data["points"],
                    law_ids=frozenset(law.pk for law in data.get("laws") or []),
                    must_know_list_id=getattr(data.get("must_know_list"), "pk", None),
                    min_difficulty=data["min_difficulty"],
                    max_difficulty=data["max_difficulty"],
                    topic_ids=frozenset(t.pk for t in data.get("topics") or []),
                )
            )
        try:
            check_blueprint(
                rules,
                total_points=self.cleaned_data["total_points"],
                pass_mark=self.cleaned_data["pass_mark"],
            )
        except QuizError as error:
            self.add_error(None, error.message)
            for detail in error.details:
                self.add_error(None, detail)
            return False
        return True


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Up to 10 MB: .xlsx (the template), .csv, Moodle .xml, GIFT or Aiken."
        ),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Detect from the file name")), *formats.FORMATS.items()],
        required=False,
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of text files"),
        choices=list(formats.ENCODINGS.items()),
        initial="auto",
        help_text=_("Excel on Chinese Windows saves CSV as GBK."),
    )
    target_status = forms.ChoiceField(
        label=_("Import as"),
        choices=[
            (QuestionStatus.DRAFT, QuestionStatus.DRAFT.label),
            (QuestionStatus.ACTIVE, QuestionStatus.ACTIVE.label),
        ],
        initial=QuestionStatus.DRAFT,
    )


class ConfirmForm(forms.Form):
    skip_duplicates = forms.BooleanField(
        label=_("Leave out the likely duplicates"), required=False, initial=True
    )


KIND_CHOICES = QuestionKind.choices
