"""The roles pufa's staff hold, as Wagtail groups with exactly these permissions.

Each job app adds what its role-holders need with ``grant()`` in its AppConfig.ready;
``sync_roles()`` (run after every migrate, and by ``manage.py sync_roles``) makes the
groups match. Candidates and the public hold no role and have no admin access.
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

EDITOR = "editor"
REVIEWER = "reviewer"
PROCTOR = "proctor"
ORGANISER = "organiser"
ADMINISTRATOR = "administrator"

PAGE_EDIT = ("add_page", "change_page")
PAGE_PUBLISH = ("publish_page", "lock_page", "unlock_page")
PAGE_ALL = (*PAGE_EDIT, *PAGE_PUBLISH, "bulk_delete_page")
MEDIA_EDIT = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
MEDIA_ALL = (*MEDIA_EDIT, "wagtailimages.delete_image", "wagtaildocs.delete_document")


@dataclass
class RoleSpec:
    key: str
    label: object
    permissions: set = field(default_factory=set)  # "app_label.codename"
    page_permissions: set = field(default_factory=set)  # codenames on the root page
    collection_permissions: set = field(default_factory=set)  # on the root collection


ROLES = {
    EDITOR: RoleSpec(EDITOR, _("Editor")),
    REVIEWER: RoleSpec(REVIEWER, _("Reviewer")),
    PROCTOR: RoleSpec(PROCTOR, _("Proctor")),
    ORGANISER: RoleSpec(ORGANISER, _("Organiser")),
    ADMINISTRATOR: RoleSpec(ADMINISTRATOR, _("Administrator")),
}


def grant(role_key, *permissions, pages=(), collections=()):
    """Give a role model permissions, page permissions and collection permissions."""
    spec = ROLES[role_key]
    spec.permissions.update(permissions)
    spec.page_permissions.update(pages)
    spec.collection_permissions.update(collections)


def _model_permissions(app_label, model, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for action in actions]


for _role in ROLES:
    grant(_role, "wagtailadmin.access_admin", "org.view_place", "org.view_unit")
grant(EDITOR, pages=PAGE_EDIT, collections=MEDIA_EDIT)
grant(REVIEWER, pages=PAGE_EDIT + PAGE_PUBLISH, collections=MEDIA_EDIT)
grant(PROCTOR, "org.view_person")
grant(ORGANISER, "org.view_person", "org.add_person", "org.change_person")
grant(
    ADMINISTRATOR,
    *_model_permissions("org", "place"),
    *_model_permissions("org", "unit"),
    *_model_permissions("org", "person"),
    *_model_permissions("org", "staffscope"),
    *_model_permissions("auth", "user"),
    *_model_permissions("auth", "group"),
    *_model_permissions("wagtailcore", "site"),
    *_model_permissions("wagtailcore", "collection"),
    *_model_permissions("wagtailcore", "workflow"),
    *_model_permissions("wagtailcore", "task"),
    *_model_permissions("wagtailredirects", "redirect"),
    pages=PAGE_ALL,
    collections=MEDIA_ALL,
)


def _permission(codename_with_app):
    Permission = global_apps.get_model("auth", "Permission")
    app_label, codename = codename_with_app.split(".", 1)
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist:
        raise LookupError(
            f"Unknown permission {codename_with_app!r} in a role"
        ) from None


def role_group(role_key):
    """The Wagtail group that holds a role (created by sync_roles)."""
    Role = global_apps.get_model("org", "Role")
    return Role.objects.select_related("group").get(key=role_key).group


@transaction.atomic
def sync_roles():
    """Create the role groups and give each exactly its permissions. Idempotent."""
    from django.contrib.auth.models import Group
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
    )

    from org.models import Role

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for spec in ROLES.values():
        role = Role.objects.select_related("group").filter(key=spec.key).first()
        if role is None:
            # Group names are what the office sees in the admin: the default language.
            with translation.override("zh-hans"):
                group, _created = Group.objects.get_or_create(name=str(spec.label))
            role = Role.objects.create(key=spec.key, group=group)
        group = role.group
        group.permissions.set([_permission(name) for name in sorted(spec.permissions)])

        if root_page is not None:
            wanted = {
                _permission(f"wagtailcore.{name}") for name in spec.page_permissions
            }
            existing = GroupPagePermission.objects.filter(group=group, page=root_page)
            existing.exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
        if root_collection is not None:
            wanted = {_permission(name) for name in spec.collection_permissions}
            existing = GroupCollectionPermission.objects.filter(
                group=group, collection=root_collection
            )
            existing.exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def sync_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app; permissions exist for all apps only when the
    # last one is sent, so act then.
    configs = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if configs and sender.label == configs[-1].label:
        sync_roles()


def user_roles(user):
    """The role keys a user holds (a superuser holds the administrator role)."""
    if not user.is_authenticated:
        return set()
    keys = set(
        global_apps.get_model("org", "Role")
        .objects.filter(group__user=user)
        .values_list("key", flat=True)
    )
    if user.is_superuser:
        keys.add(ADMINISTRATOR)
    return keys
