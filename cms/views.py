from django.shortcuts import get_object_or_404, render

from cms.models import Law, MustKnowList


def law_index(request):
    """The latest must-know list, then every other law pufa holds."""
    must_know = MustKnowList.objects.prefetch_related("entries__law").first()
    listed = [entry.law for entry in must_know.entries.all()] if must_know else []
    others = Law.objects.exclude(pk__in=[law.pk for law in listed])
    return render(
        request,
        "cms/laws/law_index.html",
        {"must_know": must_know, "listed": listed, "others": others},
    )


def law_detail(request, slug):
    law = get_object_or_404(Law, slug=slug)
    articles = law.articles.order_by("number")
    return render(
        request, "cms/laws/law_detail.html", {"law": law, "articles": articles}
    )
