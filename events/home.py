"""The ledger's headline figures on the public home page (cms.home_slots)."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from events.services import ReachFilter, totals
from events.services.tally import default_year

HOME_CACHE_SECONDS = 300


def home_figures(request):
    """[(label, value), …]: events, person-times and persons of the latest year."""
    year = default_year()
    key = f"events:home:{year}"
    figures = cache.get(key)
    if figures is None:
        figures = totals(ReachFilter(year=year))
        cache.set(key, figures, HOME_CACHE_SECONDS)
    if not figures.events:
        return []  # nothing recorded yet: no row of zeros on the home page
    return [
        (_("events in %(year)d") % {"year": year}, f"{figures.events:,}"),
        (_("person-times"), f"{figures.person_times:,}"),
        (_("distinct persons known"), f"{figures.persons:,}"),
    ]
