"""Demo content: the must-know laws, the column “997说法时间” with its co-producing
units and episodes (a generated tone as the recording), and a year of lectures.

Idempotent: pages are looked up by slug under their parent and created only when
missing; a second run saves nothing.
"""

import datetime
import random
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from wagtail.rich_text import RichText

from cms.demo_data.episodes import EPISODES
from cms.demo_data.lectures import (
    MEETING_TOPICS,
    MEETING_VENUE,
    NINE_DAY_TOPICS,
    SPEAKERS,
    THEMATIC_TOPICS,
    TOPIC_ARTICLES,
    VENUES,
)
from cms.models import (
    ColumnIndexPage,
    ColumnPartner,
    EpisodeCitation,
    EpisodePage,
    Law,
    LectureCitation,
    LecturePage,
    LectureSeriesPage,
    MustKnowEntry,
    MustKnowList,
)
from cms.services.laws import find_article, import_law
from cms.services.media import tone_wav_bytes
from cms.services.schedule import nine_day_schedule
from cms.services.structure import ensure_sections
from cms.services.transcripts import build_webvtt
from org.models import Place, Unit

LAW_TEXTS = Path(__file__).resolve().parent / "demo_data" / "laws"
MUST_KNOW_ORDER = [
    "constitution",
    "civil-code",
    "administrative-penalty",
    "administrative-licensing",
    "administrative-reconsideration",
    "administrative-litigation",
    "state-compensation",
    "government-information-disclosure",
    "bortala-parking",
    "bortala-civilised-behaviour",
]
TONE_NAME = "demo/997-tone-60s.wav"
TONE_SECONDS = 60
PARTNER_COUNT = 45
NINE_DAY_SESSIONS_2023 = 30
MEETING_SESSIONS_2023 = 18
THEMATIC_SESSIONS_2023 = 12
UPCOMING_NINE_DAYS = 6


def load_laws():
    for path in sorted(LAW_TEXTS.glob("*.txt")):
        import_law(
            text=path.read_text(encoding="utf-8"), slug=path.stem.replace("_", "-")
        )


def load_must_know_list(year=2023):
    must_know, _created = MustKnowList.objects.get_or_create(
        year=year, defaults={"title": f"{year}年度博州领导干部应知应会法律法规清单"}
    )
    laws = {law.slug: law for law in Law.objects.filter(slug__in=MUST_KNOW_ORDER)}
    for order, slug in enumerate(MUST_KNOW_ORDER):
        if slug in laws:
            MustKnowEntry.objects.get_or_create(
                must_know_list=must_know, law=laws[slug], defaults={"sort_order": order}
            )
    return must_know


def demo_recording():
    """(name, size) of the demo tone, made once in the media storage."""
    if not default_storage.exists(TONE_NAME):
        default_storage.save(
            TONE_NAME, ContentFile(tone_wav_bytes(seconds=TONE_SECONDS))
        )
    return TONE_NAME, default_storage.size(TONE_NAME)


def _article(slug, number):
    return find_article(law=Law.objects.get(slug=slug), number=number)


def _paragraphs(texts):
    return "".join(f"<p>{text}</p>" for text in texts)


def _transcript(entry):
    sentences = [
        sentence + "。"
        for text in entry["case"] + entry["analysis"]
        for sentence in text.split("。")
        if sentence.strip()
    ]
    step = (TONE_SECONDS - 2) / len(sentences)
    cues = [
        (round(i * step, 3), round((i + 1) * step, 3), sentence)
        for i, sentence in enumerate(sentences)
    ]
    analysis_start = int(
        step
        * sum(len([s for s in text.split("。") if s.strip()]) for text in entry["case"])
    )
    return build_webvtt(cues), analysis_start


def load_partners(column):
    if column.partners.exists():
        return
    wanted = [entry["unit"] for entry in EPISODES]
    units = list(Unit.objects.filter(name__in=wanted))
    others = Unit.objects.exclude(pk__in=[u.pk for u in units]).order_by("sort_order")
    units += list(others[: max(0, PARTNER_COUNT - len(units))])
    column.partners = [ColumnPartner(unit=unit) for unit in units[:PARTNER_COUNT]]
    column.save_revision().publish()


def load_episodes(column):
    name, size = demo_recording()
    created = 0
    for entry in EPISODES:
        slug = f"episode-{entry['number']:03d}"
        if EpisodePage.objects.child_of(column).filter(slug=slug).exists():
            continue
        articles = [_article(slug_, number) for slug_, number in entry["citations"]]
        transcript, analysis_start = _transcript(entry)
        analysis = [("paragraph", RichText(f"<p>{entry['analysis'][0]}</p>"))]
        analysis.append(("law_quote", {"article": articles[0], "excerpt": ""}))
        analysis += [
            ("paragraph", RichText(f"<p>{text}</p>")) for text in entry["analysis"][1:]
        ]
        analysis.append(("pull_quote", {"quote": entry["quote"], "attribution": ""}))
        episode = EpisodePage(
            title=entry["title"],
            slug=slug,
            number=entry["number"],
            air_date=datetime.date.fromisoformat(entry["air_date"]),
            unit=Unit.objects.get(name=entry["unit"]),
            summary=entry["summary"],
            case=_paragraphs(entry["case"]),
            analysis=analysis,
            audio=name,
            audio_mime="audio/wav",
            audio_size=size,
            duration_seconds=TONE_SECONDS,
            transcript=transcript,
        )
        episode.citations = [
            EpisodeCitation(
                law=article.law,
                article=article,
                article_number=article.number_label,
                chapter_start=_clock(analysis_start + index * 12),
            )
            for index, article in enumerate(articles)
        ]
        column.add_child(instance=episode)
        episode.topics.add(*entry["topics"])
        episode.save_revision().publish()
        created += 1
    return created


def _clock(seconds):
    seconds = min(seconds, TONE_SECONDS - 1)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _place(county_name, township_name):
    county = Place.objects.get(name=county_name, kind=Place.Kind.COUNTY)
    if township_name:
        return Place.objects.get(name=township_name, parent=county)
    return county


def _at(date, hour, minute):
    return timezone.make_aware(
        datetime.datetime.combine(date, datetime.time(hour, minute))
    )


def _lecture(series, *, slug, title, date, start, end, topic, venue, rng, articles):
    if LecturePage.objects.child_of(series).filter(slug=slug).exists():
        return 0
    speaker, speaker_title = rng.choice(SPEAKERS)
    venue_name, county, township = venue
    lecture = LecturePage(
        title=title,
        slug=slug,
        speaker=speaker,
        speaker_title=speaker_title,
        starts_at=_at(date, *start),
        ends_at=_at(date, *end),
        venue=venue_name,
        place=_place(county, township),
        topic=topic,
        summary=f"<p>{speaker}围绕“{topic}”，结合本地典型案例讲解法律规定，并现场解答群众提问。</p>",
    )
    lecture.citations = [
        LectureCitation(law=a.law, article=a, article_number=a.number_label)
        for a in articles
    ]
    series.add_child(instance=lecture)
    lecture.save_revision().publish()
    return 1


def _nine_day_dates(year, limit=None, after=None):
    dates = []
    for proposed in nine_day_schedule(year).dates:
        date = proposed.suggestion or proposed.date
        if after and date <= after:
            continue
        if date not in dates:
            dates.append(date)
    return dates[:limit] if limit else dates


def load_lectures():
    rng = random.Random(20230909)
    series = {s.kind: s for s in LectureSeriesPage.objects.all()}
    nine = series[LectureSeriesPage.Kind.NINE_DAYS]
    meetings = series[LectureSeriesPage.Kind.BEFORE_MEETINGS]
    thematic = series[LectureSeriesPage.Kind.THEMATIC]
    created = 0
    today = timezone.localdate()
    # 2023: 30 sessions; a date on a rest day is moved to the next working day.
    nine_days = _nine_day_dates(2023, NINE_DAY_SESSIONS_2023)
    upcoming = []
    for year in (today.year, today.year + 1):
        upcoming += _nine_day_dates(year, after=today)
    for date in nine_days + upcoming[:UPCOMING_NINE_DAYS]:
        topic = NINE_DAY_TOPICS[date.toordinal() % len(NINE_DAY_TOPICS)]
        created += _lecture(
            nine,
            slug=f"fengjiu-{date:%Y-%m-%d}",
            title=f"法治讲堂·逢九必讲：{topic}",
            date=date,
            start=(10, 30),
            end=(12, 0),
            topic=topic,
            venue=VENUES[date.toordinal() % len(VENUES)],
            rng=rng,
            articles=[_article(*cited) for cited in TOPIC_ARTICLES.get(topic, [])],
        )
    meeting_dates = [
        datetime.date(2023, month, day)
        for month in range(1, 13)
        for day in (6, 20)
        if datetime.date(2023, month, day).weekday() < 5
    ][:MEETING_SESSIONS_2023]
    meeting_dates.append(_next_weekday(today + datetime.timedelta(days=10)))
    for index, date in enumerate(meeting_dates):
        topic = MEETING_TOPICS[index % len(MEETING_TOPICS)]
        created += _lecture(
            meetings,
            slug=f"huiqian-{date:%Y-%m-%d}",
            title=f"会前学法：{topic}",
            date=date,
            start=(9, 0),
            end=(9, 40),
            topic=topic,
            venue=MEETING_VENUE,
            rng=rng,
            articles=[_article("constitution", 33)],
        )
    thematic_dates = [
        _next_weekday(datetime.date(2023, month, 15)) for month in range(1, 13)
    ][:THEMATIC_SESSIONS_2023]
    thematic_dates.append(_next_weekday(today + datetime.timedelta(days=20)))
    for index, date in enumerate(thematic_dates):
        topic = THEMATIC_TOPICS[index % len(THEMATIC_TOPICS)]
        created += _lecture(
            thematic,
            slug=f"zhuanti-{date:%Y-%m-%d}",
            title=topic,
            date=date,
            start=(15, 30),
            end=(17, 30),
            topic=topic,
            venue=VENUES[index % len(VENUES)],
            rng=rng,
            articles=[_article("administrative-penalty", 5)],
        )
    return created


def _next_weekday(date):
    while date.weekday() >= 5:
        date += datetime.timedelta(days=1)
    return date


def load(command):
    load_laws()
    must_know = load_must_know_list()
    ensure_sections()
    column = ColumnIndexPage.objects.get()
    load_partners(column)
    episodes = load_episodes(column)
    lectures = load_lectures()
    laws = ", ".join(
        f"{law.short_name} {law.articles.count()}" for law in must_know.laws()
    )
    return (
        f"{must_know}: {must_know.entries.count()} laws, {laws}\n"
        f"{column}: {EpisodePage.objects.count()} episodes ({episodes} new), "
        f"{column.partners.count()} co-producing units; "
        f"{LecturePage.objects.count()} lectures ({lectures} new)"
    )
