import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.online import sync_episode_plays


class Command(BaseCommand):
    help = (
        "Record episode plays of a period in the reach ledger (idempotent; the server "
        "does today's and yesterday's by itself every ten minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--start", help="first day, YYYY-MM-DD (default: yesterday)"
        )
        parser.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")

    def handle(self, *args, start, end, **options):
        today = timezone.localdate()
        try:
            start = (
                datetime.date.fromisoformat(start)
                if start
                else today - datetime.timedelta(1)
            )
            end = datetime.date.fromisoformat(end) if end else today
        except ValueError as error:
            raise CommandError(f"Dates are written YYYY-MM-DD: {error}") from None
        if start > end:
            raise CommandError("The start day comes after the end day.")
        count = sync_episode_plays(start=start, end=end)
        self.stdout.write(
            f"Episode plays recorded: {count} episode-days, {start} to {end}."
        )
