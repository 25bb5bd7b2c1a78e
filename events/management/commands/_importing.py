"""What import_events and import_attendance share: the admin's rules, on a terminal."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.models import ImportBatch
from events.services.errors import EventsError
from events.services.imports import (
    PROGRESS_EVERY,
    apply_batch,
    create_batch,
    validate_batch,
)
from org.scoping import scope_for


class ImportCommand(BaseCommand):
    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=".xlsx or .csv (UTF-8 or GBK)")
        parser.add_argument(
            "--user",
            help="Import as this user (their county scope applies); default: none, "
            "the whole prefecture.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the rows and print the errors or the summary; import nothing.",
        )

    def batch_options(self, options):
        return {}

    def handle(self, *args, file, user, dry_run, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error}") from error
        account = None
        scope = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user {user!r}.")
            scope = scope_for(account)
        try:
            batch = create_batch(
                kind=self.kind,
                filename=file.name,
                content=content,
                user=account,
                scope=scope,
                **self.batch_options(options),
            )
        except EventsError as error:
            raise CommandError(f"{file}: {error.message}") from error
        self.stderr.write(f"Checking {batch.total_rows} rows (every {PROGRESS_EVERY})…")
        batch = validate_batch(batch)
        if batch.status != ImportBatch.Status.PREVIEWED:
            for error in batch.errors:
                self.stdout.write(
                    f"  row {error['row']}, {error['field'] or '-'}: {error['message']}"
                )
            raise CommandError(f"{file}: {batch.message}")
        if dry_run:
            self.stdout.write(batch.message)
            batch.delete()
            return
        batch = apply_batch(batch)
        if batch.status != ImportBatch.Status.DONE:
            raise CommandError(f"{file}: {batch.message}")
        self.stdout.write(batch.message)
        sys.stdout.flush()
