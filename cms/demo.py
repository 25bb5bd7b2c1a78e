"""Demo content: the must-know laws (real articles; the two prefecture regulations
as marked demo texts) and the 2023 must-know list."""

from pathlib import Path

from cms.models import Law, MustKnowEntry, MustKnowList
from cms.services.laws import import_law

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


def load(command):
    load_laws()
    must_know = load_must_know_list()
    return f"{must_know}: {must_know.entries.count()} laws, " + ", ".join(
        f"{law.short_name} {law.articles.count()}" for law in must_know.laws()
    )
