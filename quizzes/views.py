"""Admin views of the bank: import (upload → preview → confirm), the template
download, and the 待复核 review page. Each checks who is asking and calls a
service; none holds a rule."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages

from quizzes.formats.common import check_length
from quizzes.formats.table import write_xlsx
from quizzes.forms import ConfirmForm, UploadForm
from quizzes.models import Question, QuestionImport
from quizzes.services import QuizError
from quizzes.services.bank import clear_review
from quizzes.services.imports import commit_import, discard_import, preview_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content, content_type, file_name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@permission_required("quizzes.import_question", raise_exception=True)
def template_download(request):
    return _attachment(write_xlsx([]), XLSX, "pufa-questions-template.xlsx")


@permission_required("quizzes.import_question", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_length(upload.size)  # before reading it into memory
            batch = preview_import(
                user=request.user,
                file_name=upload.name,
                data=upload.read(),
                file_format=form.cleaned_data["file_format"] or None,
                encoding=form.cleaned_data["encoding"],
                target_status=form.cleaned_data["target_status"],
            )
        except QuizError as error:
            form.add_error("file", error.message)
        else:
            return redirect("quizzes_admin:import_preview", batch.pk)
    recent = QuestionImport.objects.filter(created_by=request.user)[:10]
    return TemplateResponse(
        request,
        "quizzes/admin/import_upload.html",
        {"form": form, "recent": recent},
    )


@permission_required("quizzes.import_question", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    batch = get_object_or_404(QuestionImport, pk=pk)
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        if "discard" in request.POST:
            discard_import(import_id=batch.pk, user=request.user)
            messages.success(
                request, _("The upload was discarded; the bank is unchanged.")
            )
            return redirect("quizzes_admin:import_upload")
        if form.is_valid():
            try:
                batch = commit_import(
                    import_id=batch.pk,
                    user=request.user,
                    skip_duplicates=form.cleaned_data["skip_duplicates"],
                )
            except QuizError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(n)d questions were added to the bank.")
                    % {"n": batch.imported_count},
                )
                return redirect(reverse("wagtailsnippets_quizzes_question:list"))
    return TemplateResponse(
        request,
        "quizzes/admin/import_preview.html",
        {"batch": batch, "report": batch.report, "form": form},
    )


@permission_required("quizzes.view_question", raise_exception=True)
@require_http_methods(["GET", "POST"])
def review(request, pk):
    question = get_object_or_404(Question, pk=pk)
    if request.method == "POST":
        try:
            clear_review(question=question, reviewer=request.user)
        except QuizError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The question may be drawn again."))
            return redirect(reverse("wagtailsnippets_quizzes_question:list"))
    flags = question.flags.select_related("article__law", "cleared_by")
    return TemplateResponse(
        request,
        "quizzes/admin/review.html",
        {
            "question": question,
            "flags": flags,
            "can_clear": request.user.has_perm("quizzes.review_question"),
        },
    )
