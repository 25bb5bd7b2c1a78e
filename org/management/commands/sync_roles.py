from django.core.management.base import BaseCommand

from org.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create the role groups and give each exactly its permissions (idempotent)."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(f"Roles synchronised: {', '.join(ROLES)}.")
