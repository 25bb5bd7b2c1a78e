"""Template spreadsheets for the imports: the columns and one example row each."""

import io

from events.services.imports import ATTENDANCE_COLUMNS, EVENT_COLUMNS

EXAMPLES = {
    "events": [
        "走基层宣讲",
        "“法治宣传走基层”民法典进社区宣讲",
        "2023-05-09 10:00",
        "2023-05-09 11:30",
        "博乐市",
        "青得里街道",
        "青得里街道综合文化站",
        "博乐市司法局",
        "实体",
        "120",
        "",
    ],
    "attendance": ["1024", "张三", "13800138000", ""],
}


def header(kind):
    columns = EVENT_COLUMNS if kind == "events" else ATTENDANCE_COLUMNS
    return [
        ("*" if name.startswith("*") else "") + aliases[0]
        for name, aliases in columns.items()
    ]


def template_xlsx(kind):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header(kind))
    sheet.append(EXAMPLES[kind])
    for column in "ABCDEFGHIJK":
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
