import asyncio

from django.core.management.base import BaseCommand

from quizzes import contest_clock


class Command(BaseCommand):
    help = (
        "Close contest questions whose deadline passed and announce the reveal, "
        "forever (each worker's lifespan runs the same loop, and its timers close "
        "questions on time; use this where the server runs without lifespan "
        "events). --once sweeps one time and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **options):
        if once:
            closed = asyncio.run(contest_clock.sweep_and_announce(stale=True))
            self.stdout.write(f"Closed or ended {len(closed)} contest steps.")
            return
        asyncio.run(contest_clock.run())
