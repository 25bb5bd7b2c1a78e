"""What a candidate may see of their attempt, and when (the review options).

While an attempt is in progress the candidate gets the paper (stems and options in
their shuffled order, points) and their own saved answers — never a key, a score or
an explanation. After it, each part of the review follows the sitting's options;
right answers and explanations never before the sitting is over, since others may
still be answering the same questions.
"""

from django.utils import timezone

from cms.citations import episodes_citing
from quizzes.models import Attempt, ProctorAction, ReviewWhen
from quizzes.services.grading import CENT, band_of, pass_mark_of
from quizzes.services.papers import answer_key, candidate_paper


def epoch_ms(moment):
    return int(moment.timestamp() * 1000)


# A candidate's page shows at most this many of the sitting's latest notices.
RECENT_NOTICES = 10


def recent_notices(sitting_id):
    """The sitting's latest notices, oldest first, as the ``notice`` frame has
    them: a client that was away (reconnecting, or polling over HTTP) shows the
    ones it missed; a client that has one already knows it by ``at``."""
    actions = ProctorAction.objects.filter(
        sitting_id=sitting_id, kind=ProctorAction.Kind.NOTICE
    ).order_by("-at", "-pk")[:RECENT_NOTICES]
    return [notice_frame(action) for action in reversed(actions)]


def notice_frame(action):
    return {
        "type": "notice",
        "text": action.detail["text"],
        "at": epoch_ms(action.at),
    }


def saved_answers(attempt):
    """{position: {"choice": [...], "seq": n}} of what is saved."""
    return {
        answer.position: {"choice": answer.choice, "seq": answer.client_seq}
        for answer in attempt.answers.all()
        if answer.client_seq
    }


def attempt_state(attempt):
    """The state frame of an attempt in progress (``docs/protocol.md``: "state")."""
    paper = candidate_paper(attempt.paper)
    saved = saved_answers(attempt)
    return {
        "attempt": attempt.pk,
        "status": attempt.status,
        "deadline": epoch_ms(attempt.deadline),
        "server_time": epoch_ms(timezone.now()),
        "paper": paper,
        "answers": {
            str(position): entry["choice"] for position, entry in saved.items()
        },
        "last_seq": max((entry["seq"] for entry in saved.values()), default=0),
        "focus_losses": attempt.focus_losses,
        "focus_loss_limit": attempt.candidate.sitting.focus_loss_limit,
        "notices": recent_notices(attempt.candidate.sitting_id),
    }


def allowed(when, attempt):
    if attempt.status == Attempt.Status.IN_PROGRESS or when == ReviewWhen.NEVER:
        return False
    if when == ReviewWhen.AFTER_ATTEMPT:
        return True
    return attempt.candidate.sitting.is_over


def review(attempt):
    """The result a candidate may see now: score, pass/fail and band, and per
    question what the options allow (correctness, right answer, explanation with
    the law articles and the episodes explaining them). ``None`` parts are hidden."""
    sitting = attempt.candidate.sitting
    show_score = allowed(sitting.review_score, attempt)
    show_correct = allowed(sitting.review_correctness, attempt)
    show_key = allowed(sitting.review_right_answer, attempt)
    show_explanation = allowed(sitting.review_explanation, attempt)
    result = {
        "attempt": attempt.pk,
        "status": attempt.status,
        "submitted_by": attempt.submitted_by,
        "score": None,
        "total": None,
        "passed": None,
        "band": None,
        "pass_mark": None,
        "questions": [],
    }
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return result
    if show_score and attempt.score is not None:
        result.update(
            score=str(attempt.score.quantize(CENT)),  # 0 → 0.00, as stored
            total=str(attempt.paper.total_points),
            passed=attempt.passed,
            band=band_of(sitting, attempt.score, attempt.paper.total_points),
            pass_mark=str(pass_mark_of(attempt)),
        )
    if not (show_correct or show_key or show_explanation):
        return result
    key = answer_key(attempt.paper) if show_key else {}
    answers = {a.position: a for a in attempt.answers.all()}
    items = list(
        attempt.paper.items.select_related("version")
        .prefetch_related("version__articles__law")
        .order_by("position")
    )
    article_ids = {a.pk for item in items for a in item.version.articles.all()}
    episodes = episodes_citing(article_ids) if show_explanation else {}
    for item in items:
        answer = answers.get(item.position)
        entry = {
            "position": item.position,
            "stem": item.version.stem,
            "options": [item.version.options[i] for i in item.option_order],
            "choice": answer.choice if answer else [],
        }
        if show_correct:
            entry["correct"] = bool(answer and answer.correct)
            entry["points"] = str(answer.points) if answer and answer.points else "0"
        if show_key:
            entry["key"] = key[item.position]
        if show_explanation:
            entry["explanation"] = item.version.explanation
            entry["articles"] = [
                {
                    "label": str(article),
                    "url": article.get_absolute_url(),
                    "episodes": [
                        {"title": title, "url": url}
                        for title, url in episodes.get(article.pk, [])[:3]
                    ],
                }
                for article in item.version.articles.all()
            ]
        result["questions"].append(entry)
    return result
