"""Building blocks of the printable PDFs (check-in posters, admission tickets,
certificates): reportlab's built-in CJK font STSong-Light, so no font file is needed,
and QR codes (segno) drawn as vector squares, so they print sharp at any size."""

import segno

CJK_FONT = "STSong-Light"


def cjk_font():
    """The name of the CJK font, registered with reportlab on first use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def draw_qr(pdf, url, *, left, bottom, size):
    """Draw the QR code of ``url`` on a reportlab canvas, ``size`` points square
    (the quiet zone is left to the caller's margins)."""
    matrix = list(segno.make(url, error="m").matrix)
    module = size / len(matrix)
    pdf.saveState()
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    left + col_index * module,
                    bottom + size - (row_index + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )
    pdf.restoreState()


def wrap(text, width):
    """Cut text into lines at most ``width`` CJK characters wide (CJK text has no
    spaces to break at); Latin letters and digits count as half a character."""
    lines, line, used = [], "", 0.0
    for char in str(text):
        size = 1.0 if ord(char) >= 0x2E80 else 0.5
        if line and used + size > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += size
    return [*lines, line] if line or not lines else lines
