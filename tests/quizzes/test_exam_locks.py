"""Candidates of one sitting never queue behind each other: saving an answer,
starting and submitting lock the attempt's (or the candidate's) own row, never the
sitting's. Shown by holding the sitting's row in another transaction (as a proctor
opening, closing or extending the sitting does) and checking that candidates'
calls still finish at once.

Only PostgreSQL has row locks; SQLite takes one lock for the whole database, so
there candidates queue by design and this test has nothing to show."""

import threading

import pytest
from django.db import connection, transaction

from quizzes.models import Attempt, AttemptAnswer, Sitting
from quizzes.services import exams
from tests.quizzes.exam_factories import CandidateFactory, SittingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sitting_held_elsewhere():
    """Lock a sitting's row in another connection until the test ends."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks exist only on PostgreSQL (SQLite locks the database)")
    holding, release = threading.Event(), threading.Event()

    def hold(sitting_id):
        try:
            with transaction.atomic():
                Sitting.objects.select_for_update().get(pk=sitting_id)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    threads = []

    def start(sitting):
        thread = threading.Thread(target=hold, args=(sitting.pk,))
        thread.start()
        threads.append(thread)
        assert holding.wait(10)

    yield start
    release.set()
    for thread in threads:
        thread.join()


def _fail_fast_on_locks():
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '3s'")


def test_answers_start_and_submit_do_not_wait_for_the_sitting_row(
    sitting_held_elsewhere,
):
    sitting = SittingFactory()
    running = exams.start_attempt(candidate=CandidateFactory(sitting=sitting))
    newcomer = CandidateFactory(sitting=sitting)

    sitting_held_elsewhere(sitting)
    _fail_fast_on_locks()  # a wait on the sitting's row raises instead of hanging

    answer, changed = exams.save_answer(
        attempt_id=running.pk, position=1, choice=[0], client_seq=1
    )
    started = exams.start_attempt(candidate=newcomer)
    submitted = exams.submit_attempt(
        attempt_id=running.pk, by=Attempt.SubmittedBy.CANDIDATE
    )

    assert changed and answer.answered_count == 1
    assert AttemptAnswer.objects.get(attempt=running, position=1).choice == [0]
    assert started.status == Attempt.Status.IN_PROGRESS
    assert submitted.status != Attempt.Status.IN_PROGRESS
