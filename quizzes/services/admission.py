"""Printed admission tickets (准考证): one per A4 page, or four to a page to cut.

A ticket's code exists only when it is issued (the database keeps its keyed hash),
so issuing and printing are one step: the PDF is made in the same transaction
that issues the tickets, and if it cannot be made, no ticket is issued (the old
ones stay valid).
"""

import io

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pufa.links import public_url
from pufa.pdf import cjk_font, draw_qr, wrap
from quizzes.services.errors import QuizError
from quizzes.services.tickets import issue_ticket, issue_tickets, normalise_code

PER_PAGE_CHOICES = (1, 4)


def ticket_url(code):
    """The absolute login address a ticket's QR code holds."""
    return public_url(reverse("exam:ticket_login", args=[normalise_code(code)]))


def _window(sitting):
    opens = timezone.localtime(sitting.opens_at)
    closes = timezone.localtime(sitting.closes_at)
    end = closes.strftime(
        "%H:%M" if closes.date() == opens.date() else "%Y-%m-%d %H:%M"
    )
    return f"{opens:%Y-%m-%d %H:%M} – {end}"


def _draw_ticket(pdf, candidate, code, *, left, bottom, scale, dashed):
    """One ticket in a 95 × 138 mm box (times ``scale``) at (left, bottom)."""
    from reportlab.lib.units import mm

    font = cjk_font()
    unit = mm * scale
    width, height = 95 * unit, 138 * unit
    centre = left + width / 2
    person, sitting = candidate.person, candidate.sitting

    pdf.saveState()
    pdf.setLineWidth(0.6)
    if dashed:
        pdf.setDash(4, 3)
    pdf.rect(left + 2 * unit, bottom + 2 * unit, width - 4 * unit, height - 4 * unit)
    pdf.restoreState()

    pdf.setFont(font, 16 * scale)
    pdf.drawCentredString(centre, bottom + height - 14 * unit, _("Admission ticket"))
    pdf.setFont(font, 9 * scale)
    y = bottom + height - 22 * unit
    for line in wrap(sitting.name, 24)[:2]:
        pdf.drawCentredString(centre, y, line)
        y -= 4.5 * unit

    fields = [
        (_("Name"), person.full_name),
        (_("Unit"), str(person.unit or "")),
        (_("Position"), person.position),
        (_("Identity number"), person.id_number_masked or person.phone_masked),
        (_("Exam window"), _window(sitting)),
        (
            _("Duration"),
            _("%(minutes)d minutes")
            % {"minutes": sitting.duration_minutes + candidate.extra_minutes},
        ),
    ]
    pdf.setFont(font, 8.5 * scale)
    y = bottom + height - 36 * unit
    for label, value in fields:
        lines = wrap(value, 22)[:2]
        pdf.drawString(left + 8 * unit, y, f"{label}：")
        for line in lines:
            pdf.drawString(left + 30 * unit, y, line)
            y -= 4.5 * unit
        y -= 1.2 * unit

    pdf.setFont(font, 8 * scale)
    pdf.drawCentredString(centre, bottom + 61 * unit, _("Login code"))
    pdf.setFont("Helvetica-Bold", 15 * scale)
    pdf.drawCentredString(centre, bottom + 54 * unit, code)

    url = ticket_url(code)
    size = 34 * unit
    draw_qr(pdf, url, left=centre - size / 2, bottom=bottom + 17 * unit, size=size)
    pdf.setFont("Helvetica", 5.5 * scale)
    pdf.drawCentredString(centre, bottom + 13.5 * unit, url)
    pdf.setFont(font, 6 * scale)
    y = bottom + 9.5 * unit
    for line in wrap(
        _(
            "Scan the code or open the address, then start when the proctor opens "
            "the sitting. The code logs you in: keep it to yourself."
        ),
        34,
    )[:2]:
        pdf.drawCentredString(centre, y, line)
        y -= 3 * unit


def tickets_pdf(issued, *, per_page=1):
    """A PDF of tickets ``issued`` = [(candidate, code)]: one per A4 page, or four
    (cut along the dashed lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    if per_page not in PER_PAGE_CHOICES:
        raise QuizError("bad_layout", gettext_lazy("Print 1 or 4 tickets per page."))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(str(_("Admission tickets")))
    page_width, page_height = A4
    if per_page == 1:
        slots, scale = [(10 * mm, (page_height - 276 * mm) / 2)], 2
    else:
        half_w, half_h = page_width / 2, page_height / 2
        offset_x, offset_y = (half_w - 95 * mm) / 2, (half_h - 138 * mm) / 2
        slots = [
            (offset_x, half_h + offset_y),
            (half_w + offset_x, half_h + offset_y),
            (offset_x, offset_y),
            (half_w + offset_x, offset_y),
        ]
        scale = 1
    for index, (candidate, code) in enumerate(issued):
        slot = index % per_page
        if index and slot == 0:
            pdf.showPage()
        left, bottom = slots[slot]
        _draw_ticket(
            pdf,
            candidate,
            code,
            left=left,
            bottom=bottom,
            scale=scale,
            dashed=per_page > 1,
        )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def issue_missing_tickets_pdf(*, sitting, actor, per_page=1):
    """Issue a ticket to every candidate without a valid one and print them.

    Returns ``(count, pdf bytes)``. Raises QuizError ``no_tickets_missing`` (every
    candidate has a valid ticket: reissue one from the roster instead).
    """
    with transaction.atomic():
        issued = issue_tickets(sitting=sitting, actor=actor, only_missing=True)
        if not issued:
            raise QuizError(
                "no_tickets_missing",
                gettext_lazy(
                    "Every candidate already has a valid ticket. To print one again, "
                    "reissue it from the roster (the old code stops working)."
                ),
            )
        return len(issued), tickets_pdf(issued, per_page=per_page)


def reissue_ticket_pdf(*, candidate, actor, per_page=1):
    """Issue ``candidate`` a new ticket (the old one is revoked, logged) and print
    it. Returns the PDF bytes."""
    with transaction.atomic():
        _ticket, code = issue_ticket(candidate=candidate, actor=actor)
        return tickets_pdf([(candidate, code)], per_page=per_page)
