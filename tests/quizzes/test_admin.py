"""The bank in the admin: the two-step import, a second click, who may do what,
the question listing's filters, the candidate preview, blueprint feasibility on
save, and exports of a selection."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from org import roles
from quizzes.models import (
    Blueprint,
    Question,
    QuestionImport,
    QuestionKind,
    QuestionStatus,
)
from tests.factories import staff_user
from tests.quizzes.factories import make_question

UPLOAD = "/admin/quizzes/import/"
GOOD_CSV = (
    "题型,题干,选项A,选项B,选项C,答案,解析,法律依据,难度,标签\n"
    "单选,民法调整什么关系？,人身关系和财产关系,行政关系,刑事关系,A,第二条,"
    "民法典第二条,1,总则\n"
    "判断,侵权应当承担责任。,,,,√,,民法典第一千一百六十五条,2,侵权\n"
    "多选,哪些是民事责任方式？,停止侵害,赔偿损失,罚款,AB,,,3,\n"
)


def refused(response):
    """Wagtail answers a refused admin request with 403 or a redirect home."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def question_form(question, **changes):
    options = list(question.options.all())
    data = {
        "kind": question.kind,
        "difficulty": str(question.difficulty),
        "stem": question.stem,
        "explanation": question.explanation,
        "shuffle_options": "on",
        "status": question.status,
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(len(options)),
        "options-MIN_NUM_FORMS": "2",
        "options-MAX_NUM_FORMS": "8",
    }
    for i, option in enumerate(options):
        data.update(
            {
                f"options-{i}-id": str(option.pk),
                f"options-{i}-text": option.text,
                f"options-{i}-ORDER": str(i + 1),
                f"options-{i}-DELETE": "",
            }
        )
        if option.is_correct:
            data[f"options-{i}-is_correct"] = "on"
    data.update(changes)
    return data


def upload(client, content, name="bank.csv", **fields):
    data = {"encoding": "auto", "target_status": "draft", "file_format": ""}
    data.update(fields)
    data["file"] = io.BytesIO(content)
    data["file"].name = name
    return client.post(UPLOAD, data)


@pytest.fixture
def proctor(client, db):
    user = staff_user(roles.PROCTOR)
    client.force_login(user)
    return user


def test_upload_preview_confirm_adds_the_questions_once(client, proctor, civil_code):
    response = upload(client, GOOD_CSV.encode("utf-8"), target_status="active")
    assert response.status_code == 302
    batch = QuestionImport.objects.get()

    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "单选 1" in page and "多选 1" in page and "判断 1" in page
    assert Question.objects.count() == 0  # nothing before the confirmation

    confirmed = client.post(response["Location"], {"confirm": "1"})
    assert confirmed.status_code == 302
    assert Question.objects.filter(status=QuestionStatus.ACTIVE).count() == 3
    assert Question.objects.get(kind=QuestionKind.SINGLE).author == proctor

    again = client.post(response["Location"], {"confirm": "1"}, follow=True)
    assert "已经导入" in again.content.decode()
    assert Question.objects.count() == 3
    batch.refresh_from_db()
    assert batch.imported_count == 3


def test_the_preview_lists_each_bad_row_and_offers_no_confirm(
    client, proctor, civil_code
):
    bad = GOOD_CSV.replace("民法典第二条", "民法典第九百条").replace(",AB,", ",AZ,")

    response = upload(client, bad.encode("gbk"))
    page = client.get(response["Location"]).content.decode()

    assert "第2行" in page and "法律依据" in page
    assert "第4行" in page and "答案" in page
    assert 'name="confirm"' not in page
    client.post(response["Location"], {"confirm": "1"})
    assert Question.objects.count() == 0


def test_likely_duplicates_are_shown_and_left_out(client, proctor, civil_code):
    make_question(stem="民法调整什么关系?")  # same stem, other punctuation

    response = upload(client, GOOD_CSV.encode("utf-8"))
    page = client.get(response["Location"]).content.decode()
    assert "疑似重复" in page
    client.post(response["Location"], {"confirm": "1", "skip_duplicates": "on"})

    assert Question.objects.count() == 1 + 2


def test_a_20_mb_upload_is_refused_with_a_message(client, proctor):
    response = upload(client, b"\0" * (20 * 1024 * 1024), name="big.xlsx")

    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert QuestionImport.objects.count() == 0


def test_the_template_downloads_with_the_chinese_headers(client, proctor):
    response = client.get(reverse("quizzes_admin:import_template"))

    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["题目"]
    headers = next(sheet.iter_rows(values_only=True))
    assert headers[:3] == ("题型", "题干", "选项A")
    assert "选项H" in headers and "法律依据" in headers and "标签" in headers


@pytest.mark.parametrize("role", [roles.EDITOR, roles.ORGANISER])
def test_who_may_not_import_is_refused(client, db, role):
    client.force_login(staff_user(role))

    assert refused(client.get(UPLOAD))
    assert refused(upload(client, GOOD_CSV.encode()))
    assert QuestionImport.objects.count() == 0


def test_another_users_upload_cannot_be_confirmed(client, proctor, civil_code):
    response = upload(client, GOOD_CSV.encode())
    other = staff_user(roles.PROCTOR, username="proctor-2")
    client.force_login(other)

    assert refused(client.post(response["Location"], {"confirm": "1"}))
    assert Question.objects.count() == 0


QUESTIONS = "/admin/snippets/quizzes/question/"


def test_the_listing_filters_by_law_and_tag_and_searches(client, proctor, civil_code):
    article = civil_code.articles.first()
    make_question(stem="引用民法典的题", articles=[article], topics=["侵权"])
    make_question(stem="不引用法律的题")

    by_law = client.get(QUESTIONS, {"law": civil_code.pk}).content.decode()
    assert "引用民法典的题" in by_law and "不引用法律的题" not in by_law
    topic = Question.objects.get(stem="引用民法典的题").topics.get()
    by_tag = client.get(QUESTIONS, {"topics": topic.pk}).content.decode()
    assert "不引用法律的题" not in by_tag
    found = client.get(QUESTIONS, {"q": "不引用"}).content.decode()
    assert "不引用法律的题" in found and "引用民法典的题" not in found


def test_the_preview_shows_the_question_as_a_candidate_without_the_key(client, proctor):
    question = make_question(
        stem="预览的题", options=["对的选项", "错的选项"], keys=[0]
    )
    url = reverse(
        "wagtailsnippets_quizzes_question:preview_on_edit", args=[question.pk]
    )
    edit = client.get(
        reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    )
    assert edit.status_code == 200

    posted = client.post(url, question_form(question))
    assert posted.json()["is_valid"]
    candidate = client.get(url).content.decode()
    keyed = client.get(url, {"mode": "key"}).content.decode()

    assert "预览的题" in candidate and "对的选项" in candidate
    assert "exam-option--correct" not in candidate and "正确答案" not in candidate
    assert "exam-option--correct" in keyed


def test_an_editor_writes_drafts_and_cannot_change_an_active_question(client, db):
    editor = staff_user(roles.EDITOR)
    client.force_login(editor)
    active = make_question(stem="已启用的题")

    url = reverse("wagtailsnippets_quizzes_question:edit", args=[active.pk])
    assert refused(client.get(url))
    assert refused(client.post(url, question_form(active, stem="改掉")))
    active.refresh_from_db()
    assert active.stem == "已启用的题"
    draft = make_question(stem="草稿题", status=QuestionStatus.DRAFT)
    form = client.get(reverse("wagtailsnippets_quizzes_question:edit", args=[draft.pk]))
    assert form.status_code == 200
    assert form.context["form"].fields["status"].disabled
    edit_url = reverse("wagtailsnippets_quizzes_question:edit", args=[draft.pk])
    client.post(edit_url, question_form(draft, status="active", stem="改过的草稿"))
    draft.refresh_from_db()
    assert draft.stem == "改过的草稿" and draft.status == QuestionStatus.DRAFT


def test_an_edit_that_breaks_the_rules_is_refused_with_the_reason(client, proctor):
    question = make_question(stem="原来的题")
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])

    data = question_form(question, kind="multiple")  # still a single key
    response = client.post(url, data)

    assert response.status_code == 200
    assert "至少要有两个正确选项" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == QuestionKind.SINGLE


def test_an_editor_cannot_delete_a_drawn_question_nor_anyone_else(client, db):
    from quizzes.services.papers import draw_paper
    from tests.quizzes.factories import BlueprintFactory, add_rule

    question = make_question(stem="被抽过的题")
    blueprint = BlueprintFactory(total_points=1, pass_mark=1)
    add_rule(blueprint, kind=QuestionKind.SINGLE, count=1)
    draw_paper(blueprint=blueprint)
    client.force_login(staff_user(roles.ADMINISTRATOR))

    url = reverse("wagtailsnippets_quizzes_question:delete", args=[question.pk])
    assert refused(client.post(url))
    assert Question.objects.filter(pk=question.pk).exists()


BLUEPRINT_ADD = "/admin/snippets/quizzes/blueprint/add/"


def blueprint_form(**rule):
    data = {
        "name": "新卷",
        "description": "",
        "total_points": "20",
        "pass_mark": "12",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "1",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-kind": "single",
        "rules-0-count": "10",
        "rules-0-points": "2",
        "rules-0-min_difficulty": "1",
        "rules-0-max_difficulty": "5",
        "rules-0-ORDER": "1",
        "rules-0-id": "",
        "rules-0-DELETE": "",
    }
    data.update({f"rules-0-{k}": v for k, v in rule.items()})
    return data


def test_saving_a_blueprint_the_bank_cannot_fill_names_the_rule(client, proctor):
    for n in range(4):
        make_question(stem=f"单选{n}")

    response = client.post(BLUEPRINT_ADD, blueprint_form())

    assert response.status_code == 200
    page = response.content.decode()
    assert "规则1" in page and "只有 4 道" in page
    assert not Blueprint.objects.exists()


def test_saving_a_blueprint_the_bank_can_fill(client, proctor):
    for n in range(10):
        make_question(stem=f"单选{n}")

    response = client.post(BLUEPRINT_ADD, blueprint_form())

    assert response.status_code == 302
    assert Blueprint.objects.get().rules.get().count == 10


def test_exporting_a_selection(client, proctor):
    chosen = [make_question(stem=f"导出{n}") for n in range(2)]
    make_question(stem="不导出")
    ids = "&".join(f"id={q.pk}" for q in chosen)
    url = f"/admin/bulk/quizzes/question/export_moodle/?{ids}"

    assert client.get(url).status_code == 200
    response = client.post(url)

    body = response.content.decode()
    assert response["Content-Type"] == "application/xml"
    assert "导出0" in body and "导出1" in body and "不导出" not in body
