"""Reading and writing question files. ``read`` picks the parser by the file's
format (given, or guessed from its name and first bytes)."""

from django.utils.translation import gettext_lazy as _

from quizzes.formats.common import check_size
from quizzes.services.errors import QuizError

FORMATS = {
    "xlsx": _("Excel template (.xlsx)"),
    "csv": _("CSV (UTF-8 or GBK)"),
    "moodle": _("Moodle XML"),
    "gift": _("GIFT"),
    "aiken": _("Aiken"),
}
ENCODINGS = {
    "auto": _("Detect"),
    "utf-8": "UTF-8",
    "gbk": "GBK",
}
EXTENSIONS = {
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".xml": "moodle",
    ".gift": "gift",
}


def guess_format(file_name, data):
    name = file_name.lower()
    for extension, file_format in EXTENSIONS.items():
        if name.endswith(extension):
            return file_format
    head = data[:4096].lstrip()
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith((b"<?xml", b"<quiz")):
        return "moodle"
    if name.endswith(".txt"):
        text = data.decode("utf-8", "replace").upper()
        return "aiken" if "ANSWER:" in text or "ANSWER：" in text else "gift"
    raise QuizError(
        "unknown_format",
        _(
            "pufa cannot tell the format of %(name)s. Upload .xlsx, .csv, Moodle "
            ".xml, GIFT (.gift or .txt) or Aiken (.txt), or choose the format."
        )
        % {"name": file_name},
    )


def read(*, file_name, data, file_format=None, encoding="auto"):
    """Parse an upload into a ParseResult. Raises QuizError for a file that cannot
    be read at all (empty, too large, wrong type, malformed)."""
    from quizzes.formats.gift import read_aiken, read_gift
    from quizzes.formats.moodle import read_moodle_xml
    from quizzes.formats.table import read_csv, read_xlsx

    check_size(data)
    file_format = file_format or guess_format(file_name, data)
    if file_format == "xlsx":
        return read_xlsx(data)
    if file_format == "csv":
        return read_csv(data, encoding)
    if file_format == "moodle":
        return read_moodle_xml(data)
    if file_format == "gift":
        return read_gift(data, encoding)
    if file_format == "aiken":
        return read_aiken(data, encoding)
    raise QuizError("unknown_format", _("Unknown format %(f)s.") % {"f": file_format})
