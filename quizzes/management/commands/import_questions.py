"""Import questions from a file, with the same rules and messages as the admin.

Exits non-zero, importing nothing, when the file cannot be read or any question
in it has an error.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from quizzes import formats
from quizzes.formats.common import check_length
from quizzes.models import QuestionStatus
from quizzes.services import QuizError
from quizzes.services.imports import commit_import, preview_import, report_lines


class Command(BaseCommand):
    help = "Import questions (xlsx template, CSV, Moodle XML, GIFT or Aiken)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=list(formats.FORMATS), default=None)
        parser.add_argument(
            "--encoding", choices=list(formats.ENCODINGS), default="auto"
        )
        parser.add_argument(
            "--status",
            choices=[QuestionStatus.DRAFT, QuestionStatus.ACTIVE],
            default=QuestionStatus.DRAFT,
            help="Import the questions as drafts (default) or active.",
        )
        parser.add_argument(
            "--keep-duplicates",
            action="store_true",
            help="Also import questions that look like ones already in the bank.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file; import nothing."
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(options)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            check_length(path.stat().st_size)  # before reading it into memory
            batch = preview_import(
                user=None,
                file_name=path.name,
                data=path.read_bytes(),
                file_format=options["format"],
                encoding=options["encoding"],
                target_status=options["status"],
            )
        except QuizError as error:
            raise CommandError(error.message) from None
        for line in report_lines(batch.report):
            self.stdout.write(line)
        if batch.report["errors"]:
            raise CommandError(
                _(
                    "The file has %(n)d errors; correct them and run again. "
                    "Nothing was imported."
                )
                % {"n": len(batch.report["errors"])}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was imported."))
            return
        try:
            batch = commit_import(
                import_id=batch.pk,
                user=None,
                skip_duplicates=not options["keep_duplicates"],
            )
        except QuizError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d questions were added to the bank.")
                % {"n": batch.imported_count}
            )
        )
