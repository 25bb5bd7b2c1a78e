import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pufa.translations import CATALOGUE_DOMAINS, MESSAGES_IGNORE, untranslated_entries


class Command(BaseCommand):
    help = (
        "Fail when a Chinese translation is missing, or when the code has translatable "
        "strings the catalogues lack (run `make messages`, then translate them)."
    )

    def handle(self, *args, **options):
        problems = []
        for po_path, entry in untranslated_entries():
            problems.append(f"{po_path.name}: untranslated {entry.msgid!r}")
        if shutil.which("xgettext"):
            problems.extend(self.strings_missing_from_catalogues())
        else:
            self.stdout.write(
                "xgettext not installed: skipped the scan for new strings."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Translations complete.")

    def strings_missing_from_catalogues(self):
        """Run makemessages, compare msgids with the committed catalogues, restore."""
        locale_dir = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
        problems = []
        for domain in CATALOGUE_DOMAINS:
            po_path = locale_dir / f"{domain}.po"
            original = po_path.read_bytes() if po_path.exists() else None
            before = (
                {e.msgid for e in polib.pofile(str(po_path))} if original else set()
            )
            try:
                call_command(
                    "makemessages",
                    locale=["zh_Hans"],
                    domain=domain,
                    ignore_patterns=MESSAGES_IGNORE,
                    verbosity=0,
                )
                after = (
                    {e.msgid for e in polib.pofile(str(po_path))}
                    if po_path.exists()
                    else set()
                )
            finally:
                if original is None:
                    po_path.unlink(missing_ok=True)
                else:
                    po_path.write_bytes(original)
            problems.extend(
                f"{domain}.po lacks {msgid!r} (run make messages)"
                for msgid in sorted(after - before)
            )
        return problems
