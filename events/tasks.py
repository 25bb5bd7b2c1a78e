"""Background jobs of the reach ledger, on the "background" task backend.

The queue lives in the database (django-tasks-db) and ``manage.py db_worker`` runs it,
so a job survives a restart of the web workers; its progress is in its own rows
(``ImportBatch.processed_rows``). Tests run the same functions inline.
"""

from django.db import transaction
from django_tasks import task

from events.services.imports import INLINE_ROWS, run_batch

BACKGROUND = "background"


@task(backend=BACKGROUND)
def run_import(batch_id, confirm=False):
    """Check (``confirm=False``) or import (``confirm=True``) an uploaded file."""
    run_batch(batch_id, confirm=confirm)


def start_import_step(batch, *, confirm):
    """Run a step of an import now when the file is small, else queue it for the
    worker once the current transaction has committed (the worker must see the
    batch). Returns True when the step was queued."""
    if batch.total_rows <= INLINE_ROWS:
        run_batch(batch.pk, confirm=confirm)
        return False
    transaction.on_commit(lambda: run_import.enqueue(batch.pk, confirm=confirm))
    return True
