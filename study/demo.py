"""Demo cadres with a study record of the current year: episodes heard, two
lectures attended, a practice paper with mistakes on the review list.

Idempotent: people are matched by their numbers, listening days by (person,
episode, day), lectures by their source keys, and a cadre who already has a
practice paper gets no other.
"""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import EpisodePage, Law
from org.models import Place, Unit
from org.services import find_or_create_person, id_number_check_character
from quizzes.services.papers import displayed_keys
from study.models import ListeningDay, PracticeSession, StudyProfile
from study.services.errors import StudyError
from study.services.practice import answer_item, start_practice
from study.services.reach import count_listening

# name, first 17 digits of the (fake) identity number, phone, unit, position,
# county, episodes heard (count), lectures attended, questions to miss
DEMO_CADRES = [
    ("马志强", "65270119800315001", "13899900001", "博州司法局", "科长", None, 4, 2, 2),
    (
        "古丽娜尔",
        "65270119880722002",
        "13899900002",
        "博乐市司法局",
        "副局长",
        "博乐市",
        2,
        1,
        1,
    ),
    (
        "额尔德尼",
        "65272219760109003",
        "13899900003",
        "精河县司法局",
        "主任",
        "精河县",
        1,
        0,
        3,
    ),
]
SEED = 20260909


def _demo_day(year, month, day):
    """A day of the demo year, never after today."""
    return min(datetime.date(year, month, day), timezone.localdate())


def _at(day, hour):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour)),
        timezone.get_default_timezone(),
    )


def _cadre(row):
    name, first17, phone, unit_name, position, county_name, *_rest = row
    unit = Unit.objects.filter(name=unit_name).first() or Unit.objects.first()
    county = Place.objects.counties().filter(name=county_name).first()
    person, _created = find_or_create_person(
        full_name=name,
        id_number=first17 + id_number_check_character(first17),
        phone=phone,
        unit=unit,
        position=position,
        county=county,
    )
    StudyProfile.objects.get_or_create(person=person)
    return person


def _listening(person, year, count):
    episodes = list(
        EpisodePage.objects.live().order_by("number").exclude(audio="", video="")
    )[:count]
    for index, episode in enumerate(episodes):
        day = _demo_day(year, 3 + index, 9)
        seconds = episode.duration_seconds or 60
        _row, created = ListeningDay.objects.get_or_create(
            person=person,
            episode=episode,
            day=day,
            defaults={
                "episode_label": f"{episode.label} {episode.title}"[:255],
                "seconds": seconds,
                "first_at": _at(day, 20),
            },
        )
        if created:
            count_listening(person=person, episode=episode, day=day)


def _lectures(people, year):
    from events.services import record_attendance, record_event

    titles = [
        _("The Civil Code and neighbours"),
        _("Administrative reconsideration explained"),
    ]
    for number, title in enumerate(titles, start=1):
        day = _demo_day(year, 4 + number, 9)
        event, _created = record_event(
            source_key=f"demo.study:{year}:lecture:{number}",
            event_type="lecture",
            title=str(title),
            starts_at=_at(day, 16),
            ends_at=_at(day, 17) + datetime.timedelta(minutes=30),
            venue="州政府会议中心",
            platform="onsite",
        )
        for person, attended in people:
            if attended >= number:
                record_attendance(
                    event=event,
                    person=person,
                    source_key=f"demo.study:{year}:lecture:{number}:{person.pk}",
                    kind="roster",
                )


def _practice(person, year, misses):
    if PracticeSession.objects.filter(person=person).exists():
        return
    law = Law.objects.filter(short_name="宪法").first() or Law.objects.first()
    if law is None:
        return
    day = _demo_day(year, 6, 19)
    try:
        paper = start_practice(person=person, law=law, seed=SEED, now=_at(day, 21))
    except StudyError:
        return  # no questions in the bank
    for item in paper.items.select_related("version").order_by("position"):
        key = displayed_keys(item)
        choice = [(key[0] + 1) % 2] if item.position <= misses else key
        answer_item(
            person=person,
            session_id=paper.pk,
            position=item.position,
            choice=choice,
            now=_at(day, 21),
        )


def load(command):
    year = timezone.localdate().year
    with translation.override(settings.LANGUAGE_CODE):
        people = []
        for row in DEMO_CADRES:
            person = _cadre(row)
            episodes, lectures, misses = row[6:]
            _listening(person, year, episodes)
            _practice(person, year, misses)
            people.append((person, lectures))
        _lectures(people, year)
        lines = [_("Study records: %(n)d demo cadres.") % {"n": len(people)}]
        if getattr(settings, "PUFA_PRINT_DEMO_PASSWORDS", False):
            lines.append(
                _("Demo cadres sign in at /study/ (identity number, mobile number):")
            )
            for name, first17, phone, *_rest in DEMO_CADRES:
                id_number = first17 + id_number_check_character(first17)
                lines.append(f"  {name:<8} {id_number} {phone}")
    return "\n".join(lines)
