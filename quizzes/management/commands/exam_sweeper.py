import asyncio

from django.core.management.base import BaseCommand

from quizzes import sweeper


class Command(BaseCommand):
    help = (
        "Submit exam attempts at their deadline, forever (the server's lifespan runs "
        "the same loop; use this where the server runs without lifespan events). "
        "--once sweeps one time and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **options):
        if once:
            submitted = asyncio.run(sweeper.sweep_and_notify())
            self.stdout.write(f"Submitted {len(submitted)} overdue attempts.")
            return
        asyncio.run(sweeper.run())
