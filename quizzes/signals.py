"""When a cited law or article is amended or repealed (or an article's text
changes), the questions citing it are flagged 待复核.

The law models live in cms; they know nothing of questions, so the bank listens.
Bulk ``QuerySet.update()`` sends no signals: change statuses through ``save()``
(the admin and ``cms.services.laws.import_law`` do).
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from cms.models import Law, LawArticle
from cms.models.laws import LawStatus
from quizzes.models import QuestionFlag
from quizzes.services.bank import flag_questions

ARTICLE_REASONS = {
    LawStatus.AMENDED: QuestionFlag.Reason.ARTICLE_AMENDED,
    LawStatus.REPEALED: QuestionFlag.Reason.ARTICLE_REPEALED,
}
LAW_REASONS = {
    LawStatus.AMENDED: QuestionFlag.Reason.LAW_AMENDED,
    LawStatus.REPEALED: QuestionFlag.Reason.LAW_REPEALED,
}


def _remember_before(sender, instance, fields):
    before = None
    if instance.pk:
        before = sender.objects.filter(pk=instance.pk).values(*fields).first()
    instance._pufa_before = before or {}


@receiver(pre_save, sender=LawArticle)
def remember_article(sender, instance, **kwargs):
    _remember_before(sender, instance, ["status", "text"])


@receiver(pre_save, sender=Law)
def remember_law(sender, instance, **kwargs):
    _remember_before(sender, instance, ["status"])


@receiver(post_save, sender=LawArticle)
def flag_for_article(sender, instance, created, **kwargs):
    before = getattr(instance, "_pufa_before", {})
    if created or not before:
        return
    if instance.status != before["status"] and instance.status in ARTICLE_REASONS:
        flag_questions(
            article_ids=[instance.pk], reason=ARTICLE_REASONS[instance.status]
        )
    elif instance.text != before["text"]:
        flag_questions(
            article_ids=[instance.pk], reason=QuestionFlag.Reason.ARTICLE_TEXT_CHANGED
        )


@receiver(post_save, sender=Law)
def flag_for_law(sender, instance, created, **kwargs):
    before = getattr(instance, "_pufa_before", {})
    if created or not before:
        return
    if instance.status != before["status"] and instance.status in LAW_REASONS:
        flag_questions(
            article_ids=instance.articles.values_list("pk", flat=True),
            reason=LAW_REASONS[instance.status],
        )
