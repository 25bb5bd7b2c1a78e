"""Certificates on the public site: the verification page anyone may open from
the QR code, and the candidate's own download (same ticket login as the exam
pages, ``quizzes.exam_session``)."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from quizzes.exam_session import login_of
from quizzes.services import certificates, live
from quizzes.services.errors import QuizError


def pdf_response(certificate):
    response = HttpResponse(
        certificates.certificate_pdf(certificate), content_type="application/pdf"
    )
    name = f"certificate-{certificate.attempt_id}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
@never_cache
def verify(request, token):
    """Masked name, sitting, date and result: nothing else, and 404 for a token
    that names no certificate."""
    found = certificates.verification(token)
    if found is None:
        raise Http404
    response = render(request, "quizzes/certificate_verify.html", {"found": found})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@never_cache
def candidate_download(request):
    try:
        candidate = live.candidate_of(login_of(request.session))
        certificate = certificates.candidate_certificate(candidate)
    except QuizError as error:
        if error.code == "not_logged_in":
            return redirect("exam:login")
        return render(
            request,
            "quizzes/exam/no_certificate.html",
            {"message": error.message},
            status=404,
        )
    return pdf_response(certificate)
