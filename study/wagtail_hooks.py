from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from events.wagtail_hooks import PermissionMenuItem
from study import admin_urls


@hooks.register("register_admin_urls")
def register_study_admin_urls():
    return [path("study/", include((admin_urls.urlpatterns, "study_admin")))]


class StudySubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("study.view_study_report")


@hooks.register("register_admin_menu_item")
def register_study_menu():
    items = [
        PermissionMenuItem(
            _("Report"),
            reverse("study_admin:report"),
            icon_name="doc-full",
            order=100,
            permission="study.view_study_report",
        ),
        PermissionMenuItem(
            _("Points rules"),
            reverse("study_admin:rules"),
            icon_name="list-ol",
            order=200,
            permission="study.view_pointsruleset",
        ),
    ]
    return StudySubmenu(
        _("Study records"),
        Menu(items=items),
        icon_name="user",
        name="study-records",
        order=450,
    )
