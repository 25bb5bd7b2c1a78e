"""The ledger's event type for online study, and the first version of the points
rules (docs/study.md), valid from the start of the 8th five-year plan."""

import datetime
from decimal import Decimal

from django.db import migrations

FIRST_RULES = {
    "valid_from": datetime.date(2021, 1, 1),
    "episode_points_per_minute": Decimal("0.5"),
    "episode_daily_cap": Decimal("10"),
    "lecture_points": Decimal("5"),
    "meeting_study_points": Decimal("5"),
    "thematic_lecture_points": Decimal("5"),
    "practice_points": Decimal("2"),
    "practice_daily_limit": 3,
    "note": "初始规则（八五普法）",
}


def forwards(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    EventType.objects.get_or_create(
        key="online_study", defaults={"name": "网上学法", "sort_order": 16}
    )
    PointsRuleSet = apps.get_model("study", "PointsRuleSet")
    if not PointsRuleSet.objects.exists():
        PointsRuleSet.objects.create(version=1, **FIRST_RULES)


def backwards(apps, schema_editor):
    apps.get_model("events", "EventType").objects.filter(key="online_study").delete()
    apps.get_model("study", "PointsRuleSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0001_initial"),
        ("events", "0003_online_listening_type"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
