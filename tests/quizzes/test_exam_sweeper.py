"""The deadline sweeper submits overdue attempts and tells their sockets."""

import datetime as dt
import json

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.core.management import call_command

from pufa.fanout import FanoutConsumerMixin
from quizzes import sweeper
from quizzes.groups import attempt_group
from quizzes.models import Attempt
from quizzes.services import exams
from tests.quizzes.exam_factories import CandidateFactory


class AttemptListener(FanoutConsumerMixin, AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.fanout_join(attempt_group(self.scope["attempt"]))
        await self.send(text_data="joined")


@pytest.mark.django_db(transaction=True)
async def test_overdue_attempts_are_submitted_and_their_sockets_told():
    attempt = await database_sync_to_async(
        lambda: exams.start_attempt(candidate=CandidateFactory())
    )()
    await database_sync_to_async(exams.save_answer)(
        attempt_id=attempt.pk, position=1, choice=[0], client_seq=1
    )
    socket = WebsocketCommunicator(AttemptListener.as_asgi(), "/")
    socket.scope["attempt"] = attempt.pk
    assert (await socket.connect())[0]
    assert await socket.receive_from() == "joined"
    try:
        with time_machine.travel(attempt.deadline + dt.timedelta(seconds=10)):
            submitted = await sweeper.sweep_and_notify()
        assert [pk for pk, *_ in submitted] == [attempt.pk]
        frame = json.loads(await socket.receive_from(timeout=3))
        assert frame == {"type": "submitted", "by": "deadline"}
    finally:
        await socket.disconnect()
    attempt = await Attempt.objects.aget(pk=attempt.pk)
    assert attempt.submitted_by == Attempt.SubmittedBy.DEADLINE
    assert await attempt.answers.filter(client_seq=1).acount() == 1


@pytest.mark.django_db(transaction=True)  # the command's sweep runs in a thread
def test_the_command_sweeps_once():
    attempt = exams.start_attempt(candidate=CandidateFactory())
    with time_machine.travel(attempt.deadline + dt.timedelta(seconds=10)):
        call_command("exam_sweeper", "--once")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
