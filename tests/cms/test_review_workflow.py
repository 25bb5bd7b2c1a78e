"""Reviewed publishing in the Wagtail admin: the editor writes and submits, only the
reviewer group approves; scheduled go-live, revisions and preview."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.models import EpisodePage
from tests.cms import factories
from tests.factories import UnitFactory, staff_user

pytestmark = pytest.mark.django_db


def episode_form(**overrides):
    law = factories.civil_code()
    data = {
        "title": "楼上掉下的花盆，谁来赔？",
        "slug": "flower-pot",
        "number": 1,
        "air_date": "2023-01-10",
        "unit": UnitFactory().pk,
        "summary": "高空抛物砸伤路人。",
        "case": rich_text("<p>居民刘某被从高空抛物致人损害的花盆砸伤。</p>"),
        "analysis": streamfield(
            [("paragraph", rich_text("<p>民法典禁止从建筑物中抛掷物品。</p>"))]
        ),
        "citations": inline_formset(
            [
                {"law": law.pk, "article_number": "1254", "chapter_start": "00:10"},
                {"law": law.pk, "article_number": "第一千一百七十九条"},
            ]
        ),
        "comments": inline_formset([]),
        "duration_seconds": "",
        "transcript": "",
        "topics": "高空抛物",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url():
    return reverse(
        "wagtailadmin_pages:add", args=("cms", "episodepage", factories.column().pk)
    )


def test_the_editor_submits_and_the_reviewer_approves(client):
    editor, reviewer = staff_user("editor"), staff_user("reviewer")
    client.force_login(editor)

    response = client.post(add_url(), {**episode_form(), "action-submit": "submit"})

    assert response.status_code == 302, response.content.decode()[:3000]
    page = EpisodePage.objects.get(slug="flower-pot")
    assert not page.live
    assert [
        str(c.article) for c in page.get_latest_revision_as_object().citations.all()
    ] == [
        "民法典第一千二百五十四条",
        "民法典第一千一百七十九条",
    ]
    state = WorkflowState.objects.get(object_id=str(page.pk))
    task_state = state.current_task_state

    # The editor cannot approve their own submission.
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)
    )
    client.post(approve, {})
    page.refresh_from_db()
    assert not page.live

    client.force_login(reviewer)
    response = client.post(approve, {})

    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_the_editor_cannot_publish_directly(client):
    client.force_login(staff_user("editor"))

    client.post(add_url(), {**episode_form(), "action-publish": "publish"})

    page = EpisodePage.objects.get(slug="flower-pot")
    assert not page.live
    assert not page.get_latest_revision().approved_go_live_at


def test_the_editor_group_has_no_publish_permission():
    editor = staff_user("editor")
    reviewer = staff_user("reviewer")
    column = factories.column()

    assert not column.permissions_for_user(editor).can_publish_subpage()
    assert column.permissions_for_user(reviewer).can_publish_subpage()


def test_a_duplicate_number_in_the_admin_form_is_refused_in_chinese(client):
    factories.episode(number=1, title="已有的一期")
    client.force_login(staff_user("editor"))

    response = client.post(add_url(), {**episode_form(), "action-submit": "submit"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "已有的一期" in html and "期号" in html
    assert not EpisodePage.objects.filter(slug="flower-pot").exists()


def test_a_citation_of_a_missing_article_in_the_admin_form(client):
    law = factories.civil_code()
    client.force_login(staff_user("editor"))
    form = episode_form(
        citations=inline_formset([{"law": law.pk, "article_number": "第九十九条"}])
    )

    response = client.post(add_url(), {**form, "action-submit": "submit"})

    assert response.status_code == 200
    assert "《民法典》中没有第99条" in response.content.decode()
    assert not EpisodePage.objects.filter(slug="flower-pot").exists()


def test_an_approved_episode_goes_live_at_its_scheduled_time(client):
    go_live = datetime.datetime(2031, 1, 10, 3, 0, tzinfo=datetime.UTC)
    page = factories.episode(publish=False)
    page.go_live_at = go_live
    page.save_revision().publish()

    page.refresh_from_db()
    assert not page.live
    with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live


def test_revisions_are_kept_and_a_draft_change_is_not_public(client):
    page = factories.episode(title="第一版")
    page.title = "第二版（草稿）"
    page.save_revision()

    html = client.get(Page.objects.get(pk=page.pk).url).content.decode()

    assert page.revisions.count() == 2
    assert "第一版" in html and "第二版" not in html


def test_the_editor_previews_a_change_before_submitting(client):
    page = factories.episode(title="第一版")
    client.force_login(staff_user("editor"))
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    form = episode_form(title="预览中的新标题", slug=page.slug, number=page.number)

    checked = client.post(preview_url, form)
    shown = client.get(preview_url)

    assert checked.json()["is_valid"] is True
    assert shown.status_code == 200
    assert "预览中的新标题" in shown.content.decode()
    assert "预览中的新标题" not in client.get(page.url).content.decode()


def test_copying_an_episode_is_refused_with_a_message(client):
    page = factories.episode(number=3)
    client.force_login(staff_user("reviewer"))

    response = client.post(
        reverse("wagtailadmin_pages:copy", args=(page.pk,)),
        {
            "new_title": "副本",
            "new_slug": "copy",
            "new_parent_page": page.get_parent().pk,
        },
        follow=True,
    )

    assert "不能复制" in response.content.decode()
    assert EpisodePage.objects.count() == 1
