"""Roles are groups with exactly their permissions, whatever was changed by hand."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission

from org import roles
from org.models import Role


@pytest.mark.django_db
def test_every_role_has_a_group_named_in_chinese():
    names = dict(Role.objects.values_list("key", "group__name"))

    assert names == {
        roles.EDITOR: "编辑",
        roles.REVIEWER: "审核",
        roles.PROCTOR: "考务",
        roles.ORGANISER: "组织者",
        roles.ADMINISTRATOR: "管理员",
    }


@pytest.mark.django_db
def test_sync_removes_a_permission_added_by_hand_and_restores_a_removed_one():
    editors = roles.role_group(roles.EDITOR)
    editors.permissions.add(Permission.objects.get(codename="delete_person"))
    GroupPagePermission.objects.filter(
        group=editors, permission__codename="add_page"
    ).delete()

    roles.sync_roles()

    assert not editors.permissions.filter(codename="delete_person").exists()
    page_codenames = set(
        GroupPagePermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert page_codenames == {"add_page", "change_page"}


@pytest.mark.django_db
def test_the_editor_cannot_publish_but_the_reviewer_can():
    def page_codenames(role):
        return set(
            GroupPagePermission.objects.filter(
                group=roles.role_group(role)
            ).values_list("permission__codename", flat=True)
        )

    assert "publish_page" not in page_codenames(roles.EDITOR)
    assert "publish_page" in page_codenames(roles.REVIEWER)


@pytest.mark.django_db
def test_a_renamed_group_keeps_its_role():
    group = roles.role_group(roles.PROCTOR)
    group.name = "考务人员"
    group.save()

    roles.sync_roles()

    assert roles.role_group(roles.PROCTOR).name == "考务人员"
    assert Role.objects.count() == len(roles.ROLES)
