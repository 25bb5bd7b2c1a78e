"""Contests in the Wagtail admin: the settings form (questions from a blueprint or
chosen one by one), the list, the host screen, the results and their xlsx.

Loaded by ``quizzes.wagtail_hooks``. Every view checks the contest permission and
the county scope; the rules are in ``quizzes.services.contests``.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views import snippets as snippet_views

from org.models import Place
from org.scoping import scope_for
from org.viewsets import (
    CountyScopedPermissionPolicy,
    CountyScopedSnippetViewSet,
    ScopedEditView,
)
from pufa.links import public_url
from quizzes.forms import _live_forms
from quizzes.models import Contest
from quizzes.services import contests
from quizzes.services.errors import QuizError
from quizzes.sitting_views import XLSX, download

URLS = "wagtailsnippets_quizzes_contest"
PAGE_SIZE = 100


def url(name, *args):
    return reverse(f"{URLS}:{name}", args=args)


def join_url(contest):
    """The address the QR code on the host screen opens."""
    return public_url(f"/play/{contest.pin}/")


class ContestForm(WagtailAdminModelForm):
    """A contest's settings. Exactly one source of questions, which the bank can
    fill; a county-scoped organiser's contests are in their county."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.for_user) if self.for_user else None
        if scope is not None and not scope.is_whole_prefecture:
            county = self.fields["county"]
            county.queryset = Place.objects.filter(pk=scope.county_id)
            county.required = True
            county.empty_label = None
            self.fields["township"].queryset = Place.objects.filter(
                parent_id=scope.county_id
            )

    def clean(self):
        cleaned = super().clean()
        county, township = cleaned.get("county"), cleaned.get("township")
        if township is not None and township.parent_id != getattr(county, "pk", None):
            self.add_error("township", _("Choose a township of the contest's county."))
        return cleaned

    def is_valid(self):
        if not super().is_valid():
            return False
        questions = [
            form.cleaned_data["question"]
            for form in _live_forms(self.formsets["selections"])
        ]
        try:
            contests.check_source(
                blueprint=self.cleaned_data.get("blueprint"), questions=questions
            )
        except QuizError as error:
            self.add_error(None, error.message)
            for detail in error.details:
                self.add_error(None, detail)
            return False
        return True


class ContestCreateView(snippet_views.CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            Contest.objects.filter(pk=instance.pk).update(created_by=self.request.user)
            return contests.prepare_contest(contest=instance)

    def get_success_url(self):
        return url("results", self.object.pk)


class ContestEditView(ScopedEditView):
    """Settings change only in the lobby: once played, a contest is history."""

    def dispatch(self, request, *args, **kwargs):
        contest = get_object_or_404(Contest, pk=kwargs.get("pk"))
        if contest.phase != Contest.Phase.LOBBY:
            messages.error(
                request, _("The contest has started; its settings cannot change.")
            )
            return redirect(url("results", contest.pk))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            return contests.prepare_contest(contest=instance)


class LinksColumn(Column):
    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url("host", instance.pk),
            _("Host screen"),
            url("results", instance.pk),
            _("Results"),
        )


class ContestViewSet(CountyScopedSnippetViewSet):
    model = Contest
    icon = "pick"
    menu_label = gettext_lazy("Quiz contests")
    menu_order = 395
    add_to_admin_menu = True
    url_prefix = "contests"
    add_view_class = ContestCreateView
    edit_view_class = ContestEditView
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            MultiFieldPanel(
                [
                    FieldPanel("blueprint"),
                    MultipleChooserPanel(
                        "selections",
                        chooser_field_name="question",
                        label=gettext_lazy("Chosen questions"),
                        max_num=contests.MAX_QUESTIONS,
                    ),
                ],
                heading=gettext_lazy("Questions: a blueprint, or chosen one by one"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("seconds_per_question"),
                            FieldPanel("late_join_until"),
                        ]
                    ),
                    FieldPanel("speed_scoring"),
                    FieldPanel("streak_bonus"),
                    FieldPanel("team_mode"),
                ],
                heading=gettext_lazy("Rules of play"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("setting"),
                    FieldRowPanel([FieldPanel("county"), FieldPanel("township")]),
                    FieldPanel("venue"),
                    FieldPanel("unit"),
                ],
                heading=gettext_lazy("Where (for the reach ledger)"),
            ),
        ],
        base_form_class=ContestForm,
    )
    list_display = [
        "title",
        Column("pin", label=gettext_lazy("PIN")),
        "phase",
        Column("player_count", label=gettext_lazy("Players")),
        "county",
        "created_at",
        LinksColumn("links", label=gettext_lazy("Run")),
    ]
    list_filter = ["phase", "county", "setting"]
    search_fields = ["title", "venue", "pin"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("county")
            .annotate(player_count=Count("players", filter=Q(players__kicked_at=None)))
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("host/<int:pk>/", host_screen, name="host"),
            path("results/<int:pk>/", ResultsView.as_view(), name="results"),
            path("results/<int:pk>/results.xlsx", results_xlsx, name="results_xlsx"),
            path("results/<int:pk>/ledger/", count_in_ledger, name="ledger"),
        ]


register_permission_policy(Contest, CountyScopedPermissionPolicy(Contest))


def scoped_contest(request, pk, *, manage=False):
    """The contest if the user may see it (``manage``: run it); outside their
    county it does not exist for them."""
    contest = get_object_or_404(Contest.objects.select_related("county"), pk=pk)
    if not scope_for(request.user).allows(contest.county_id):
        raise Http404
    allowed = (
        contests.can_host(request.user, contest)
        if manage
        else request.user.has_perm("quizzes.view_contest")
    )
    if not allowed:
        raise PermissionDenied
    return contest


def host_screen(request, pk):
    """The projector page: PIN and QR code in the lobby, then the game (the
    socket drives it, ``quizzes/static/quizzes/contest-host.js``)."""
    contest = scoped_contest(request, pk, manage=True)
    if contest.phase == Contest.Phase.ENDED:
        return redirect(url("results", contest.pk))
    link = join_url(contest)
    qr = segno.make(link, error="m").svg_inline(scale=8, dark="#1d1d1f", border=2)
    return render(
        request,
        "quizzes/contest/host.html",
        {
            "contest": contest,
            "join_url": link,
            "join_host": public_url("/play/"),
            "qr_svg": mark_safe(qr),
            "socket_path": f"/ws/contest/host/{contest.pk}/",
            "results_url": url("results", contest.pk),
            "question_count": contests.question_count(contest),
        },
    )


class ResultsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/contest/results.html"
    page_title = gettext_lazy("Contest results")
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        self.contest = scoped_contest(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.contest.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse(f"{URLS}:list"), "label": _("Quiz contests")},
            {"url": "", "label": self.contest.title},
        ]

    def get_context_data(self, **kwargs):
        contest = self.contest
        rows = contests.standings(contest)
        return super().get_context_data(
            contest=contest,
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            player_count=sum(1 for row in rows if row["rank"]),
            questions=contests.question_figures(contest),
            teams=contests.team_scores(contest),
            can_host=contests.can_host(self.request.user, contest),
            can_edit=contest.phase == Contest.Phase.LOBBY
            and self.request.user.has_perm("quizzes.change_contest"),
            join_url=join_url(contest),
            **kwargs,
        )


def results_xlsx(request, pk):
    contest = scoped_contest(request, pk)
    return download(contests.results_xlsx(contest), XLSX, f"contest-{contest.pk}.xlsx")


@require_POST
def count_in_ledger(request, pk):
    """Count an ended contest in the reach ledger now (again: it is idempotent)."""
    from quizzes.contest_reach import record_contest_reach

    contest = scoped_contest(request, pk, manage=True)
    if contest.phase != Contest.Phase.ENDED:
        messages.error(request, _("Only an ended contest is counted in the ledger."))
    elif record_contest_reach(contest_id=contest.pk) is None:
        messages.warning(request, _("Nobody played: there is nothing to count."))
    else:
        messages.success(request, _("The contest is counted in the reach ledger."))
    return redirect(url("results", contest.pk))
