"""Code cells in lesson pages: a real form, runs without JavaScript, fragments for the editor script."""

import pytest

from app.course.lessons import load_cells
from app.settings import REPO_ROOT
from tests.helpers import soup

LESSON = "/lessons/tensor-or-parameter"
CELL = "tensor_or_parameter"
STARTER = load_cells(REPO_ROOT / "lessons" / "cells")[CELL]


def test_the_cell_is_a_labelled_form_that_posts_to_the_lesson(api):
    page = soup(api.get(LESSON))
    cell = page.select_one(f"section#cell-{CELL}")
    form = cell.select_one("form")
    assert form["method"] == "post" and form["action"].startswith(LESSON)
    textarea = form.select_one("textarea[name=code]")
    assert form.select_one(f"label[for={textarea['id']}]") is not None
    assert textarea.text.removeprefix("\n") == STARTER and cell.select_one("template.cell-starter").text == STARTER
    assert len(cell["data-starter-hash"]) == 16
    assert page.select_one('script[src="/static/vendor/cells.js"]') is not None


def test_posting_the_form_shows_the_lesson_with_the_output_in_place(api):
    code = STARTER.replace("torch.ones(3)", "torch.ones(4)")
    response = api.post(LESSON, data={"cell": CELL, "code": code})
    assert response.status_code == 200
    page = soup(response)
    cell = page.select_one(f"section#cell-{CELL}")
    assert cell.select_one("textarea").text.removeprefix("\n") == code  # the learner's code, not the starter
    assert "cell-status-ok" in cell.select_one(".cell-status")["class"]
    assert cell.select_one(".cell-stdout").text == "True\n['weight']\n"
    assert cell.select_one(".cell-value").text == "True"
    rows = cell.select(".registration-table tbody tr")
    assert [row.select("td")[3].select_one(".filed")["class"][1] for row in rows] == [
        "filed-parameter",
        "filed-attribute",
        "filed-buffer",
    ]
    assert "[4]" in rows[0].select("td")[2].text
    assert page.select_one(".lab") is not None  # the rest of the lesson is still there


def test_the_editor_gets_only_the_output_block(api):
    response = api.post(LESSON, data={"cell": CELL, "code": "1 / 0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    block = soup(response).select_one(f"div#cell-{CELL}-output")
    assert "ZeroDivisionError" in block.select_one(".cell-message").text
    assert 'File "<cell>", line 1' in block.select_one(".cell-traceback").text
    assert "<html" not in response.text


def test_zh_cn_cells_speak_chinese(api):
    response = api.post(
        LESSON + "?lang=zh-CN", data={"cell": CELL, "code": "while True:\n    pass"}, headers={"HX-Request": "true"}
    )
    assert "运行 1.5 秒后被停止" in soup(response).select_one(".cell-message").text


@pytest.mark.parametrize(
    "data, status, text",
    [
        ({"cell": "nope", "code": "1"}, 404, "no code cell called"),
        ({"cell": CELL, "code": "x" * 6_000}, 413, "at most 5000 bytes"),
    ],
)
def test_bad_cell_posts_say_what_is_wrong(api, data, status, text):
    response = api.post(LESSON, data=data)
    assert response.status_code == status and text in response.text


def test_a_form_that_is_not_utf8_gets_a_400(api):
    response = api.post(
        LESSON,
        content=b"cell=tensor_or_parameter&code=%FF",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
