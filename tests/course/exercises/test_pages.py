"""Exercise pages and the attempt route: forms without JS, fragments for the editor, solutions only
after an attempt (and never with PLAB_SHOW_SOLUTIONS=false), Chinese, and 4xx for bad input."""

import pytest
from fastapi.testclient import TestClient

from app.course.exercises import load_exercises
from app.settings import REPO_ROOT
from tests.helpers import soup

SPECS = load_exercises(REPO_ROOT / "lessons" / "exercises")
LESSON = "/lessons/rebinding-pitfall"
URL = LESSON + "/exercises/zero_parameters"
ZERO = SPECS["zero_parameters"]
SOLUTION_LINE = "            p.zero_()"  # only the solution indents it this deep (escaping leaves it alone)
PAGES = {
    "register_scale": "/lessons/live-registration",
    "zero_parameters": LESSON,
    "running_mean_buffer": "/lessons/buffers",
    "freeze_lstm_input": "/lessons/putting-it-together",
    "tie_weights": "/lessons/tied-parameters",
    "materialize_lazy": "/lessons/lazy-modules",
    "symmetric_weight": "/lessons/parametrizations",
    "load_renamed_checkpoint": "/lessons/saving-and-loading",
}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("exercise_id", sorted(PAGES))
def test_each_exercise_is_a_labelled_form_with_hints_and_no_solution(web, exercise_id, lang):
    response = web.get(f"{PAGES[exercise_id]}?lang={lang}")
    assert response.status_code == 200
    page = soup(response)
    block = page.select_one(f"section#exercise-{exercise_id}")
    form = block.select_one("form")
    assert form["method"] == "post" and form["action"].startswith(f"{PAGES[exercise_id]}/exercises/{exercise_id}")
    textarea = form.select_one("textarea[name=code]")
    assert block.select_one(f"label[for={textarea['id']}]") is not None
    assert textarea.text.removeprefix("\n") == SPECS[exercise_id].starter
    hints = block.select(".exercise-hints details.exercise-hint")
    assert len(hints) >= 2 and hints[1].find_parent("details") is hints[0]  # each hint opens the next
    assert block.select_one(".exercise-solution") is None
    assert page.select_one('script[src="/static/vendor/cells.js"]') is not None
    assert exercise_id in page.select_one("article.lesson")["data-exercise-ids"].split()
    title = block.select_one("h2").text
    assert title == ("练习" if lang == "zh-CN" else "Exercise")


def solution_only(exercise_id: str) -> str:
    """Return the solution's lines that the starter lacks, as one block of text."""
    starter = SPECS[exercise_id].starter.splitlines()
    return "\n".join(line for line in SPECS[exercise_id].solution.splitlines() if line not in starter)


@pytest.mark.parametrize("exercise_id", sorted(PAGES))
def test_no_solution_anywhere_before_an_attempt(web, exercise_id):
    assert solution_only(exercise_id).strip()
    for lang in ("en", "zh-CN"):
        page = soup(web.get(f"{PAGES[exercise_id]}?lang={lang}"))
        assert page.select_one(".exercise-solution") is None
        # (the lesson's own labs may show such code; the exercise block must not)
        assert solution_only(exercise_id) not in page.select_one(f"section#exercise-{exercise_id}").get_text()


def test_the_lesson_list_counts_exercises_per_lesson(web):
    items = soup(web.get("/")).select("li[data-lesson-exercises]")
    counted = {item.select_one("a")["href"]: item["data-lesson-exercises"].split() for item in items}
    assert counted[LESSON] == ["zero_parameters"] and counted["/lessons/tensor-or-parameter"] == []


def test_posting_a_wrong_attempt_shows_the_lesson_with_targeted_feedback_and_the_solution(web):
    response = web.post(URL, data={"code": ZERO.starter})
    assert response.status_code == 200
    block = soup(response).select_one("section#exercise-zero_parameters")
    assert block.select_one("textarea").text.removeprefix("\n") == ZERO.starter
    result = block.select_one(".exercise-result")
    assert result["data-exercise-result"] == "failed"
    assert "rebound the loop variable" in result.select_one(".exercise-mistake").text
    rows = {row["data-invariant"]: row for row in result.select("li.invariant")}
    assert "invariant-fail" in rows["all_zero"]["class"] and "Failed:" in rows["all_zero"].text
    assert "invariant-pass" in rows["same_objects"]["class"] and "Passed:" in rows["same_objects"].text
    assert "0.weight" in rows["all_zero"].select_one(".invariant-detail").text  # names torch reported
    assert SOLUTION_LINE in result.select_one(".exercise-solution").text


def test_the_editor_gets_only_the_result_panel(web):
    response = web.post(URL, data={"code": ZERO.solution}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    result = soup(response).select_one("div#exercise-zero_parameters-result")
    assert result["data-exercise-result"] == "passed" and "cell-output" in result["class"]
    assert "every check passed" in result.select_one(".exercise-verdict").text
    assert len(result.select("li.invariant-pass")) == len(ZERO.invariants)


def test_a_code_error_shows_the_learners_traceback_and_names_the_mistake(web):
    code = ZERO.solution.replace("    with torch.no_grad():\n        for p", "    if True:\n        for p")
    result = soup(web.post(URL, data={"code": code}, headers={"HX-Request": "true"})).select_one(".exercise-result")
    assert "raised an error" in result.select_one(".exercise-verdict").text
    assert "torch.no_grad()" in result.select_one(".exercise-mistake").text
    assert 'File "<cell>"' in result.select_one(".cell-traceback").text
    assert result.select_one(".exercise-solution") is not None  # it was an attempt


def test_chinese_feedback(web):
    response = web.post(URL + "?lang=zh-CN", data={"code": ZERO.starter}, headers={"HX-Request": "true"})
    result = soup(response).select_one(".exercise-result")
    assert "重新绑定了循环变量" in result.select_one(".exercise-mistake").text
    assert "项检查中有" in result.select_one(".exercise-verdict").text
    assert "未通过" in result.text and "查看参考答案" in result.text


def test_a_forged_report_is_not_believed(web):
    # The learner's code runs in the checker's process: it can swap the report (but not its shape).
    forged = (
        "import json\n"
        "real_dumps = json.dumps\n"
        "def dumps(value, *args, **kwargs):\n"
        '    if isinstance(value, dict) and "stage" in value:\n'
        '        return \'{"v": 1, "stage": "checked", "invariants": [["made_up", true, ""]], "mistakes": [], "error": null}\'\n'
        "    return real_dumps(value, *args, **kwargs)\n"
        "json.dumps = dumps\n"
    )
    result = soup(web.post(URL, data={"code": forged}, headers={"HX-Request": "true"})).select_one(".exercise-result")
    assert result["data-exercise-result"] == ""
    assert "nothing was counted" in result.select_one(".exercise-verdict").text


def test_hidden_solutions_are_never_shown(hidden_solutions_app):
    with TestClient(hidden_solutions_app) as client:
        for data, headers in (({"code": ZERO.starter}, {}), ({"code": ZERO.solution}, {"HX-Request": "true"})):
            response = client.post(URL, data=data, headers=headers)
            assert response.status_code == 200
            page = soup(response)
            assert page.select_one(".exercise-solution") is None and SOLUTION_LINE not in response.text
            assert "switched off" in page.select_one(".exercise-no-solution").text
        assert SOLUTION_LINE not in client.get(LESSON).text


def test_a_get_of_the_attempt_url_goes_back_to_the_exercise(web):
    response = web.get(URL + "?lang=zh-CN", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == LESSON + "?lang=zh-CN#exercise-zero_parameters"


@pytest.mark.parametrize(
    "url, data, status, text",
    [
        (LESSON + "/exercises/nope", {"code": "1"}, 404, "no exercise called"),
        ("/lessons/buffers/exercises/zero_parameters", {"code": "1"}, 404, "no exercise called"),
        ("/lessons/nope/exercises/zero_parameters", {"code": "1"}, 404, "no lesson"),
        (URL, {"code": "x" * 19_000}, 413, "too long to check"),
        (URL, {"code": "x" * 70_000}, 413, "too long"),
        (URL, {}, 400, "exactly these fields"),
        (URL, {"code": "1", "cell": "zero_parameters"}, 400, "exactly these fields"),
    ],
)
def test_bad_attempts_say_what_is_wrong(web, url, data, status, text):
    response = web.post(url, data=data)
    assert response.status_code == status and text in response.text


def test_a_form_that_is_not_utf8_gets_a_400(web):
    response = web.post(URL, content=b"code=%FF", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
