from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo data of every app (idempotent: a second run changes nothing). "
        "Each app contributes a demo.py with load(command)."
    )

    def handle(self, *args, **options):
        reports = []
        # In INSTALLED_APPS order, so org's places and people exist before the jobs
        # that refer to them.
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if app_config.name in settings.PROJECT_APPS and find_spec(module_name):
                with transaction.atomic():
                    report = import_module(module_name).load(command=self)
                if report:
                    reports.append(report)
        for report in reports:
            self.stdout.write(report)
