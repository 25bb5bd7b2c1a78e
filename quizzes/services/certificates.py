"""Score certificates (成绩证明): a PDF with a QR code to a public verification page.

The verification page shows only what proves the certificate genuine — the name
masked (张*三), the sitting, the date and the result — and is found only by the
certificate's unguessable token (32 random bytes). Its figures are read from the
attempt when asked, so a regrade after a key fix shows on the page at once.
"""

import io
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pufa.links import public_url
from pufa.pdf import cjk_font, draw_qr, wrap
from quizzes.models import Attempt, Certificate
from quizzes.services.errors import QuizError
from quizzes.services.grading import band_of


def new_token():
    return secrets.token_urlsafe(32)


def issue_certificate(attempt):
    """The attempt's certificate, made on first request (a second call returns the
    same one). Raises QuizError ``not_graded`` for an attempt without a final
    score."""
    if attempt.status != Attempt.Status.GRADED:
        raise QuizError(
            "not_graded",
            gettext_lazy("A certificate can be issued only for a graded paper."),
        )
    existing = Certificate.objects.filter(attempt=attempt).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Certificate.objects.create(attempt=attempt, token=new_token())
    except IntegrityError:
        # Issued by a concurrent request between the look-up and the insert.
        return Certificate.objects.get(attempt=attempt)


def verify_url(token):
    return public_url(reverse("certificate_verify", args=[token]))


def mask_name(name):
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _result(attempt):
    return _("Passed") if attempt.passed else _("Failed")


def _date(attempt):
    moment = attempt.submitted_at or attempt.started_at
    return timezone.localtime(moment).strftime("%Y-%m-%d")


def verification(token):
    """What the public page shows, or None for an unknown token."""
    certificate = (
        Certificate.objects.select_related(
            "attempt__candidate__sitting", "attempt__candidate__person"
        )
        .filter(token=token)
        .first()
    )
    if certificate is None or certificate.attempt.status != Attempt.Status.GRADED:
        return None
    attempt = certificate.attempt
    return {
        "name": mask_name(attempt.candidate.person.full_name),
        "sitting": attempt.candidate.sitting.name,
        "date": _date(attempt),
        "passed": attempt.passed,
        "result": _result(attempt),
    }


def certificate_pdf(certificate):
    """An A4 PDF: name, sitting, date, score, band, result and the QR code of the
    verification page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = cjk_font()
    attempt = certificate.attempt
    sitting, person = attempt.candidate.sitting, attempt.candidate.person
    total = attempt.paper.total_points
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(str(_("Certificate of exam results")))
    pdf.setLineWidth(1.5)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 45 * mm, _("Certificate of exam results"))
    pdf.setFont(font, 13)
    y = height - 60 * mm
    for line in wrap(sitting.name, 30)[:2]:
        pdf.drawCentredString(width / 2, y, line)
        y -= 7 * mm

    score = f"{attempt.score.normalize():f} / {total.normalize():f}"
    rows = [
        (_("Name"), person.full_name),
        (_("Unit"), str(person.unit or "")),
        (_("Date"), _date(attempt)),
        (_("Score"), score),
        (_("Band"), band_of(sitting, attempt.score, total)),
        (_("Result"), _result(attempt)),
    ]
    pdf.setFont(font, 15)
    y = height - 85 * mm
    for label, value in rows:
        pdf.drawString(45 * mm, y, f"{label}：")
        for line in wrap(value, 22)[:2]:
            pdf.drawString(80 * mm, y, line)
            y -= 8 * mm
        y -= 3 * mm

    url = verify_url(certificate.token)
    size = 45 * mm
    draw_qr(pdf, url, left=(width - size) / 2, bottom=52 * mm, size=size)
    pdf.setFont(font, 10)
    pdf.drawCentredString(
        width / 2, 45 * mm, _("Scan to check this certificate on the official site.")
    )
    pdf.setFont("Helvetica", 7)
    pdf.drawCentredString(width / 2, 39 * mm, url)
    pdf.setFont(font, 10)
    issued = timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")
    pdf.drawRightString(
        width - 30 * mm, 25 * mm, _("Issued on %(date)s") % {"date": issued}
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def candidate_certificate(candidate):
    """The certificate of the candidate's counted attempt, if they may see their
    score now (the sitting's review option). Raises QuizError ``no_certificate``."""
    from quizzes.services.results import counted_attempts
    from quizzes.services.review import allowed

    attempt = counted_attempts(candidate.sitting).get(candidate.pk)
    if attempt is None or not allowed(candidate.sitting.review_score, attempt):
        raise QuizError(
            "no_certificate",
            gettext_lazy(
                "There is no certificate yet: it is available once your paper is "
                "graded and the sitting lets you see your score."
            ),
        )
    return issue_certificate(attempt)
