"""Background jobs of the quizzes app, on the "background" task backend (run by
``manage.py db_worker``; inline in tests)."""

from django_tasks import task

BACKGROUND = "background"


@task(backend=BACKGROUND)
def record_contest_reach(contest_id):
    """Count an ended contest's players in the reach ledger (idempotent)."""
    from quizzes.contest_reach import record_contest_reach as record

    record(contest_id=contest_id)


@task(backend=BACKGROUND)
def record_sitting_reach(sitting_id):
    """Count a closed sitting's candidates in the reach ledger (idempotent)."""
    from quizzes.reach import record_sitting_reach as record

    record(sitting_id=sitting_id)
