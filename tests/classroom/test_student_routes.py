"""Student routes on both databases: joining, what is recorded, the privacy page, limits per student."""

import json

import pytest
import torch
from torch import nn

from app.course.exercises import load_exercises
from app.settings import REPO_ROOT
from tests.classroom.conftest import another_browser
from tests.classroom.helpers import create_class, join, sign_in
from tests.helpers import soup

LESSON = "/lessons/tensor-or-parameter"
CHECK = "parameter_requires_grad_in_no_grad"
CELL = "tensor_or_parameter"
EXERCISE_LESSON, EXERCISE = "/lessons/rebinding-pitfall", "zero_parameters"
SPEC = load_exercises(REPO_ROOT / "lessons" / "exercises")[EXERCISE]


def torch_answer() -> str:
    with torch.no_grad():
        return str(nn.Parameter(torch.zeros(3)).requires_grad)


def answer_check(client, answer: str, htmx: bool = False):
    """Answer the check as its form does (a POST; htmx adds its header)."""
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"{LESSON}/check", data={"check": CHECK, "answer": answer}, headers=headers)


@pytest.fixture()
def code(web):
    teacher = another_browser(web)
    sign_in(teacher)
    return create_class(teacher)[1]


def test_home_page_offers_joining_with_a_code(web, code):
    form = soup(web.get("/")).select_one('form[action="/join"][method="get"]')
    assert form.select_one("input[name=code]")
    page = soup(web.get("/join", params={"code": code}))
    assert page.select_one("form[action='/join'][method=post] input[name=code]")["value"] == code
    assert soup(web.get(f"/join/{code}")).select_one("input[name=code]")["value"] == code


def test_joining_gives_an_opaque_cookie_and_a_recovery_code_once(web, code):
    recovery = join(web, code, "小明")
    device = web.cookies.get("plab_device")
    assert len(device) >= 40 and "小明" not in device
    assert recovery not in web.get("/class/me").text  # shown once, at joining
    other = another_browser(web)
    response = other.post("/join/recover", data={"recovery": recovery.lower()}, follow_redirects=False)
    assert response.status_code == 303 and other.cookies.get("plab_device") != device
    assert "小明" in other.get("/class/me").text


@pytest.mark.parametrize(
    "name, status",
    [("", 422), ("x" * 41, 422), ("a\u0000b", 422), ("evil\u202etxt", 422), ("Ann", 409), ("ANN", 409), ("李华", 201)],
)
def test_display_name_rules(web, code, name, status):
    join(another_browser(web), code, "Ann")
    response = another_browser(web).post("/join", data={"code": code, "name": name})
    assert response.status_code == status
    if status != 201:
        assert soup(response).select_one("#join-error[role=alert]")


@pytest.mark.parametrize("lang, words", [("en", "No class has this code"), ("zh-CN", "没有")])
def test_wrong_code_gets_a_clear_message_in_both_languages(web, lang, words):
    response = web.post("/join", params={"lang": lang}, data={"code": "ABCD-EFGH", "name": "Ann"})
    assert response.status_code == 404 and words in soup(response).select_one("#join-error").text
    malformed = web.post("/join", params={"lang": lang}, data={"code": "I0O1", "name": "Ann"})
    assert malformed.status_code == 404 and soup(malformed).select_one("#join-error")


def test_wrong_codes_are_rate_limited_per_address(web, code):
    limit = web.app.state.settings.join_rate_limit
    guesser = another_browser(web, "10.1.1.1")
    statuses = [guesser.post("/join", data={"code": "ZZZZ-ZZZZ", "name": "x"}).status_code for _ in range(limit)]
    assert set(statuses) == {404}
    refused = guesser.post("/join", data={"code": code, "name": "x"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert another_browser(web, "10.1.1.2").post("/join", data={"code": code, "name": "x"}).status_code == 201


def test_class_member_work_is_recorded_and_shown_on_the_overview(web, code):
    join(web, code, "Ann")
    right = torch_answer()
    wrong = "False" if right == "True" else "True"
    assert answer_check(web, wrong, htmx=True).status_code == 200
    assert answer_check(web, right).status_code == 200  # JS off: whole page
    assert answer_check(web, "maybe").status_code == 422  # not an option: not recorded
    assert web.get(LESSON, params={"check": CHECK, "answer": wrong}).status_code == 200  # a link: shown, not recorded
    web.post(LESSON, data={"cell": CELL, "code": "print(1)"})
    web.post(f"{EXERCISE_LESSON}/exercises/{EXERCISE}", data={"code": SPEC.solution})
    data = web.get("/class/me/data.json").json()
    (answer,) = data["check_answers"]
    assert (answer["first_option"], answer["first_correct"]) == (wrong, False)
    assert (answer["latest_option"], answer["latest_correct"], answer["attempts"]) == (right, True, 2)
    assert [(row["lesson_slug"], row["times"]) for row in data["lessons_opened"]] == [("tensor-or-parameter", 1)]
    assert [(c["cell_id"], c["outcome"], c["count"]) for c in data["cell_runs"]] == [(CELL, "ok", 1)]
    (attempt,) = data["exercise_attempts"]
    assert attempt["outcome"] == "passed" and attempt["code"] == SPEC.solution
    row = soup(web.get("/")).select_one('[data-class-progress="tensor-or-parameter"]')
    assert row.select("td")[1].text.startswith("1 / 1 /")


def test_a_link_from_another_site_cannot_record_an_answer(web, code):
    join(web, code, "Ann")
    assert web.get(LESSON, params={"check": CHECK, "answer": "True"}).status_code == 200  # judged, shown
    cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    refused = web.post(f"{LESSON}/check", data={"check": CHECK, "answer": "True"}, headers=cross_site)
    assert refused.status_code == 403
    assert web.get("/class/me/data.json").json()["check_answers"] == []


def test_learners_outside_a_class_are_not_recorded(web, code):
    assert answer_check(web, "True").status_code == 200
    assert soup(web.get("/")).select_one(".class-progress") is None
    assert web.get("/class/me/data.json").status_code == 404


def test_a_student_sees_only_their_own_data(web, code):
    join(web, code, "Ann")
    answer_check(web, "True")
    bob = another_browser(web)
    join(bob, code, "Bob")
    page = bob.get("/class/me").text
    assert "Bob" in page and "Ann" not in page and soup(bob.get("/class/me")).select("[data-check-record]") == []
    assert bob.get("/class/me/data.json").json()["check_answers"] == []
    assert "Ann" not in json.dumps(bob.get("/class/me/data.json").json(), ensure_ascii=False)
    assert soup(bob.get("/teacher")).select_one("input[name=token]")  # a student gets the sign-in form, no classes


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_privacy_page_download_and_leave(web, code, lang):
    join(web, code, "Ann")
    page = soup(web.get("/class/me", params={"lang": lang}))
    assert page.select_one('a[href="/class/me/data.json"]')
    form = page.select_one('form[action="/class/me/leave"][method=post]')
    assert form.select_one("input[name=confirm][required]")
    download = web.get("/class/me/data.json")
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.json()["student"]["display_name"] == "Ann"
    assert web.post("/class/me/leave", data={}).status_code == 422
    device = web.cookies.get("plab_device")
    left = web.post("/class/me/leave", data={"confirm": "yes"})
    assert left.status_code == 200 and "plab_device" not in web.cookies
    web.cookies.set("plab_device", device)
    assert web.get("/class/me/data.json").status_code == 404
    join(another_browser(web), code, "Ann")  # the name is free again


def test_run_limit_counts_per_student_behind_one_address(web, code):
    limit = web.app.state.settings.run_rate_limit
    ann, bob = another_browser(web, "10.2.2.2"), another_browser(web, "10.2.2.2")
    join(ann, code, "Ann")
    join(bob, code, "Bob")
    statuses = [ann.post(LESSON, data={"cell": CELL, "code": "1"}).status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit and statuses[limit] == 429
    assert bob.post(LESSON, data={"cell": CELL, "code": "1"}).status_code == 200  # Bob has his own budget
