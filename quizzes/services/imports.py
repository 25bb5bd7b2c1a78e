"""Importing questions in two steps: ``preview_import`` reads the file and keeps
what it found; ``commit_import`` adds exactly that to the bank, all or nothing.
``import_file`` does both for scripts (``manage.py import_questions``).

Export: ``export_questions`` writes any selection as the xlsx template or as
Moodle XML; importing an export into an empty bank reproduces it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes import formats
from quizzes.formats.common import KIND_NAMES
from quizzes.models import Question, QuestionImport, QuestionStatus
from quizzes.services.bank import (
    QuestionData,
    create_questions,
    fingerprint,
    question_data,
)
from quizzes.services.errors import QuizError


def _duplicates(parsed):
    """Likely duplicates: same stem (ignoring spacing, punctuation and case) as a
    question in the bank, or as an earlier question of the same file."""
    prints = {fingerprint(data.stem): where for where, data in parsed.questions}
    in_bank = {}
    for pk, print_, stem in Question.objects.filter(
        fingerprint__in=list(prints)
    ).values_list("pk", "fingerprint", "stem"):
        in_bank.setdefault(print_, (pk, stem))
    found, seen = [], {}
    for index, (where, data) in enumerate(parsed.questions):
        print_ = fingerprint(data.stem)
        if print_ in in_bank:
            pk, stem = in_bank[print_]
            found.append(
                {
                    "index": index,
                    "where": where,
                    "message": str(
                        _("Looks like question #%(pk)d in the bank: %(stem)s")
                        % {"pk": pk, "stem": stem[:60]}
                    ),
                }
            )
        elif print_ in seen:
            found.append(
                {
                    "index": index,
                    "where": where,
                    "message": str(
                        _("Same stem as %(where)s of this file.")
                        % {"where": seen[print_]}
                    ),
                }
            )
        else:
            seen[print_] = where
    return found


def build_report(parsed):
    """The preview's figures: counts per type, errors, unsupported, duplicates."""
    return {
        "format": parsed.file_format,
        "counts": {
            str(KIND_NAMES[kind]): count for kind, count in parsed.counts().items()
        },
        "total": len(parsed.questions),
        "errors": parsed.errors,
        "unsupported": [
            {"type": t, "reason": r, "count": n, "where": w[:20]}
            for t, r, n, w in parsed.unsupported_summary()
        ],
        "unsupported_total": len(parsed.unsupported),
        "duplicates": _duplicates(parsed),
    }


def _check_may_import(user, target_status):
    if user is None:
        return
    if not user.has_perm("quizzes.import_question"):
        raise QuizError("not_allowed", _("You may not import questions."))
    if target_status == QuestionStatus.ACTIVE and not user.has_perm(
        "quizzes.publish_question"
    ):
        raise QuizError(
            "not_allowed",
            _("You may import questions as drafts only; a reviewer activates them."),
        )


def preview_import(
    *,
    user,
    file_name,
    data,
    file_format=None,
    encoding="auto",
    target_status=QuestionStatus.DRAFT,
):
    """Read an upload and keep what it holds for the confirm step.

    Raises QuizError for a file that cannot be read at all (its ``code`` says
    why); row errors do not raise: they are in the report, and block the commit.
    Saves a QuestionImport; the bank is not touched.
    """
    _check_may_import(user, target_status)
    parsed = formats.read(
        file_name=file_name, data=data, file_format=file_format, encoding=encoding
    )
    return QuestionImport.objects.create(
        created_by=user,
        file_name=file_name[:255],
        file_format=parsed.file_format,
        target_status=target_status,
        questions=[data.as_json() for _where, data in parsed.questions],
        report=build_report(parsed),
    )


@transaction.atomic
def commit_import(*, import_id, user, skip_duplicates=True):
    """Add a previewed import's questions to the bank, all or nothing.

    Refused (QuizError) when the preview found errors (``import_has_errors``),
    held no question (``no_questions``), was already imported or discarded
    (``import_closed``: a second click adds nothing), or the user may not import.
    Likely duplicates are left out unless ``skip_duplicates`` is False.
    """
    batch = QuestionImport.objects.select_for_update().get(pk=import_id)
    _check_may_import(user, batch.target_status)
    if batch.status != QuestionImport.Status.PREVIEWED:
        raise QuizError(
            "import_closed",
            _("This upload was already imported or discarded; upload the file again."),
        )
    if batch.report.get("errors"):
        raise QuizError(
            "import_has_errors",
            _(
                "The file has %(n)d errors; correct them and upload it again. "
                "Nothing was imported."
            )
            % {"n": len(batch.report["errors"])},
        )
    skipped = (
        {d["index"] for d in batch.report.get("duplicates", [])}
        if skip_duplicates
        else set()
    )
    datas = [
        QuestionData.from_json(item)
        for index, item in enumerate(batch.questions)
        if index not in skipped
    ]
    if not datas:
        raise QuizError("no_questions", _("There is no question to import."))
    create_questions(datas, author=user, status=batch.target_status)
    batch.status = QuestionImport.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.imported_count = len(datas)
    batch.save(update_fields=["status", "committed_at", "imported_count"])
    return batch


@transaction.atomic
def discard_import(*, import_id, user):
    batch = QuestionImport.objects.select_for_update().get(pk=import_id)
    if batch.status == QuestionImport.Status.PREVIEWED:
        batch.status = QuestionImport.Status.DISCARDED
        batch.save(update_fields=["status"])
    return batch


def export_questions(queryset, file_format):
    """(bytes, content type, file extension) of these questions as the xlsx
    template or Moodle XML."""
    from quizzes.formats.moodle import write_moodle_xml
    from quizzes.formats.table import write_xlsx

    questions = queryset.order_by("pk").prefetch_related(
        "options", "articles__law", "topics"
    )
    datas = [question_data(question) for question in questions]
    if file_format == "xlsx":
        return (
            write_xlsx(datas),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    if file_format == "moodle":
        return write_moodle_xml(datas), "application/xml", "xml"
    raise QuizError("unknown_format", _("Unknown format %(f)s.") % {"f": file_format})


def report_lines(report):
    """The report as lines of text, for the command line (same words as the page)."""
    lines = [
        str(_("Questions found: %(total)d (%(counts)s)"))
        % {
            "total": report["total"],
            "counts": "，".join(f"{k} {v}" for k, v in report["counts"].items()),
        }
    ]
    for error in report["errors"]:
        lines.append(f"  ✗ {error['where']} · {error['field']}：{error['message']}")
    for item in report["unsupported"]:
        lines.append(
            str(_("  Not imported: %(count)d × %(type)s — %(reason)s (%(where)s)"))
            % {**item, "where": "、".join(item["where"])}
        )
    for duplicate in report["duplicates"]:
        lines.append(f"  ≈ {duplicate['where']}：{duplicate['message']}")
    return lines
