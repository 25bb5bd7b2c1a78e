"""The project's gettext catalogues: where they are and whether they are complete."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE_DOMAINS = ("django", "djangojs")
MESSAGES_IGNORE = [".venv/*", "media/*", "staticfiles/*", "tests/*", "bench/*"]


def catalogue_paths():
    for locale_dir in map(Path, settings.LOCALE_PATHS):
        yield from sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def untranslated_entries():
    """(path, entry) for every empty or fuzzy translation in the catalogues."""
    for po_path in catalogue_paths():
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags or not entry.translated():
                yield po_path, entry
