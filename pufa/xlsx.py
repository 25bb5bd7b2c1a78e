"""Writing simple spreadsheets for download: sheets of a header row and data rows."""

import io
from dataclasses import dataclass, field


@dataclass
class Sheet:
    title: str
    header: list
    rows: list = field(default_factory=list)
    widths: dict = field(default_factory=dict)  # column letter → width
    note: str = ""  # a line above the header (what the sheet is, its filters)


def workbook_bytes(sheets):
    """An xlsx workbook of ``sheets`` (``Sheet``), header rows in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        page = workbook.create_sheet(str(sheet.title)[:31])
        if sheet.note:
            page.append([str(sheet.note)])
            page.cell(row=1, column=1).font = Font(bold=True)
        page.append([str(cell) for cell in sheet.header])
        for cell in page[page.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append(list(row))
        for letter, width in sheet.widths.items():
            page.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
