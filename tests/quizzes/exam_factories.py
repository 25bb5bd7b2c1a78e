"""Sittings ready to sit: a small bank, a blueprint, a roster. Defaults only."""

import datetime as dt

import factory
from django.utils import timezone

from quizzes.models import Candidate, QuestionKind, Sitting
from tests.factories import PersonFactory
from tests.quizzes.factories import BlueprintFactory, add_rule, make_question


def small_blueprint(*, singles=3, multiples=1, true_false=1, points=20):
    """A blueprint of singles + multiples + true/false questions, each worth
    ``points``, with exactly as many active questions in the bank as it draws
    (so every paper holds the same questions, in a seed's order)."""
    count = singles + multiples + true_false
    blueprint = BlueprintFactory(total_points=points * count, pass_mark=points * 3)
    for kind, n, extra in (
        (QuestionKind.SINGLE, singles, {}),
        (QuestionKind.MULTIPLE, multiples, {"keys": [0, 2]}),
        (QuestionKind.TRUE_FALSE, true_false, {}),
    ):
        if not n:
            continue
        for _ in range(n):
            make_question(kind=kind, **extra)
        add_rule(blueprint, kind=kind, count=n, points=points)
    return blueprint


class SittingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sitting

    name = factory.Sequence(lambda n: f"测试考场{n}")
    blueprint = factory.LazyFunction(small_blueprint)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=2))
    duration_minutes = 30
    status = Sitting.Status.OPEN


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    sitting = factory.SubFactory(SittingFactory)
    person = factory.SubFactory(PersonFactory)
