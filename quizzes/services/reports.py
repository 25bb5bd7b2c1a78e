"""What a sitting's results say: pass rates per unit, and how each question
performed (classical item analysis), and which law articles cadres get wrong most.

Item analysis uses each candidate's counted attempt (``results.counted_attempts``):

- facility (难度系数 P) = the share of the candidates whose paper held the question
  who answered it right;
- discrimination (区分度 D) = P among the upper group − P among the lower group,
  the groups being the 27 % of candidates with the highest and the lowest total
  scores (Kelley's 27 %: round(0.27 × N), at least one). Candidates of equal score
  keep the roster's order at the cut. Papers are drawn at random, so each group's P
  counts only its candidates whose paper held the question; D is empty when a group
  had none of them.

A partly right multiple-choice answer (partial credit) is not "right" here.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from pufa.xlsx import Sheet, workbook_bytes
from quizzes.models import Attempt, AttemptAnswer, PaperQuestion, Question
from quizzes.services.results import Outcome, counted_attempts

UPPER_LOWER_SHARE = Decimal("0.27")


def _ratio(part, whole):
    return None if not whole else Decimal(part) / Decimal(whole)


def _percent(value):
    return None if value is None else round(float(value) * 100, 1)


def _rounded(value, places="0.01"):
    return None if value is None else value.quantize(Decimal(places), ROUND_HALF_UP)


# --- pass rates per unit ------------------------------------------------------


@dataclass
class UnitRate:
    unit: str
    candidates: int = 0
    sat: int = 0
    passed: int = 0

    @property
    def rate(self):
        """Passed among those who sat, in percent."""
        return _percent(_ratio(self.passed, self.sat))


def unit_pass_rates(rows):
    """One ``UnitRate`` per unit of the candidates (``results.sitting_results``
    rows), the lowest pass rate first; people without a unit are one line."""
    rates = {}
    for row in rows:
        unit = str(row.person.unit or _("(no unit)"))
        line = rates.setdefault(unit, UnitRate(unit))
        line.candidates += 1
        if row.counted is not None:
            line.sat += 1
            line.passed += row.outcome == Outcome.PASSED
    return sorted(
        rates.values(),
        key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, r.unit),
    )


def unit_rates_sheet(rates):
    return Sheet(
        title=_("Pass rate by unit"),
        header=[_("Unit"), _("Candidates"), _("Sat"), _("Passed"), _("Pass rate (%)")],
        rows=[[r.unit, r.candidates, r.sat, r.passed, r.rate] for r in rates],
        widths={"A": 32},
    )


# --- item analysis ----------------------------------------------------------


def group_size(count):
    """round(0.27 × count), at least 1 (0 for nobody)."""
    if not count:
        return 0
    size = int((UPPER_LOWER_SHARE * count).quantize(Decimal(1), ROUND_HALF_UP))
    return max(1, size)


@dataclass
class ItemStats:
    question: Question
    seen: int = 0
    right: int = 0
    upper_seen: int = 0
    upper_right: int = 0
    lower_seen: int = 0
    lower_right: int = 0

    @property
    def facility(self):
        return _ratio(self.right, self.seen)

    @property
    def discrimination(self):
        upper = _ratio(self.upper_right, self.upper_seen)
        lower = _ratio(self.lower_right, self.lower_seen)
        if upper is None or lower is None:
            return None
        return upper - lower


def _answer_rows(attempts):
    """[(attempt id, question id, right)] of these attempts' answers."""
    attempts = list(attempts)
    paper_of = {attempt.pk: attempt.paper_id for attempt in attempts}
    question_at = {
        (paper_id, position): question_id
        for paper_id, position, question_id in PaperQuestion.objects.filter(
            paper_id__in=set(paper_of.values())
        ).values_list("paper_id", "position", "question_id")
    }
    return [
        (attempt_id, question_at[(paper_of[attempt_id], position)], bool(correct))
        for attempt_id, position, correct in AttemptAnswer.objects.filter(
            attempt_id__in=list(paper_of)
        ).values_list("attempt_id", "position", "correct")
        if (paper_of[attempt_id], position) in question_at
    ]


def item_analysis(sitting):
    """One ``ItemStats`` per question of the sitting's counted attempts, the
    hardest (lowest facility) first."""
    counted = counted_attempts(sitting)
    ranked = sorted(counted.items(), key=lambda item: (-item[1].score, item[0]))
    size = group_size(len(ranked))
    upper = {attempt.pk for _c, attempt in ranked[:size]}
    lower = {attempt.pk for _c, attempt in ranked[len(ranked) - size :]}
    stats = {}
    for attempt_id, question_id, right in _answer_rows(a for _c, a in ranked):
        item = stats.setdefault(question_id, ItemStats(question=None))
        item.seen += 1
        item.right += right
        if attempt_id in upper:
            item.upper_seen += 1
            item.upper_right += right
        if attempt_id in lower:
            item.lower_seen += 1
            item.lower_right += right
    questions = Question.objects.in_bulk(list(stats))
    for question_id, item in stats.items():
        item.question = questions[question_id]
    return sorted(stats.values(), key=lambda s: (s.facility, s.question.pk))


def item_sheet(items):
    return Sheet(
        title=_("Questions"),
        header=[
            _("Question no."),
            _("Question"),
            _("Answered"),
            _("Right"),
            _("Facility"),
            _("Discrimination"),
        ],
        rows=[
            [
                item.question.pk,
                str(item.question),
                item.seen,
                item.right,
                _rounded(item.facility),
                _rounded(item.discrimination),
            ]
            for item in items
        ],
        widths={"B": 60},
    )


# --- law articles answered wrong most ---------------------------------------


@dataclass
class ArticleStats:
    article: object  # cms.LawArticle
    answered: int = 0
    wrong: int = 0

    @property
    def wrong_share(self):
        return _ratio(self.wrong, self.answered)


def weakest_articles(sittings, *, min_answers=1, limit=30):
    """The law articles cited by the questions of these sittings' graded attempts,
    by the share of wrong answers, highest first. An answer counts for every
    article its question's version cites; articles with fewer than
    ``min_answers`` answers are left out (too few to say anything)."""
    from cms.models import LawArticle
    from quizzes.models import QuestionVersion

    attempts = Attempt.objects.filter(
        candidate__sitting__in=sittings, status=Attempt.Status.GRADED
    ).only("pk", "paper_id")
    paper_of = dict(attempts.values_list("pk", "paper_id"))
    version_at = {
        (paper_id, position): version_id
        for paper_id, position, version_id in PaperQuestion.objects.filter(
            paper_id__in=set(paper_of.values())
        ).values_list("paper_id", "position", "version_id")
    }
    articles_of = defaultdict(list)
    for version_id, article_id in QuestionVersion.articles.through.objects.filter(
        questionversion_id__in=set(version_at.values())
    ).values_list("questionversion_id", "lawarticle_id"):
        articles_of[version_id].append(article_id)
    stats = {}
    for attempt_id, position, correct in AttemptAnswer.objects.filter(
        attempt_id__in=list(paper_of)
    ).values_list("attempt_id", "position", "correct"):
        version_id = version_at.get((paper_of[attempt_id], position))
        for article_id in articles_of.get(version_id, ()):
            line = stats.setdefault(article_id, ArticleStats(article=None))
            line.answered += 1
            line.wrong += not correct
    stats = {k: v for k, v in stats.items() if v.answered >= min_answers}
    articles = LawArticle.objects.select_related("law").in_bulk(list(stats))
    for article_id, line in stats.items():
        line.article = articles[article_id]
    return sorted(
        stats.values(),
        key=lambda s: (-s.wrong_share, -s.answered, s.article.pk),
    )[:limit]


def articles_sheet(lines):
    return Sheet(
        title=_("Law articles"),
        header=[_("Law article"), _("Answers"), _("Wrong"), _("Wrong (%)")],
        rows=[
            [str(line.article), line.answered, line.wrong, _percent(line.wrong_share)]
            for line in lines
        ],
        widths={"A": 40},
    )


def sitting_report_xlsx(sitting):
    """The item analysis of one sitting as an xlsx workbook."""
    return workbook_bytes([item_sheet(item_analysis(sitting))])


def articles_xlsx(sittings, **kwargs):
    return workbook_bytes([articles_sheet(weakest_articles(sittings, **kwargs))])
