"""Reading back the PDFs pufa prints: their text (poppler's pdftotext) and the QR
codes on their pages (rendered by pdftoppm, decoded by zxing-cpp). Tests that need
them skip, saying why, where poppler-utils or zxing-cpp is missing."""

import io
import shutil
import subprocess

import pytest


def _need(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed: make browsers adds it")


def pdf_text(content):
    """The text of every page, as pdftotext lays it out."""
    _need("pdftotext")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def pdf_page_count(content):
    _need("pdfinfo")
    info = subprocess.run(
        ["pdfinfo", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return int(
        next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
    )


def pdf_qr_codes(content, page=1, dpi=150):
    """The texts of the QR codes on one page."""
    _need("pdftoppm")
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR codes")
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png))
    return sorted(code.text for code in zxingcpp.read_barcodes(image))
