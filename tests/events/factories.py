"""Factories of the reach ledger: defaults only; tests say what matters to them."""

import datetime
from importlib import import_module

import factory
from django.utils import timezone

from events.models import Attendance, Event, EventType, Platform
from tests.factories import CountyFactory, PersonFactory

TZ = timezone.get_fixed_timezone(8 * 60)


def local(year, month, day, hour=10, minute=0):
    """An aware datetime in China Standard Time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


EVENT_TYPE_NAMES = dict(import_module("events.migrations.0002_event_types").EVENT_TYPES)


def event_type(key):
    """The event type of that key. A migration creates the list; tests that flush
    the database (transaction=True) get it back here."""
    return EventType.objects.get_or_create(
        key=key, defaults={"name": EVENT_TYPE_NAMES[key]}
    )[0]


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    event_type = factory.LazyFunction(lambda: event_type("grassroots_talk"))
    title = factory.Sequence(lambda n: f"测试活动{n}")
    starts_at = factory.LazyFunction(lambda: local(2023, 5, 9, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    county = factory.SubFactory(CountyFactory)
    platform = Platform.ONSITE


class PersonAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    count = 1
    kind = Attendance.Kind.ROSTER
