"""Predict-then-run checks over HTTP: verdicts come from torch, feedback names the misconception."""

import pytest
import torch
from torch import nn

from tests.helpers import soup

LESSON = "/lessons/tensor-or-parameter"
CHECK = "parameter_requires_grad_in_no_grad"


def torch_answer() -> str:
    with torch.no_grad():
        return str(nn.Parameter(torch.zeros(3)).requires_grad)


def ask(client, answer, htmx=True, check=CHECK, **params):
    """Answer as the check form does: a POST (htmx adds its header)."""
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"{LESSON}/check", params=params, data={"check": check, "answer": answer}, headers=headers)


def test_right_prediction(client):
    response = ask(client, torch_answer())
    block = soup(response).select_one(f"#check-{CHECK}")
    assert response.status_code == 200 and "<html" not in response.text
    assert block["data-check-result"] == "correct"
    assert block.select_one(".verdict-correct")


def test_wrong_prediction_names_the_misconception(client):
    wrong = "False" if torch_answer() == "True" else "True"
    block = soup(ask(client, wrong)).select_one(f"#check-{CHECK}")
    assert block["data-check-result"] == "wrong"
    assert "recording operations" in block.select_one(".misconception").get_text()
    assert "nn.Parameter" in block.select_one("details pre").get_text()  # the probe torch ran


def test_feedback_in_chinese(client):
    wrong = "False" if torch_answer() == "True" else "True"
    block = soup(ask(client, wrong, lang="zh-CN")).select_one(f"#check-{CHECK}")
    assert "记录运算" in block.select_one(".misconception").get_text()


def test_without_javascript_the_whole_page_comes_back_with_the_verdict(client):
    page = soup(ask(client, torch_answer(), htmx=False))
    assert page.select_one("h1") and page.select_one(f"#check-{CHECK} .verdict-correct")
    assert page.select_one(f"#check-{CHECK} input[checked]")["value"] == torch_answer()


@pytest.mark.parametrize("answer, text", [("", "Choose an answer"), ("maybe", "not an option")])
def test_bad_answers_are_422_in_place(client, answer, text):
    for htmx in (True, False):
        response = ask(client, answer, htmx=htmx)
        assert response.status_code == 422
        assert text in soup(response).select_one(f"#check-{CHECK} .input-errors").get_text()


def test_unknown_check_is_404(client):
    assert ask(client, "True", check="nope").status_code == 404


def test_the_check_form_posts_its_answer(client):
    form = soup(client.get(LESSON)).select_one(f"#check-{CHECK} form")
    assert form["method"] == "post" and form["action"].startswith(f"{LESSON}/check")
    assert form["hx-post"] == f"{LESSON}/check"


def test_a_link_with_an_answer_shows_the_verdict(client):
    response = client.get(LESSON, params={"check": CHECK, "answer": torch_answer()}, headers={"HX-Request": "true"})
    assert soup(response).select_one(f"#check-{CHECK}")["data-check-result"] == "correct"


def test_the_answered_page_asked_for_again_goes_back_to_the_lesson(client):
    response = client.get(f"{LESSON}/check", params={"lang": "zh-CN"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{LESSON}?lang=zh-CN"
    assert client.get("/lessons/nope/check", follow_redirects=False).status_code == 404
