"""The beliefs page, the names behind a bar and the exports, on both databases; who may reach them."""

import csv
import io
import json

import pytest

from tests.classroom.conftest import another_browser
from tests.classroom.helpers import create_class, join, sign_in
from tests.helpers import soup

LESSON = "/lessons/rebinding-pitfall"
REBIND = "rebind_in_loop_changes_model"  # torch's probe says: unchanged
IN_PLACE = "in_place_without_no_grad"
ROUTES = ["/checks", "/checks?lesson=rebinding-pitfall", f"/checks/{REBIND}?option=changed", "/export.csv"]
ROUTES += ["/export.json"]


def answer(client, check, option):
    """Answer a check as its form does (a POST, which is what records it)."""
    assert client.post(f"{LESSON}/check", data={"check": check, "answer": option}).status_code == 200


@pytest.fixture()
def a_class(web):
    """A class where Ann thought the model changed, then saw it did not; Bob knew; 小红 still thinks it changed."""
    teacher = another_browser(web)
    sign_in(teacher)
    path, code = create_class(teacher, "物理 1")
    students = {}
    for name in ("Ann", "Bob", "小红", "=HYPERLINK(1)"):
        students[name] = another_browser(web)
        join(students[name], code, name)
    answer(students["Ann"], REBIND, "changed")
    answer(students["Ann"], REBIND, "unchanged")
    answer(students["Bob"], REBIND, "unchanged")
    answer(students["小红"], REBIND, "changed")
    answer(students["Ann"], IN_PLACE, "nothing")
    answer(students["Bob"], IN_PLACE, "changes")
    return teacher, path, students


def test_the_beliefs_page_names_each_misconception_most_missed_first(a_class):
    teacher, path, _students = a_class
    page = soup(teacher.get(path + "/checks"))
    order = [section["data-belief"] for section in page.select("[data-belief]")]
    assert order == [IN_PLACE, REBIND]  # nobody right first on the in-place check; one of three on rebinding
    rebind = page.select_one(f"[data-belief={REBIND}]")
    assert "3 answered; 33% right on their first attempt (1)" in rebind.text
    wrong = rebind.select_one("tr[data-option=changed]")
    assert "33% think" in wrong.text and "They are all zeros now" in wrong.text
    assert "Parameter objects the model holds were never touched" in wrong.select_one(".misconception").text
    assert "67% chose the right answer" in rebind.select_one("tr[data-option=unchanged]").text
    cells = [td.text for td in wrong.select("td")[1:3]]
    assert cells == ["1", "2"]  # latest answers, first answers
    bars = rebind.select("svg.share-bars a")
    assert [a["href"].rsplit("=", 1)[1] for a in bars] == ["changed", "unchanged"]
    assert "Who chose" in bars[0]["aria-label"] and rebind.select_one("svg title")
    unanswered = [item["data-unanswered"] for item in page.select("[data-unanswered]")]
    assert REBIND not in unanswered and "parameter_requires_grad_in_no_grad" in unanswered


def test_a_lesson_filter_and_the_chinese_page(a_class):
    teacher, path, _students = a_class
    page = soup(teacher.get(path + "/checks", params={"lesson": "tensor-or-parameter"}))
    assert not page.select("[data-belief]") and page.select_one("select[name=lesson] option[selected]")
    assert teacher.get(path + "/checks", params={"lesson": "nope"}).status_code == 400
    chinese = soup(teacher.get(path + "/checks", params={"lang": "zh-CN"}))
    assert chinese.h1.text == "全班怎么想"
    wrong = chinese.select_one(f"[data-belief={REBIND}] tr[data-option=changed]")
    assert "33% 认为" in wrong.text and "原封不动" in wrong.text


def test_from_a_bar_the_names_of_those_who_chose_it(a_class):
    teacher, path, _students = a_class
    page = soup(teacher.get(f"{path}/checks/{REBIND}", params={"option": "changed"}))
    assert [li.text for li in page.select("[data-chooser]")] == ["小红"]  # Ann's latest answer is right
    assert "Parameter objects the model holds" in page.select_one(".misconception").text
    every = soup(teacher.get(f"{path}/checks/{REBIND}"))
    right = every.select_one("[data-option=unchanged]")
    assert [li.text for li in right.select("[data-chooser]")] == ["Ann", "Bob"]
    refused = teacher.get(f"{path}/checks/{REBIND}", params={"option": "maybe"})
    assert refused.status_code == 400 and "changed, unchanged" in refused.text
    assert teacher.get(f"{path}/checks/no_such_check").status_code == 404
    assert teacher.get("/teacher/classes/nope/checks").status_code == 404


def test_the_csv_gradebook_opens_in_excel_and_carries_no_formula(a_class):
    teacher, path, _students = a_class
    response = teacher.get(path + "/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"] and response.content[:3] == b"\xef\xbb\xbf"
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, rows = table[0], {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert header[0] == "Name" and set(rows) == {"Ann", "Bob", "小红", "'=HYPERLINK(1)"}
    assert rows["Ann"][f"{REBIND}: right now"] == "right" and rows["Ann"][f"{REBIND}: right first time"] == "wrong"
    assert rows["Ann"][f"{REBIND}: attempts"] == "2" and rows["小红"][f"{REBIND}: right now"] == "wrong"
    assert rows["Ann"]["Lesson 5: checks answered"] == "2"
    chinese = teacher.get(path + "/export.csv", params={"lang": "zh-CN"}).content.decode("utf-8-sig")
    assert chinese.startswith('"名字"')


def test_the_json_export_holds_everything(a_class):
    teacher, path, students = a_class
    students["Bob"].post(f"{LESSON}/exercises/zero_parameters", data={"code": "pass"})
    for name in ("Ann", "小红"):
        students[name].get(LESSON)
    response = teacher.get(path + "/export.json")
    data = json.loads(response.text)
    assert set(data) == {"class", "students", "check_answers", "exercise_attempts", "lessons_opened", "cell_runs"}
    assert data["class"]["name"] == "物理 1" and len(data["students"]) == 4
    assert len(data["check_answers"]) == 5 and len(data["lessons_opened"]) == 2
    names = {student["id"]: student["display_name"] for student in data["students"]}
    assert [names[row["student_id"]] for row in data["exercise_attempts"]] == ["Bob"]
    assert data["exercise_attempts"][0]["code"] == "pass"


def test_nobody_but_a_teacher_on_this_site_reaches_any_of_it(a_class, web):
    teacher, path, students = a_class
    forged = another_browser(web)
    forged.cookies.set("plab_teacher", "forged-session")
    for route in ROUTES:
        assert another_browser(web).get(path + route).status_code == 401, route  # no session
        assert forged.get(path + route).status_code == 401, route
        assert students["Ann"].get(path + route).status_code == 401, route  # a student's device cookie
        cross = teacher.get(path + route, headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403 and "another site" in cross.text, route
        other_origin = teacher.get(path + route, headers={"Origin": "https://evil.example"})
        assert other_origin.status_code == 403, route
        assert teacher.get(path + route, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200, route


def test_which_option_is_right_is_what_the_probe_says_now(a_class):
    teacher, path, _students = a_class
    probes = teacher.app.state.probes
    kept = probes[REBIND]
    probes[REBIND] = "answer = 'changed'"  # a probe that torch would contradict: the page follows the probe
    try:
        row = soup(teacher.get(path + "/checks")).select_one(f"[data-belief={REBIND}] tr[data-option=changed]")
        names = soup(teacher.get(f"{path}/checks/{REBIND}", params={"option": "changed", "lang": "zh-CN"}))
    finally:
        probes[REBIND] = kept
    assert "option-right" in row["class"] and "chose the right answer" in row.text
    assert names.h2.text == "全都变成零了 (对)" and [li.text for li in names.select("[data-chooser]")] == ["小红"]
