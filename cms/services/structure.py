"""The site's fixed sections under the home page: the column “997说法时间”, the
lecture calendar and its three series. Created after migrate when missing, so every
installation (not only the demo) has them; editors then add episodes and lectures."""

from django.db import transaction

COLUMN = {"title": "997说法时间", "slug": "997"}
LECTURES = {"title": "法治讲堂", "slug": "lectures"}
SERIES = [
    ("nine_days", "法治讲堂·逢九必讲", "fengjiu"),
    ("before_meetings", "政府常务会会前学法", "huiqian"),
    ("thematic", "法治专题讲座", "zhuanti"),
]


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def ensure_sections():
    """Create the column, the lecture calendar and the series that are missing.
    Idempotent; returns the pages created."""
    from cms.models import (
        ColumnIndexPage,
        HomePage,
        LectureIndexPage,
        LectureSeriesPage,
    )

    home = HomePage.objects.first()
    if home is None:
        return []
    created = []
    if not ColumnIndexPage.objects.exists():
        created.append(
            _publish(
                home,
                ColumnIndexPage(
                    title=COLUMN["title"],
                    slug=COLUMN["slug"],
                    intro="<p>以案释法广播专栏：每期一个真实案例，讲清它背后的法律。</p>",
                ),
            )
        )
    lectures = LectureIndexPage.objects.first()
    if lectures is None:
        lectures = _publish(
            home, LectureIndexPage(title=LECTURES["title"], slug=LECTURES["slug"])
        )
        created.append(lectures)
    for kind, title, slug in SERIES:
        if not LectureSeriesPage.objects.filter(kind=kind).exists():
            created.append(
                _publish(lectures, LectureSeriesPage(title=title, slug=slug, kind=kind))
            )
    return created


def ensure_sections_after_migrate(sender, **kwargs):
    from django.apps import apps

    configs = [c for c in apps.get_app_configs() if c.models_module is not None]
    if configs and sender.label == configs[-1].label:
        ensure_sections()
