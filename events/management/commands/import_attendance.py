from events.management.commands._importing import ImportCommand
from events.models import ImportBatch


class Command(ImportCommand):
    help = (
        "Import an attendance list (活动编号, 姓名, 手机号 or 身份证号) from an "
        ".xlsx or "
        ".csv file: every row is checked, then all are imported or none. People are "
        "matched by the keyed hash of their numbers. Exits non-zero on refusal."
    )
    kind = ImportBatch.Kind.ATTENDANCE
