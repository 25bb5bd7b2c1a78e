"""Record closed sittings in the reach ledger (those closed before the bridge
existed, or whose queued update was lost). Idempotent: run it as often as needed."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from quizzes.models import Sitting
from quizzes.reach import record_sitting_reach


class Command(BaseCommand):
    help = "Record every closed sitting (or one) in the reach ledger; safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--sitting", type=int, help="only this sitting's id")

    def handle(self, *args, sitting=None, **options):
        sittings = Sitting.objects.filter(status=Sitting.Status.CLOSED).order_by("pk")
        if sitting is not None:
            sittings = sittings.filter(pk=sitting)
        recorded = 0
        for one in sittings:
            if record_sitting_reach(sitting_id=one.pk) is not None:
                recorded += 1
        self.stdout.write(
            _("%(recorded)d of %(closed)d closed sittings are in the reach ledger.")
            % {"recorded": recorded, "closed": sittings.count()}
        )
