"""The sittings in the Wagtail admin, beyond their settings form: the sitting page
with its roster, roster import and people picking, admission tickets, results,
reports, the retake carry-over and cadres' records.

Every view checks who is asking (the permission, the county scope, or being one of
the sitting's proctors) and calls a service; none holds a rule.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from org.models import Person, Unit
from org.scoping import scope_for
from quizzes.formats.common import check_length
from quizzes.models import Question, Sitting, Ticket
from quizzes.services import (
    admission,
    certificates,
    keyfix,
    reports,
    results,
    rosters,
)
from quizzes.services.errors import QuizError
from quizzes.sitting_forms import (
    PickPeopleForm,
    RetakeForm,
    RosterUploadForm,
    TicketLayoutForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
URLS = "wagtailsnippets_quizzes_sitting"


def url(name, *args):
    return reverse(f"{URLS}:{name}", args=args)


def download(content, content_type, file_name, *, inline=False):
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    return response


def is_sitting_proctor(user, sitting):
    return sitting.proctors.filter(pk=user.pk).exists()


def scoped_sitting(request, pk, *, manage=False):
    """The sitting, if the user may see it (``manage``: change it).

    Outside the user's county it does not exist for them (404); seeing needs the
    view permission or being one of its proctors, managing the change permission.
    """
    sitting = get_object_or_404(
        Sitting.objects.select_related("blueprint", "county", "retake_of"), pk=pk
    )
    user = request.user
    if not scope_for(user).allows(sitting.county_id):
        raise Http404
    if manage:
        allowed = user.has_perm("quizzes.change_sitting")
    else:
        allowed = user.has_perm("quizzes.view_sitting") or is_sitting_proctor(
            user, sitting
        )
    if not allowed:
        raise PermissionDenied
    return sitting


class SittingMixin(WagtailAdminTemplateMixin):
    """A page about one sitting: loads it (checking who asks) and its breadcrumbs."""

    manage = False
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        self.sitting = scoped_sitting(request, kwargs["pk"], manage=self.manage)
        self.can_manage = request.user.has_perm("quizzes.change_sitting")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.sitting.name

    def get_breadcrumbs_items(self):
        items = [
            *super().get_breadcrumbs_items(),
            {"url": url("list"), "label": Sitting._meta.verbose_name_plural},
        ]
        if self.get_page_title() != self.sitting.name:
            items.append(
                {"url": url("sitting", self.sitting.pk), "label": self.sitting.name}
            )
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sitting=self.sitting, can_manage=self.can_manage, **kwargs
        )


def sitting_links(sitting, *, can_manage):
    """The sitting's tools, as (label, url, icon), for the sitting page."""
    links = []
    if can_manage:
        links.append((_("Edit settings"), url("edit", sitting.pk), "edit"))
    if can_manage and sitting.status != Sitting.Status.CLOSED:
        links += [
            (_("Import roster"), url("roster_import", sitting.pk), "upload"),
            (_("Add people on record"), url("pick_people", sitting.pk), "user"),
        ]
    links += [
        (_("Proctor board"), reverse("exam_board:board", args=[sitting.pk]), "view"),
        (_("Results"), url("results", sitting.pk), "table"),
        (_("Question analysis"), url("report", sitting.pk), "list-ol"),
    ]
    if can_manage and sitting.status == Sitting.Status.CLOSED:
        links.append(
            (
                _("Carry failed candidates to a retake"),
                url("carry", sitting.pk),
                "redirect",
            )
        )
    return links


class SittingPageView(SittingMixin, TemplateView):
    """The sitting page: its settings at a glance, its tools, and the roster."""

    template_name = "quizzes/admin/sitting.html"

    def get_page_title(self):
        return self.sitting.name

    def get_page_subtitle(self):
        return ""

    def get_context_data(self, **kwargs):
        sitting = self.sitting
        valid_ticket = Ticket.objects.filter(
            candidate=OuterRef("pk"), revoked_at__isnull=True
        )
        candidates = rosters.roster(sitting).annotate(
            has_ticket=Exists(valid_ticket),
            attempt_count=Count("attempts", distinct=True),
        )
        page = Paginator(candidates, PAGE_SIZE).get_page(self.request.GET.get("page"))
        counts = {
            "candidates": sitting.candidates.count(),
            "tickets": Ticket.objects.filter(
                candidate__sitting=sitting, revoked_at__isnull=True
            ).count(),
            "sat": sitting.candidates.filter(attempts__isnull=False).distinct().count(),
        }
        return super().get_context_data(
            page=page,
            counts=counts,
            links=sitting_links(sitting, can_manage=self.can_manage),
            levels=sitting.level_blueprints.select_related("blueprint"),
            proctors=sitting.proctors.order_by("username"),
            actions=sitting.actions.select_related("actor", "candidate__person")[:10],
            layout_form=TicketLayoutForm(),
            **kwargs,
        )


class RosterImportView(SittingMixin, FormView):
    manage = True
    template_name = "quizzes/admin/roster_import.html"
    form_class = RosterUploadForm
    page_title = gettext_lazy("Import roster")

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        report = None
        try:
            check_length(upload.size)  # before reading it into memory
            report = rosters.import_roster(
                sitting=self.sitting,
                file_name=upload.name,
                data=upload.read(),
                actor=self.request.user,
                valid_rows_only=form.cleaned_data["valid_rows_only"],
            )
        except QuizError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if report.imported:
            messages.success(
                self.request,
                _("%(added)d candidates added; %(already)d were already on the roster.")
                % {"added": report.added, "already": report.already},
            )
        return self.render_to_response(self.get_context_data(form=form, report=report))


def roster_template(request):
    if not request.user.has_perm("quizzes.change_sitting"):
        raise PermissionDenied
    return download(rosters.roster_template_xlsx(), XLSX, "roster-template.xlsx")


class PickPeopleView(SittingMixin, FormView):
    """Search the people on record and tick those to add to the roster."""

    manage = True
    template_name = "quizzes/admin/pick_people.html"
    form_class = PickPeopleForm
    page_title = gettext_lazy("Add people on record")

    def people(self):
        people = scope_for(self.request.user).filter(
            Person.objects.select_related("unit", "county"), "county"
        )
        return people.exclude(candidacies__sitting=self.sitting)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "people": self.people(),
            "levels": sorted(
                self.sitting.level_blueprints.values_list("post_level", flat=True)
            ),
        }

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        people = self.people()
        if query:
            people = people.filter(
                Q(full_name__icontains=query)
                | Q(unit__name__icontains=query)
                | Q(unit__short_name__icontains=query)
                | Q(position__icontains=query)
            )
        page = Paginator(people.order_by("full_name", "pk"), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page=page, query=query, **kwargs)

    def form_valid(self, form):
        try:
            added = rosters.add_candidates(
                sitting=self.sitting,
                people=form.cleaned_data["people"],
                actor=self.request.user,
                post_level=form.cleaned_data["post_level"],
            )
        except QuizError as error:
            messages.error(self.request, error.message)
            return redirect(url("pick_people", self.sitting.pk))
        messages.success(
            self.request,
            _("%(n)d candidates added to the roster.") % {"n": len(added)},
        )
        return redirect(url("sitting", self.sitting.pk))


class IssueTicketsView(SittingMixin, FormView):
    """POST: issue tickets to every candidate without one, and return their PDF."""

    manage = True
    form_class = TicketLayoutForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            count, pdf = admission.issue_missing_tickets_pdf(
                sitting=self.sitting,
                actor=self.request.user,
                per_page=form.cleaned_data["per_page"],
            )
        except QuizError as error:
            messages.error(self.request, error.message)
            return redirect(url("sitting", self.sitting.pk))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return download(
            pdf, "application/pdf", f"tickets-{self.sitting.pk}-{count}-{stamp}.pdf"
        )

    def form_invalid(self, form):
        messages.error(self.request, _("Choose 1 or 4 tickets per page."))
        return redirect(url("sitting", self.sitting.pk))


class ReissueTicketView(SittingMixin, TemplateView):
    """POST: a new ticket for one candidate (the old code stops working), as PDF."""

    manage = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        candidate = get_object_or_404(
            self.sitting.candidates.select_related("person__unit", "sitting"),
            pk=kwargs["candidate"],
        )
        pdf = admission.reissue_ticket_pdf(candidate=candidate, actor=request.user)
        return download(pdf, "application/pdf", f"ticket-{candidate.pk}.pdf")


class ResultsView(SittingMixin, TemplateView):
    template_name = "quizzes/admin/results.html"
    page_title = gettext_lazy("Results")

    def get_context_data(self, **kwargs):
        rows = results.sitting_results(self.sitting)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            summary=results.summary(rows),
            unit_rates=reports.unit_pass_rates(rows),
            **kwargs,
        )


def results_xlsx(request, pk):
    sitting = scoped_sitting(request, pk)
    return download(results.results_xlsx(sitting), XLSX, f"results-{sitting.pk}.xlsx")


class ReportView(SittingMixin, TemplateView):
    template_name = "quizzes/admin/report.html"
    page_title = gettext_lazy("Question analysis")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            items=reports.item_analysis(self.sitting), **kwargs
        )


def certificate_pdf(request, pk, candidate):
    """The certificate of a candidate's counted attempt (issued on first asking)."""
    from quizzes.certificate_views import pdf_response

    sitting = scoped_sitting(request, pk)
    candidate = get_object_or_404(sitting.candidates, pk=candidate)
    attempt = results.counted_attempts(sitting).get(candidate.pk)
    if attempt is None:
        raise Http404
    return pdf_response(certificates.issue_certificate(attempt))


def report_xlsx(request, pk):
    sitting = scoped_sitting(request, pk)
    return download(
        reports.sitting_report_xlsx(sitting), XLSX, f"questions-{sitting.pk}.xlsx"
    )


class CarryFailedView(SittingMixin, FormView):
    """Confirm, then put the failed and absent candidates on a retake's roster."""

    manage = True
    template_name = "quizzes/admin/carry_failed.html"
    form_class = RetakeForm
    page_title = gettext_lazy("Carry failed candidates to a retake")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sitting": self.sitting}

    def get_context_data(self, **kwargs):
        failed = (
            rosters.failed_candidates(self.sitting)
            if self.sitting.status == Sitting.Status.CLOSED
            else []
        )
        return super().get_context_data(failed=failed, **kwargs)

    def form_valid(self, form):
        retake = form.cleaned_data["retake"]
        try:
            carried = rosters.carry_failed(
                sitting=self.sitting, retake=retake, actor=self.request.user
            )
        except QuizError as error:
            messages.error(self.request, error.message)
            return redirect(url("carry", self.sitting.pk))
        messages.success(
            self.request,
            _("%(n)d candidates carried to %(retake)s.")
            % {"n": len(carried), "retake": retake},
        )
        return redirect(url("sitting", retake.pk))


class ArticlesView(WagtailAdminTemplateMixin, TemplateView):
    """The law articles answered wrong most, over every sitting the user sees."""

    template_name = "quizzes/admin/articles.html"
    page_title = gettext_lazy("Law articles answered wrong most")
    header_icon = "warning"
    min_answers = 5

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("quizzes.view_sitting"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def sittings(self):
        return scope_for(self.request.user).filter(Sitting.objects.all(), "county")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return download(
                reports.articles_xlsx(self.sittings(), min_answers=self.min_answers),
                XLSX,
                "law-articles.xlsx",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lines=reports.weakest_articles(
                self.sittings(), min_answers=self.min_answers
            ),
            min_answers=self.min_answers,
            **kwargs,
        )


class RecordsView(WagtailAdminTemplateMixin, TemplateView):
    """Cadres' records of sittings for 组织部: a unit's list or one person, xlsx."""

    template_name = "quizzes/admin/records.html"
    page_title = gettext_lazy("Cadres' exam records")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("quizzes.view_sitting"):
            raise PermissionDenied
        self.scope = scope_for(request.user)
        return super().dispatch(request, *args, **kwargs)

    def examined(self):
        """People in the user's scope who were on any roster."""
        return self.scope.filter(
            Person.objects.filter(candidacies__isnull=False).distinct(), "county"
        ).select_related("unit")

    def get(self, request, *args, **kwargs):
        if "person" in request.GET:
            person = get_object_or_404(self.examined(), pk=request.GET["person"])
            return download(
                results.records_xlsx([person], title=person.full_name),
                XLSX,
                f"exam-record-{person.pk}.xlsx",
            )
        if "unit" in request.GET:
            unit = get_object_or_404(Unit, pk=request.GET["unit"])
            people = self.examined().filter(unit=unit).order_by("full_name", "pk")
            return download(
                results.records_xlsx(people, title=unit.name),
                XLSX,
                f"exam-records-unit-{unit.pk}.xlsx",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        people = self.examined().order_by("full_name", "pk")
        if query:
            people = people.filter(full_name__icontains=query)
        units = Unit.objects.filter(pk__in=self.examined().values("unit")).order_by(
            "sort_order", "name"
        )
        return super().get_context_data(
            page=Paginator(people, PAGE_SIZE).get_page(self.request.GET.get("page")),
            query=query,
            units=units,
            **kwargs,
        )


class KeyFixView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm a key fix (showing what it changes), then regrade."""

    template_name = "quizzes/admin/key_fix.html"
    page_title = gettext_lazy("Fix the key and regrade")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (
            user.has_perm("quizzes.change_sitting")
            and user.has_perm("quizzes.change_question")
        ):
            raise PermissionDenied
        if not scope_for(user).is_whole_prefecture:
            # A fix regrades every county's sittings.
            raise PermissionDenied
        self.question = get_object_or_404(Question, pk=kwargs["question"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.question)

    def get_context_data(self, **kwargs):
        try:
            preview = keyfix.fix_key(
                question=self.question, actor=self.request.user, dry_run=True
            )
        except QuizError as error:
            preview, problem = None, error.message
        else:
            problem = None
        context = super().get_context_data(**kwargs)
        context.update(question=self.question, preview=preview, problem=problem)
        return context

    def post(self, request, *args, **kwargs):
        try:
            result = keyfix.fix_key(question=self.question, actor=request.user)
        except QuizError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        messages.success(
            request,
            _(
                "%(regraded)d papers were graded again; %(changed)d scores changed "
                "(%(flips)d between pass and fail)."
            )
            % {
                "regraded": result.regraded,
                "changed": len(result.changed),
                "flips": result.passed_flips,
            },
        )
        return redirect(reverse("wagtailsnippets_quizzes_question:list"))
