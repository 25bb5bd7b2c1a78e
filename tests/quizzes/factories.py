"""Bank factories: defaults only; tests say what matters to them."""

import factory

from cms.models import Law, LawArticle, MustKnowEntry, MustKnowList
from cms.numerals import int_to_chinese
from quizzes.models import Blueprint, BlueprintRule, QuestionKind, QuestionStatus
from quizzes.services.bank import TRUE_FALSE_OPTIONS, QuestionData, create_question


class LawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Law
        django_get_or_create = ("short_name",)

    title = factory.LazyAttribute(lambda o: f"中华人民共和国{o.short_name}")
    short_name = factory.Sequence(lambda n: f"测试法{n}")
    slug = factory.Sequence(lambda n: f"test-law-{n}")
    kind = Law.Kind.LAW


class LawArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LawArticle
        django_get_or_create = ("law", "number")

    law = factory.SubFactory(LawFactory)
    number = factory.Sequence(lambda n: n + 1)
    number_label = factory.LazyAttribute(lambda o: f"第{int_to_chinese(o.number)}条")
    text = factory.LazyAttribute(lambda o: f"{o.number_label}的条文。")


def must_know_list(laws, year=2023):
    listing, _created = MustKnowList.objects.get_or_create(
        year=year, defaults={"title": f"{year}年度清单"}
    )
    for order, law in enumerate(laws):
        MustKnowEntry.objects.get_or_create(
            must_know_list=listing, law=law, defaults={"sort_order": order}
        )
    return listing


class QuestionDataFactory(factory.Factory):
    """Content of a single-choice question; pass kind/options/keys to change it."""

    class Meta:
        model = QuestionData

    kind = QuestionKind.SINGLE
    stem = factory.Sequence(lambda n: f"第{n}题：以下哪一项正确？")
    options = factory.LazyFunction(lambda: ["甲", "乙", "丙", "丁"])
    keys = factory.LazyFunction(lambda: [1])
    explanation = "因为条文如此规定。"
    difficulty = 3


def make_question(*, status=QuestionStatus.ACTIVE, articles=(), author=None, **fields):
    """A saved question (with its first version) through the bank's service."""
    if fields.get("kind") == QuestionKind.TRUE_FALSE:
        fields.setdefault("options", list(TRUE_FALSE_OPTIONS))
        fields.setdefault("keys", [0])
    data = QuestionDataFactory(
        article_ids=[article.pk for article in articles],
        citations=[str(article) for article in articles],
        **fields,
    )
    return create_question(data, author=author, status=status)


class BlueprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blueprint

    name = factory.Sequence(lambda n: f"测试卷{n}")
    total_points = 100
    pass_mark = 60


def add_rule(blueprint, *, kind, count, points=1, laws=(), must_know=None, **fields):
    rule = BlueprintRule.objects.create(
        blueprint=blueprint,
        sort_order=blueprint.rules.count(),
        kind=kind,
        count=count,
        points=points,
        must_know_list=must_know,
        **fields,
    )
    rule.laws.set(laws)
    rule.save()  # a ParentalManyToManyField is written on save
    return rule
