"""The office's list of event types. Editable afterwards; the keys are what other apps
and the import files use, so they stay."""

from django.db import migrations

EVENT_TYPES = [
    ("grassroots_talk", "走基层宣讲"),
    ("case_episode", "以案释法节目"),
    ("lecture", "法治讲堂"),
    ("pre_meeting_study", "会前学法"),
    ("thematic_lecture", "专题讲座"),
    ("consultation", "法律咨询"),
    ("legal_checkup", "法治体检"),
    ("foreign_related", "涉外普法"),
    ("contest", "知识竞赛"),
    ("exam", "任前考试"),
    ("other", "其他"),
]


def create_types(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    for order, (key, name) in enumerate(EVENT_TYPES):
        EventType.objects.get_or_create(
            key=key, defaults={"name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
