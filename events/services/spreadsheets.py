"""Reading the office's spreadsheets: xlsx, or CSV in UTF-8 or GBK.

Rows come out as dicts keyed by canonical column names, with the 1-based row number
of the file, so every error can say "row 12, column 手机号: …".
"""

import csv
import io
import zipfile

from django.utils.translation import gettext_lazy as _

from events.services.errors import EventsError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def file_too_large():
    return EventsError(
        "file_too_large",
        _("The file is larger than 20 MB; split it into several files."),
    )


def detect_format(filename, content):
    """ "xlsx" or "csv", by the file's name and checked against its first bytes."""
    name = (filename or "").lower()
    if len(content) > MAX_UPLOAD_BYTES:
        raise file_too_large()
    if not content:
        raise EventsError("file_empty", _("The file is empty."))
    if name.endswith(".xlsx"):
        if not content.startswith(XLSX_MAGIC):
            raise EventsError(
                "file_not_xlsx",
                _("The file is named .xlsx but is not an Excel workbook."),
            )
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        if content.startswith(XLSX_MAGIC) or b"\x00" in content[:4096]:
            raise EventsError(
                "file_not_csv", _("The file is named .csv but is not a text file.")
            )
        return "csv"
    raise EventsError(
        "file_type",
        _("Upload an Excel workbook (.xlsx) or a CSV file (.csv); .xls is not read."),
    )


def decode_csv(content):
    """(text, encoding): UTF-8 (with or without BOM), else GBK (as GB18030)."""
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030"), "GBK"
    except UnicodeDecodeError as error:
        raise EventsError(
            "file_encoding",
            _("The CSV file is neither UTF-8 nor GBK; save it again as UTF-8 CSV."),
        ) from error


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value.strip() if isinstance(value, str) else value


def _raw_rows(filename, content):
    kind = detect_format(filename, content)
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise EventsError(
                "file_unreadable",
                _("The workbook cannot be read; save it again in Excel as .xlsx."),
            ) from error
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(value) for value in row]
        finally:
            workbook.close()
    else:
        text, _encoding = decode_csv(content)
        reader = csv.reader(io.StringIO(text, newline=""))
        for number, row in enumerate(reader, start=1):
            yield number, [_cell_text(value) for value in row]


def count_rows(filename, content):
    """A quick estimate of the data rows (for the progress bar and the job choice)."""
    if detect_format(filename, content) == "csv":
        return max(0, decode_csv(content)[0].count("\n"))
    # Count the first sheet's <row> elements without parsing a cell (openpyxl would
    # parse the whole sheet when the file records no dimension).
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = sorted(
                name
                for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
            )
            rows = archive.read(sheets[0]).count(b"<row ") if sheets else 0
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return 0
    return max(0, rows - 1)


def read_rows(filename, content, columns):
    """Yield (row number, {canonical name: value}) for each non-empty data row.

    ``columns`` maps a canonical name to the headers accepted for it (Chinese first,
    then English); required ones are marked by a leading ``*`` in the name. Raises
    EventsError ``missing_columns`` when the header row lacks a required column.
    """
    rows = _raw_rows(filename, content)
    header_index = None
    for number, row in rows:
        if not any(value not in ("", None) for value in row):
            continue
        header = [str(value).strip().lstrip("*").strip() for value in row]
        header_index = {}
        for name, aliases in columns.items():
            key = name.lstrip("*")
            for alias in aliases:
                if alias in header:
                    header_index[key] = header.index(alias)
                    break
        missing = [
            aliases[0]
            for name, aliases in columns.items()
            if name.startswith("*") and name.lstrip("*") not in header_index
        ]
        if missing:
            raise EventsError(
                "missing_columns",
                _("Row %(row)d should be the header; it lacks the column(s) %(cols)s.")
                % {"row": number, "cols": "、".join(missing)},
            )
        break
    if header_index is None:
        raise EventsError("file_empty", _("The file has no rows."))
    for number, row in rows:
        if not any(value not in ("", None) for value in row):
            continue
        yield (
            number,
            {
                key: row[index] if index < len(row) else ""
                for key, index in header_index.items()
            },
        )
