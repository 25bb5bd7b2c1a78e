"""A year (2023) of demo ledger reproducing the figures of the prefecture's report.

536 grassroots talks (530余场次), 207 episodes of “997说法时间” with 45 units, 30
lectures of “法治讲堂·逢九必讲” (on days with a nine), 18 law studies before standing
meetings, 12 thematic lectures, 40 foreign-related sessions, 305 person-times of
consultations (300余人次), 22 enterprise check-ups, contests and exams, 178,436 人次
(17.8万余人次) in all, spread over the real counties and townships, with repeat
attendees so that 人 < 人次. Built with bulk_create so it loads in a few seconds;
idempotent: it is made once, identified by its events' source keys.
"""

import datetime
import random

from django.utils import timezone

from events.models import Attendance, Event, EventType, Platform, Target
from org.models import Person, Place, Unit
from org.services import mask_phone, phone_fields

YEAR = 2023
KEY_PREFIX = f"demo.{YEAR}:"
TOTAL_PERSON_TIMES = 178_436
DEMO_PERSONS = 2_400
CONSULTATIONS = 305
TALK_TOPICS = [
    "宪法进村入户宣讲",
    "民法典进社区宣讲",
    "反电信网络诈骗法治宣传",
    "法律明白人培训",
    "农民工工资支付法治宣传",
    "《博尔塔拉蒙古自治州文明行为促进条例》宣讲",
    "《博尔塔拉蒙古自治州城市机动车停车管理条例》宣讲",
    "未成年人保护法进校园",
    "禁毒法治宣传",
    "婚姻家庭纠纷预防宣讲",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁"
GIVEN = "建国志强海燕丽娟春梅明辉秀英红霞国庆晓东玉兰文华新民桂芳军伟丹振雪莲德淑珍永胜"


def _at(day, hour, minutes=90):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
    return start, start + datetime.timedelta(minutes=minutes)


def _days_with_nine():
    days = []
    for month in range(1, 13):
        for day in (9, 19, 29):
            try:
                days.append(datetime.date(YEAR, month, day))
            except ValueError:
                continue
    return days


def _random_day(rng):
    return datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def _demo_persons(rng, counties):
    """2,400 demo persons with phone numbers (kept as keyed hashes, as always)."""
    people = []
    for index in range(DEMO_PERSONS):
        phone = f"1{'3578'[index % 4]}{index:09d}"
        county = counties[index % len(counties)]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        fields = phone_fields(phone)
        assert fields["phone_masked"] == mask_phone(phone)
        people.append(Person(full_name=name, county=county, **fields))
    hashes = [person.phone_hash for person in people]
    known = set(
        Person.objects.filter(phone_hash__in=hashes).values_list(
            "phone_hash", flat=True
        )
    )
    Person.objects.bulk_create([p for p in people if p.phone_hash not in known])
    by_hash = dict(
        Person.objects.filter(phone_hash__in=hashes).values_list("phone_hash", "pk")
    )
    return [by_hash[h] for h in hashes]


def _events(rng, types, counties, townships, units, prefecture_units):
    events = []

    def add(key, type_key, title, day, hour, **fields):
        starts_at, ends_at = _at(day, hour, fields.pop("minutes", 90))
        events.append(
            Event(
                source_key=f"{KEY_PREFIX}{key}",
                event_type=types[type_key],
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                **fields,
            )
        )

    for number in range(536):
        township = townships[number % len(townships)]
        county = township.parent
        add(
            f"talk:{number + 1}",
            "grassroots_talk",
            f"“法治宣传走基层”{rng.choice(TALK_TOPICS)}（{township.name}）",
            _random_day(rng),
            rng.choice([10, 11, 16, 17]),
            county=county,
            township=township,
            venue=f"{township.name}综合文化站",
            unit=units[county.pk][number % len(units[county.pk])],
            platform=Platform.ONSITE,
        )
    days = sorted(_random_day(rng) for _ in range(207))
    for number, day in enumerate(days):
        unit = prefecture_units[number % 45]
        add(
            f"episode:{number + 1}",
            "case_episode",
            f"“997说法时间”以案释法第{number + 1}期（{unit.short_name or unit.name}）",
            day,
            12,
            minutes=30,
            unit=unit,
            venue="州广播电台",
            platform=Platform.ONLINE,
        )
    for number, day in enumerate(_days_with_nine()[:30]):
        add(
            f"lecture:{number + 1}",
            "lecture",
            f"“法治讲堂·逢九必讲”第{number + 1}期",
            day,
            16,
            venue="州政府会议中心",
            unit=prefecture_units[1],
            platform=Platform.ONSITE,
        )
    for number in range(18):
        county = counties[number % 5] if number % 5 < 4 else None
        add(
            f"pre-meeting:{number + 1}",
            "pre_meeting_study",
            f"政府常务会会前学法（第{number + 1}次）",
            datetime.date(YEAR, 1 + number * 11 // 18, 8 + number % 3),
            9,
            minutes=30,
            county=county,
            venue="政府常务会议室",
            platform=Platform.ONSITE,
        )
    for number in range(12):
        add(
            f"thematic:{number + 1}",
            "thematic_lecture",
            f"宪法、法律知识专题讲座（第{number + 1}讲）",
            datetime.date(YEAR, number + 1, 15),
            15,
            venue="州委党校",
            unit=prefecture_units[1],
            platform=Platform.ONSITE,
        )
    for number in range(40):
        county = counties[number % 4]
        add(
            f"foreign:{number + 1}",
            "foreign_related",
            f"涉外法治宣传（{'口岸企业' if number % 2 else '外贸从业人员'}专场）",
            _random_day(rng),
            11,
            county=county,
            venue=f"{county.name}公共法律服务中心",
            platform=Platform.ONSITE,
        )
    for month in range(1, 13):
        add(
            f"consultation:{month}",
            "consultation",
            f"12348法律热线涉外法律咨询（{month}月）",
            datetime.date(YEAR, month, 1),
            9,
            minutes=60 * 24 * 27,
            platform=Platform.HOTLINE,
            unit=prefecture_units[1],
        )
    for number in range(22):
        county = counties[number % 4]
        add(
            f"checkup:{number + 1}",
            "legal_checkup",
            f"民营企业“法治体检”（第{number + 1}家）",
            _random_day(rng),
            10,
            minutes=180,
            county=county,
            venue="企业会议室",
            unit=units[county.pk][0],
            platform=Platform.ONSITE,
        )
    for number in range(3):
        add(
            f"contest:{number + 1}",
            "contest",
            f"宪法知识竞赛（第{number + 1}场）",
            datetime.date(YEAR, 12, 1 + number),
            15,
            platform=Platform.ONLINE,
        )
    for number in range(4):
        add(
            f"exam:{number + 1}",
            "exam",
            f"领导干部任前法律知识考试（{YEAR}年第{number + 1}批）",
            datetime.date(YEAR, 3 * number + 2, 20),
            10,
            minutes=60,
            venue="州委党校机房",
            platform=Platform.ONLINE,
        )
    Event.objects.bulk_create(events)
    return list(
        Event.objects.filter(source_key__startswith=KEY_PREFIX).select_related(
            "event_type"
        )
    )


def _attendance(rng, events, person_ids):
    """Named attendance (with repeats across events) and headcounts, adding up to
    TOTAL_PERSON_TIMES."""
    rows = []
    roster_size = {
        "lecture": 60,
        "pre_meeting_study": 25,
        "thematic_lecture": 80,
        "contest": 120,
        "exam": 40,
        "legal_checkup": 15,
    }
    cadres = person_ids[:400]  # the same cadres come again and again
    named = 0
    for event in events:
        key = event.event_type.key
        if key in roster_size:
            pool = cadres if key != "contest" else person_ids
            chosen = rng.sample(pool, roster_size[key])
        elif key == "grassroots_talk":
            chosen = rng.sample(person_ids, 12)
        else:
            chosen = []
        for person_id in chosen:
            rows.append(
                Attendance(
                    event=event,
                    person_id=person_id,
                    count=1,
                    kind=Attendance.Kind.ROSTER,
                    recorded_at=event.ends_at,
                )
            )
        named += len(chosen)

    def headcount(event, count):
        rows.append(
            Attendance(
                event=event,
                count=count,
                kind=Attendance.Kind.HEADCOUNT,
                source_key=f"events.headcount:{event.pk}",
                recorded_at=event.ends_at,
            )
        )

    fixed = 0
    by_type = {}
    for event in events:
        by_type.setdefault(event.event_type.key, []).append(event)
    consultations = by_type["consultation"]
    for index, event in enumerate(consultations):
        share = CONSULTATIONS // len(consultations)
        count = share + (1 if index < CONSULTATIONS % len(consultations) else 0)
        headcount(event, count)
        fixed += count
    for event in by_type["case_episode"]:
        count = rng.randint(90, 140)  # listeners who called in or commented
        headcount(event, count)
        fixed += count
    for event in by_type["foreign_related"]:
        count = rng.randint(30, 70)
        headcount(event, count)
        fixed += count
    talks = by_type["grassroots_talk"]
    remainder = TOTAL_PERSON_TIMES - named - fixed
    weights = [rng.uniform(0.5, 1.5) for _ in talks]
    scale = remainder / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[0] += remainder - sum(counts)
    for event, count in zip(talks, counts, strict=True):
        headcount(event, count)
    Attendance.objects.bulk_create(rows, batch_size=2000)


def _targets(types, counties):
    wanted = [
        (None, types["grassroots_talk"], Target.Metric.EVENTS, 500),
        (None, None, Target.Metric.PERSON_TIMES, 150_000),
        (None, types["case_episode"], Target.Metric.EVENTS, 200),
        (None, types["lecture"], Target.Metric.EVENTS, 30),
    ]
    for county in counties:
        wanted.append((county, types["grassroots_talk"], Target.Metric.EVENTS, 120))
    for county, event_type, metric, value in wanted:
        Target.objects.get_or_create(
            year=YEAR,
            county=county,
            event_type=event_type,
            metric=metric,
            defaults={"value": value},
        )


def load(command):
    if Event.objects.filter(source_key__startswith=KEY_PREFIX).exists():
        return "Reach ledger demo: already loaded."
    rng = random.Random(YEAR)
    types = {t.key: t for t in EventType.objects.all()}
    counties = list(Place.objects.counties().order_by("sort_order"))
    townships = list(
        Place.objects.townships().select_related("parent").order_by("parent", "pk")
    )
    prefecture_units = list(
        Unit.objects.filter(place__kind=Place.Kind.PREFECTURE).order_by("sort_order")
    )
    units = {
        county.pk: list(Unit.objects.filter(place=county).order_by("sort_order"))
        for county in counties
    }
    person_ids = _demo_persons(rng, counties)
    events = _events(rng, types, counties, townships, units, prefecture_units)
    _attendance(rng, events, person_ids)
    _targets(types, counties)
    return (
        f"Reach ledger demo: {len(events)} events of {YEAR}, "
        f"{Attendance.objects.count()} ledger rows."
    )
