from events.management.commands._importing import ImportCommand
from events.models import ImportBatch


class Command(ImportCommand):
    help = (
        "Import events from an .xlsx or .csv file (columns in docs/data.md): every row "
        "is checked, then all are imported or none. Exits non-zero on refusal."
    )
    kind = ImportBatch.Kind.EVENTS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--year", type=int, required=True, help="Every event must start in it."
        )

    def batch_options(self, options):
        return {"year": options["year"]}
