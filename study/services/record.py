"""A cadre's study record (学法档案) of a year, read from where each part lives:
episodes heard and practice papers (study), lectures attended (the reach ledger),
exams sat (quizzes), points (``study.services.points``)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from quizzes.models import Attempt, Candidate, Sitting
from quizzes.services.grading import band_of
from study.models import ListeningDay, PracticeSession, ReviewItem
from study.services.listening import UNKNOWN_LENGTH_SECONDS
from study.services.points import lecture_rows, statements, year_bounds


@dataclass
class EpisodeHeard:
    episode_id: int | None
    label: str
    url: str
    seconds: int
    length: int
    last_day: object

    @property
    def percent(self):
        return min(100, round(100 * self.seconds / self.length)) if self.length else 0

    @property
    def minutes(self):
        return Decimal(self.seconds // 6) / 10  # one decimal, rounded down


@dataclass
class ExamResult:
    sitting: Sitting
    attempts: list
    counted: Attempt | None
    is_retake: bool

    @property
    def score(self):
        return self.counted.score if self.counted else None

    @property
    def passed(self):
        return self.counted.passed if self.counted else None

    @property
    def band(self):
        if self.counted is None or self.counted.score is None:
            return ""
        return band_of(
            self.sitting, self.counted.score, self.counted.paper.total_points
        )


@dataclass
class StudyRecord:
    person: object
    year: int
    statement: object
    episodes: list = field(default_factory=list)
    lectures: list = field(default_factory=list)
    practice: list = field(default_factory=list)
    exams: list = field(default_factory=list)
    review_open: int = 0

    @property
    def listening_seconds(self):
        return sum(e.seconds for e in self.episodes)

    @property
    def lecture_seconds(self):
        return sum(
            max(
                int((row["event__ends_at"] - row["event__starts_at"]).total_seconds()),
                0,
            )
            for row in self.lectures
        )

    @property
    def hours(self):
        """Study hours: listening plus the length of the lectures attended."""
        seconds = self.listening_seconds + self.lecture_seconds
        return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))

    @property
    def practice_finished(self):
        return [s for s in self.practice if s.finished_at]

    @property
    def retakes(self):
        """Exams sat again: a retake sitting (补考), or a second attempt."""
        return sum(1 for exam in self.exams if exam.is_retake or len(exam.attempts) > 1)


def counted_attempt(sitting, attempts):
    """The attempt whose score counts (best or last, as the sitting says)."""
    graded = [a for a in attempts if a.status == Attempt.Status.GRADED]
    if not graded:
        return None
    if sitting.attempt_counts == Sitting.Counts.LAST:
        return max(graded, key=lambda a: a.number)
    return max(graded, key=lambda a: (a.score or 0, -a.number))


def exam_results(person_ids, year):
    """{person id: [ExamResult]} of the sittings of ``year`` they were on."""
    start, end = year_bounds(year)
    candidacies = (
        Candidate.objects.filter(
            person_id__in=person_ids,
            sitting__opens_at__gte=start,
            sitting__opens_at__lt=end,
        )
        .select_related("sitting")
        .prefetch_related(
            Prefetch(
                "attempts",
                queryset=Attempt.objects.select_related("paper").order_by("number"),
            )
        )
        .order_by("sitting__opens_at", "pk")
    )
    results = defaultdict(list)
    for candidate in candidacies:
        attempts = list(candidate.attempts.all())
        results[candidate.person_id].append(
            ExamResult(
                sitting=candidate.sitting,
                attempts=attempts,
                counted=counted_attempt(candidate.sitting, attempts),
                is_retake=candidate.sitting.retake_of_id is not None,
            )
        )
    return results


def episodes_heard(person_ids, year):
    """{person id: [EpisodeHeard]}: seconds credited per episode in the year."""
    from cms.models import EpisodePage

    rows = ListeningDay.objects.filter(person_id__in=person_ids, day__year=year)
    totals = {}
    for row in rows.order_by("day", "pk"):
        key = (row.person_id, row.episode_id, row.episode_label)
        seconds, _last = totals.get(key, (0, None))
        totals[key] = (seconds + row.seconds, row.day)
    episodes = {
        page.pk: page
        for page in EpisodePage.objects.filter(
            pk__in={key[1] for key in totals if key[1]}
        )
    }
    result = defaultdict(list)
    for (person_id, episode_id, label), (seconds, last_day) in totals.items():
        page = episodes.get(episode_id)
        result[person_id].append(
            EpisodeHeard(
                episode_id=episode_id,
                label=label,
                url=page.url if page and page.live else "",
                seconds=seconds,
                length=(page.duration_seconds if page else None)
                or UNKNOWN_LENGTH_SECONDS,
                last_day=last_day,
            )
        )
    for heard in result.values():
        heard.sort(key=lambda e: e.last_day, reverse=True)
    return result


def study_records(persons, year, *, as_of=None):
    """{person id: StudyRecord} for these persons (a fixed number of queries)."""
    persons = list(persons)
    ids = [p.pk for p in persons]
    points = statements(ids, year, as_of=as_of)
    heard = episodes_heard(ids, year)
    lectures = defaultdict(list)
    for row in lecture_rows(ids, year):
        lectures[row["person_id"]].append(row)
    start, end = year_bounds(year)
    practice = defaultdict(list)
    for session in PracticeSession.objects.filter(
        person_id__in=ids,
        kind=PracticeSession.Kind.PRACTICE,
        started_at__gte=start,
        started_at__lt=end,
    ).order_by("-started_at"):
        practice[session.person_id].append(session)
    exams = exam_results(ids, year)
    open_reviews = defaultdict(int)
    for person_id in ReviewItem.objects.filter(
        person_id__in=ids, cleared_at__isnull=True
    ).values_list("person_id", flat=True):
        open_reviews[person_id] += 1
    return {
        person.pk: StudyRecord(
            person=person,
            year=year,
            statement=points[person.pk],
            episodes=heard.get(person.pk, []),
            lectures=lectures.get(person.pk, []),
            practice=practice.get(person.pk, []),
            exams=exams.get(person.pk, []),
            review_open=open_reviews.get(person.pk, 0),
        )
        for person in persons
    }


def study_record(person, year=None, *, as_of=None):
    year = year or timezone.localdate().year
    return study_records([person], year, as_of=as_of)[person.pk]
