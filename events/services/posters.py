"""The printable check-in poster of an event: its QR code (segno) on an A4 PDF
(reportlab, with its built-in CJK font STSong-Light, so no font file is needed)."""

import io

import segno
from django.utils import timezone
from django.utils.translation import gettext as _

from pufa.pdf import CJK_FONT, cjk_font, draw_qr, wrap


def checkin_url(event, base_url):
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("events:checkin", args=[event.checkin_code])


def qr_svg(url, scale=8):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, title=url
    )
    return buffer.getvalue()


def poster_pdf(event, url):
    """An A4 PDF: the event's title, time and place, a large QR code and the link."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    cjk_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(event.title)
    pdf.setFont(CJK_FONT, 26)
    pdf.drawCentredString(width / 2, height - 35 * mm, _("Scan to check in"))
    pdf.setFont(CJK_FONT, 16)
    title_lines = wrap(event.title, 22)
    y = height - 52 * mm
    for line in title_lines[:3]:
        pdf.drawCentredString(width / 2, y, line)
        y -= 9 * mm
    starts = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    place = " ".join(str(p) for p in (event.county, event.township, event.venue) if p)
    pdf.setFont(CJK_FONT, 12)
    pdf.drawCentredString(width / 2, y, f"{starts}  {place}")

    size = 130 * mm
    draw_qr(pdf, url, left=(width - size) / 2, bottom=55 * mm, size=size)
    pdf.setFont(CJK_FONT, 11)
    pdf.drawCentredString(
        width / 2,
        40 * mm,
        _("Enter your name and phone number (or ID number) on the page that opens."),
    )
    pdf.setFont("Helvetica", 9)
    pdf.drawCentredString(width / 2, 32 * mm, url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
