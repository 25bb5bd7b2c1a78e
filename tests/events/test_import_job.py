"""Large files go to the background task (run inline by the test settings' immediate
backend), once the upload's transaction has committed."""

import pytest

from events import tasks
from events.models import Event, ImportBatch
from events.services.imports import create_batch
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db

CSV = (
    "类型,标题,开始时间,县市,人数\n"
    + "".join(f"走基层宣讲,宣讲{n},2023-05-09 10:00,博乐市,{n}\n" for n in range(1, 6))
).encode()


def test_a_large_file_is_checked_and_imported_by_the_background_task(
    monkeypatch, django_capture_on_commit_callbacks
):
    CountyFactory(name="博乐市")
    monkeypatch.setattr(tasks, "INLINE_ROWS", 2)
    batch = create_batch(kind="events", filename="big.csv", content=CSV, year=2023)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = tasks.start_import_step(batch, confirm=False)
    batch.refresh_from_db()
    checked = batch.status
    batch.status = ImportBatch.Status.QUEUED
    batch.save()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.start_import_step(batch, confirm=True)
    batch.refresh_from_db()

    assert queued and len(callbacks) == 1
    assert checked == ImportBatch.Status.PREVIEWED
    assert batch.status == ImportBatch.Status.DONE
    assert Event.objects.count() == 5


def test_nothing_is_queued_before_the_upload_commits(monkeypatch):
    monkeypatch.setattr(tasks, "INLINE_ROWS", 2)
    batch = create_batch(kind="events", filename="big.csv", content=CSV, year=2023)

    tasks.start_import_step(batch, confirm=False)  # on_commit never fires here

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATING
