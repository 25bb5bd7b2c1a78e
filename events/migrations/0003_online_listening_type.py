from django.db import migrations


def add_type(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    EventType.objects.get_or_create(
        key="online_listening",
        defaults={"name": "以案释法网络收听", "sort_order": 15},
    )


def remove_type(apps, schema_editor):
    apps.get_model("events", "EventType").objects.filter(
        key="online_listening"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_types")]

    operations = [migrations.RunPython(add_type, remove_type)]
