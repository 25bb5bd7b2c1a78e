"""Importing a law text from the admin: a text that does not parse is refused with
the line to fix, and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import Law, LawArticle
from tests.cms.factories import LAW_TEXT
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
URL = "/admin/cms/import-law/"


def upload(text, name="law.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/plain")


def test_an_editor_imports_a_law_text(client):
    client.force_login(staff_user("editor"))

    response = client.post(URL, {"file": upload(LAW_TEXT), "slug": "civil-code"})

    assert response.status_code == 302
    assert response.url == "/laws/civil-code/"
    assert LawArticle.objects.filter(law__slug="civil-code").count() == 3


def test_a_text_that_does_not_parse_names_the_line_and_saves_nothing(client):
    client.force_login(staff_user("editor"))
    bad = "# title: 法\n# short_name: 法\n# kind: law\n第二条 甲。\n第一条 乙。"

    response = client.post(URL, {"file": upload(bad), "slug": "bad"})

    assert response.status_code == 200
    assert "第 5 行" in response.content.decode() or "5" in response.content.decode()
    assert Law.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("第一条 甲。", "law.docx", "纯文本"),
        (None, "law.txt", "UTF-8"),
    ],
)
def test_a_wrong_file_is_refused(client, content, name, message):
    client.force_login(staff_user("editor"))
    data = (
        SimpleUploadedFile(name, "第一条 甲。".encode("gbk"))
        if content is None
        else upload(content, name)
    )

    response = client.post(URL, {"file": data})

    assert message in response.content.decode()
    assert Law.objects.count() == 0


def test_a_proctor_cannot_import_laws(client):
    client.force_login(staff_user("proctor"))

    response = client.post(URL, {"file": upload(LAW_TEXT)})

    assert response.status_code == 302 and response.url == "/admin/"
    assert Law.objects.count() == 0
