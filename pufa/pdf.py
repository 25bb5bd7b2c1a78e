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
    """Cut text into lines of at most ``width`` characters (CJK text has no spaces
    to break at)."""
    text = str(text)
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]
