from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.services.laws import LawError, import_law


class Command(BaseCommand):
    help = (
        "Import a law from a UTF-8 text file of '第X条 …' articles (编/章/节 headings "
        "allowed), creating or updating it. Metadata comes from '# key: value' header "
        "lines or the options."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--slug", help="URL name of the law (Latin letters)")
        parser.add_argument("--title")
        parser.add_argument("--short-name", dest="short_name")
        parser.add_argument("--kind")

    def handle(self, *args, file, slug, title, short_name, kind, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            result = import_law(
                text=text,
                slug=slug or file.stem.replace("_", "-"),
                title=title,
                short_name=short_name,
                kind=kind,
            )
        except LawError as error:
            raise CommandError(f"{file}: {error.message}") from error
        action = "created" if result.created else "updated"
        self.stdout.write(
            f"{result.law}: {action}, {result.articles_added} articles added, "
            f"{result.articles_changed} changed, {result.articles_unchanged} unchanged."
        )
