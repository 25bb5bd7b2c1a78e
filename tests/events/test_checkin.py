"""QR check-in: three answers, once per person, inside the window; a retry counts
once."""

import datetime
import threading
import uuid

import pytest
import time_machine
from django.db import connection

from events.models import Attendance
from events.services import EventsError, check_in
from events.services.checkin import ALREADY, CHECKED_IN
from tests.events.factories import EventFactory, local

pytestmark = pytest.mark.django_db(transaction=True)

DURING = local(2023, 5, 9, 10, 30)


@pytest.fixture
def event():
    # 10:00–12:00; the window is an hour either side: 09:00–13:00.
    return EventFactory(starts_at=local(2023, 5, 9, 10), ends_at=local(2023, 5, 9, 12))


def attend(event, client_id=None, phone="13912345678", **kwargs):
    return check_in(
        event=event,
        full_name="张三",
        phone=phone,
        client_id=client_id or uuid.uuid4(),
        **kwargs,
    )


def test_a_second_scan_says_already_checked_in_and_when(event):
    with time_machine.travel(DURING, tick=False):
        first = attend(event)
    with time_machine.travel(DURING + datetime.timedelta(minutes=20), tick=False):
        second = attend(event)

    assert first.status == CHECKED_IN
    assert second.status == ALREADY
    assert second.checked_in_at == DURING
    assert Attendance.objects.current().filter(event=event).count() == 1


def test_the_same_check_in_sent_twice_counts_once(event):
    client_id = uuid.uuid4()
    with time_machine.travel(DURING, tick=False):
        first = attend(event, client_id)
        retry = attend(event, client_id)

    assert first.status == retry.status == CHECKED_IN
    assert first.attendance.pk == retry.attendance.pk
    assert Attendance.objects.count() == 1


def test_the_same_person_by_identity_number_after_phone_is_already_checked_in(event):
    with time_machine.travel(DURING, tick=False):
        attend(event, phone="13912345678")
        again = check_in(
            event=event,
            full_name="张三",
            phone="139 1234 5678",  # spaces: the same number
            client_id=uuid.uuid4(),
        )

    assert again.status == ALREADY


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (local(2023, 5, 9, 8, 59), "window_not_open"),
        (local(2023, 5, 9, 13, 1), "window_closed"),
    ],
)
def test_outside_the_window_is_refused_with_the_time(event, moment, code):
    with time_machine.travel(moment, tick=False), pytest.raises(EventsError) as error:
        attend(event)

    assert error.value.code == code
    assert "2023-05-09" in str(error.value.message)
    assert not Attendance.objects.exists()


def test_an_explicit_window_is_kept(event):
    event.checkin_closes_at = local(2023, 5, 9, 10, 15)
    event.save()

    with time_machine.travel(DURING, tick=False), pytest.raises(EventsError) as error:
        attend(event)

    assert error.value.code == "window_closed"


def test_a_phone_number_in_the_wrong_format_is_refused(event):
    with time_machine.travel(DURING, tick=False), pytest.raises(EventsError) as error:
        attend(event, phone="1391234")

    assert error.value.code == "invalid_phone"
    assert "11" in str(error.value.message)
    assert not Attendance.objects.exists()


def test_an_offline_check_in_synced_after_the_window_counts_at_its_time(event):
    made_offline = local(2023, 5, 9, 11)
    with time_machine.travel(local(2023, 5, 9, 15), tick=False):
        result = attend(event, client_time=made_offline)

    assert result.status == CHECKED_IN
    assert result.checked_in_at == made_offline


def test_a_client_time_outside_the_window_is_not_trusted(event):
    with (
        time_machine.travel(local(2023, 5, 9, 15), tick=False),
        pytest.raises(EventsError) as error,
    ):
        attend(event, client_time=local(2023, 5, 9, 14))

    assert error.value.code == "window_closed"


def test_two_phones_checking_in_the_same_person_at_once_count_once(event):
    results, errors = [], []

    def scan():
        try:
            with time_machine.travel(DURING, tick=False):
                results.append(attend(event).status)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [ALREADY, CHECKED_IN]
    assert Attendance.objects.filter(event=event).count() == 1
