"""Spreadsheet exports of the figures (any breakdown, with the filters in its title)."""

import io

from django.utils.translation import gettext as _


def breakdown_xlsx(title, dimension_label, lines, total):
    """An xlsx workbook of one breakdown: 场次, 人次, 人 and the anonymous share."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(dimension_label)[:31]
    sheet.append([str(title)])
    sheet["A1"].font = Font(bold=True)
    header = [
        str(dimension_label),
        _("Events (场次)"),
        _("Person-times (人次)"),
        _("Persons (人)"),
        _("Anonymous person-times"),
        _("Anonymous share (%)"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in [*lines, total]:
        sheet.append(
            [
                str(line.label),
                line.events,
                line.person_times,
                line.persons,
                line.anonymous_person_times,
                line.anonymous_share,
            ]
        )
    sheet.append([])
    sheet.append(
        [
            _(
                "人 counts distinct known persons within each line; a person in two "
                "lines counts in both, so the lines' 人 do not add up to the total."
            )
        ]
    )
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
