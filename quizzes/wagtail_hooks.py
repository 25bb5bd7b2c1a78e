"""The bank in the Wagtail admin: questions (filters, search, candidate preview,
export of any selection), blueprints (feasibility checked on save), topics, and
the import flow."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Law
from org.viewsets import CountyScopedPermissionPolicy, CountyScopedSnippetViewSet
from quizzes import urls as quizzes_urls
from quizzes.contest_admin import ContestViewSet
from quizzes.forms import BlueprintForm, QuestionForm
from quizzes.models import (
    Blueprint,
    Question,
    QuestionKind,
    QuestionStatus,
    Sitting,
    Topic,
)
from quizzes.services.bank import sync_version
from quizzes.services.imports import export_questions
from quizzes.services.keyfix import wrong_key_versions
from quizzes.services.papers import blueprint_rules, feasibility_problems
from quizzes.sitting_forms import SittingForm


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Editors (without ``publish_question``) change and delete drafts only; a
    question any paper drew is never deleted (retire it instead)."""

    def _allowed(self, user, action, instance):
        if action not in ("change", "delete"):
            return True
        if instance.status != QuestionStatus.DRAFT and not user.has_perm(
            "quizzes.publish_question"
        ):
            return False
        return not (action == "delete" and instance.paper_items.exists())

    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(
            user, action, instance
        ) and self._allowed(user, action, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )


register_permission_policy(Question, QuestionPermissionPolicy(Question))


class QuestionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=QuestionKind.choices)
    law = django_filters.ModelChoiceFilter(
        label=_("Law"),
        queryset=Law.objects.all(),
        field_name="articles__law",
        distinct=True,
    )
    difficulty = django_filters.ChoiceFilter(
        label=_("Difficulty"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=QuestionStatus.choices
    )
    topics = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Topic.objects.all(), distinct=True
    )
    needs_review = django_filters.BooleanFilter(label=_("Needs review"))

    class Meta:
        model = Question
        fields = []


class _CheckedObjectMixin:
    """Refuse an object the user may not change (editors: drafts only)."""

    check_action = "change"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.check_action, obj
        ):
            raise PermissionDenied
        return obj


class QuestionCreateView(snippet_views.CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            Question.objects.filter(pk=instance.pk).update(author=self.request.user)
            sync_version(instance)
        return instance


class QuestionEditView(_CheckedObjectMixin, snippet_views.EditView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            sync_version(instance)  # a new version if a paper drew the old one
        if wrong_key_versions(Question.objects.get(pk=instance.pk)):
            messages.warning(
                self.request,
                _(
                    "Papers already drawn hold this question with the old key. "
                    "Regrade them with the corrected key?"
                ),
                buttons=[
                    messages.button(
                        reverse(
                            "wagtailsnippets_quizzes_sitting:key_fix",
                            args=[instance.pk],
                        ),
                        _("Fix the key and regrade"),
                    )
                ],
            )
        return instance


class QuestionDeleteView(_CheckedObjectMixin, snippet_views.DeleteView):
    check_action = "delete"


def _laws_of(question):
    return "、".join(sorted({str(article.law) for article in question.articles.all()}))


def _review_state(question):
    if not question.needs_review:
        return ""
    url = reverse("quizzes_admin:review", args=[question.pk])
    return format_html('<a href="{}">{}</a>', url, _("Needs review"))


class ReviewColumn(Column):
    def get_value(self, instance):
        return _review_state(instance)


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    copy_view_enabled = False
    filterset_class = QuestionFilterSet
    search_fields = ["stem", "explanation"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "__str__",
        "kind",
        "difficulty",
        "status",
        Column("laws", label=_("Laws"), accessor=_laws_of),
        ReviewColumn("needs_review", label=_("Needs review")),
        "times_drawn",
        UpdatedAtColumn(),
    ]
    list_export = []

    def get_queryset(self, request):
        return Question.objects.prefetch_related("articles__law")


class BlueprintViewSet(SnippetViewSet):
    model = Blueprint
    icon = "list-ol"
    menu_label = _("Blueprints")
    edit_handler = ObjectList(Blueprint.panels, base_form_class=BlueprintForm)
    list_display = [
        "name",
        Column("question_count", label=_("Questions")),
        "total_points",
        "pass_mark",
        Column(
            "fillable", label=_("Bank can fill it"), accessor=lambda b: _fillable(b)
        ),
        UpdatedAtColumn(),
    ]


def _fillable(blueprint):
    problems = feasibility_problems(blueprint_rules(blueprint))
    return (
        _("Yes") if not problems else _("No: %(n)d rules short") % {"n": len(problems)}
    )


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = pgettext_lazy("question", "Topics")
    list_display = ["name"]
    search_fields = ["name"]
    search_backend_name = None


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.import_question")


class BankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 400
    items = (QuestionViewSet, BlueprintViewSet, TopicViewSet)
    submenu_hook = "register_question_bank_menu_item"


register_snippet(BankGroup)


@hooks.register("register_question_bank_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Import questions"),
        reverse("quizzes_admin:import_upload"),
        icon_name="upload",
        order=900,
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("quizzes/", include((quizzes_urls.admin_patterns, "quizzes_admin")))]


@hooks.register("register_snippet_listing_buttons")
def review_button(snippet, user, next_url=None):
    if isinstance(snippet, Question) and snippet.needs_review:
        yield ListingButton(
            _("Review"),
            reverse("quizzes_admin:review", args=[snippet.pk]),
            icon_name="warning",
            priority=15,
        )


@hooks.register("register_snippet_listing_buttons")
def key_fix_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, Question)
        and user.has_perm("quizzes.change_sitting")
        and snippet.paper_items.exclude(version_id=snippet.current_version_id).exists()
        and wrong_key_versions(snippet)
    ):
        yield ListingButton(
            _("Fix the key and regrade"),
            reverse("wagtailsnippets_quizzes_sitting:key_fix", args=[snippet.pk]),
            icon_name="warning",
            priority=20,
        )


class ExportBulkAction(SnippetBulkAction):
    """Download the selected questions; nothing in the bank changes."""

    models = [Question]
    template_name = "quizzes/admin/confirm_export.html"
    file_format = None
    action_priority = 50

    def check_perm(self, snippet):
        return self.request.user.has_perm("quizzes.view_question")

    def form_valid(self, form):
        objects, _without_access = self.get_actionable_objects()
        content, content_type, extension = export_questions(
            Question.objects.filter(pk__in=[q.pk for q in objects]), self.file_format
        )
        from quizzes.views import _attachment

        return _attachment(content, content_type, f"pufa-questions.{extension}")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "format_name": self.display_name}


@hooks.register("register_bulk_action")
class ExportXlsxBulkAction(ExportBulkAction):
    display_name = _("Export to Excel")
    aria_label = _("Export the selected questions to the Excel template")
    action_type = "export_xlsx"
    file_format = "xlsx"


@hooks.register("register_bulk_action")
class ExportMoodleBulkAction(ExportBulkAction):
    display_name = _("Export to Moodle XML")
    aria_label = _("Export the selected questions to Moodle XML")
    action_type = "export_moodle"
    file_format = "moodle"


# --- the live exam's sittings ----------------------------------------------


class SittingLinkColumn(Column):
    """From the list to the sitting page (roster, tickets, results)."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("wagtailsnippets_quizzes_sitting:sitting", args=[instance.pk]),
            _("Roster and results"),
        )


def _window(sitting):
    opens = timezone.localtime(sitting.opens_at)
    closes = timezone.localtime(sitting.closes_at)
    end = (
        f"{closes:%H:%M}" if closes.date() == opens.date() else f"{closes:%m-%d %H:%M}"
    )
    return f"{opens:%Y-%m-%d %H:%M}–{end}"


class SittingViewSet(CountyScopedSnippetViewSet):
    model = Sitting
    icon = "time"
    menu_label = _("Sittings")
    url_prefix = "exams/sittings"
    edit_handler = ObjectList(Sitting.panels, base_form_class=SittingForm)
    list_display = [
        "name",
        "status",
        Column("window", label=_("Window"), accessor=_window),
        Column("candidate_count", label=_("Candidates")),
        Column(
            "proctor_names",
            label=_("Proctors"),
            accessor=lambda s: "、".join(str(u) for u in s.proctors.all()),
        ),
        "county",
        SittingLinkColumn("page", label=_("Sitting page")),
    ]
    list_filter = ["status", "county"]
    search_fields = ["name"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-opens_at", "-pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("county")
            .prefetch_related("proctors")
            .annotate(candidate_count=Count("candidates"))
        )

    def get_urlpatterns(self):
        from quizzes import sitting_views as views

        return [
            *super().get_urlpatterns(),
            path("sitting/<int:pk>/", views.SittingPageView.as_view(), name="sitting"),
            path(
                "sitting/<int:pk>/roster/import/",
                views.RosterImportView.as_view(),
                name="roster_import",
            ),
            path(
                "roster-template.xlsx",
                views.roster_template,
                name="roster_template",
            ),
            path(
                "sitting/<int:pk>/roster/people/",
                views.PickPeopleView.as_view(),
                name="pick_people",
            ),
            path(
                "sitting/<int:pk>/tickets/",
                views.IssueTicketsView.as_view(),
                name="issue_tickets",
            ),
            path(
                "sitting/<int:pk>/tickets/<int:candidate>/reissue/",
                views.ReissueTicketView.as_view(),
                name="reissue_ticket",
            ),
            path(
                "sitting/<int:pk>/results/", views.ResultsView.as_view(), name="results"
            ),
            path(
                "sitting/<int:pk>/results.xlsx",
                views.results_xlsx,
                name="results_xlsx",
            ),
            path("sitting/<int:pk>/report/", views.ReportView.as_view(), name="report"),
            path(
                "sitting/<int:pk>/certificate/<int:candidate>/",
                views.certificate_pdf,
                name="certificate",
            ),
            path("sitting/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
            path(
                "sitting/<int:pk>/carry/", views.CarryFailedView.as_view(), name="carry"
            ),
            path("articles/", views.ArticlesView.as_view(), name="articles"),
            path("records/", views.RecordsView.as_view(), name="records"),
            path("key-fix/<int:question>/", views.KeyFixView.as_view(), name="key_fix"),
        ]


register_permission_policy(Sitting, CountyScopedPermissionPolicy(Sitting))


class ExamMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.view_sitting")


class ExamGroup(SnippetViewSetGroup):
    menu_label = _("Exams")
    menu_icon = "time"
    menu_order = 390
    items = (SittingViewSet,)
    # Other parts of the exam (the proctor board) add their items with this hook.
    submenu_hook = "register_exam_menu_item"


register_snippet(ExamGroup)


@hooks.register("register_exam_menu_item")
def exam_report_menu_items():
    return ExamMenuItem(
        _("Law articles answered wrong most"),
        reverse("wagtailsnippets_quizzes_sitting:articles"),
        icon_name="warning",
        order=800,
    )


@hooks.register("register_exam_menu_item")
def exam_records_menu_item():
    return ExamMenuItem(
        _("Cadres' exam records"),
        reverse("wagtailsnippets_quizzes_sitting:records"),
        icon_name="user",
        order=900,
    )


@hooks.register("register_admin_urls")
def register_board_urls():
    return [
        path(
            "exams/board/",
            include((quizzes_urls.board_patterns, "exam_board")),
        )
    ]


# --- live quiz contests (quizzes/contest_admin.py) ------------------------------

register_snippet(ContestViewSet)
