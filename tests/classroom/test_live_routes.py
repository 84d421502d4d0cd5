"""The teacher's live view over HTTP on both databases: the grid on the class page and its sorting,
the htmx poll (204 while nothing changed), the exercise and student pages, and who may see them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.classroom.models import TeacherSession
from app.classroom.store import utcnow
from tests.classroom.conftest import another_browser
from tests.classroom.helpers import create_class, join, sign_in
from tests.classroom.test_student_routes import torch_answer
from tests.helpers import soup

LESSON, SLUG = "/lessons/tensor-or-parameter", "tensor-or-parameter"
CHECK = "parameter_requires_grad_in_no_grad"
EXERCISE_SLUG, EXERCISE = "rebinding-pitfall", "zero_parameters"
POLL = {"HX-Request": "true"}


@pytest.fixture()
def classroom(web):
    """A signed-in teacher (`web`), a class and a student in it, in another browser."""
    sign_in(web)
    path, code = create_class(web, "Live 1")
    student = another_browser(web)
    join(student, code, "Ann")
    return path, student


def answer(student, option: str) -> None:
    """Answer the check as its form does (a POST, which is what records it)."""
    assert student.post(f"{LESSON}/check", data={"check": CHECK, "answer": option}).status_code == 200


def exercise_attempt(web, student, outcome: str, code: str, failed=(), mistakes=()) -> None:
    """Record an attempt straight through the store (the sandbox's verdict is not what is tested here)."""
    store = web.app.state.classroom
    member = web.portal.call(store.member, student.cookies.get("plab_device"))
    web.portal.call(store.record_exercise, member, EXERCISE_SLUG, EXERCISE, outcome, list(failed), list(mistakes), code)


def row_of(page, name: str):
    return next(row for row in page.select("[data-student-row]") if row.select_one("[data-grid-name]").text == name)


def test_the_class_page_shows_each_student_by_lesson(web, classroom):
    path, student = classroom
    answer(student, "False" if torch_answer() == "True" else "True")
    answer(student, torch_answer())  # the latest answer counts
    page = soup(web.get(path))
    cells = row_of(page, "Ann").select("td.grid-cell")
    assert len(cells) == len(page.select("th.lesson-col")) == len(web.app.state.lessons["en"])
    assert "1/1" in cells[0].text and "cell-" in " ".join(cells[0]["class"])
    assert page.select_one(".class-nav a[href$='/exercises']")
    assert page.select_one("#live-refresh")["href"].startswith(path)  # JavaScript off: the same page again
    assert page.select_one("[data-student-name]").text == "Ann"  # the roster is still there


def test_sorting_links_and_bad_sorts(web, classroom):
    path, student = classroom
    join(another_browser(web, "10.0.0.2"), re.search(r"data-join-code>([^<]+)<", web.get(path).text).group(1), "Bo")
    answer(student, torch_answer())
    page = soup(web.get(path, params={"sort": "progress", "dir": "desc"}))
    assert [a.text for a in page.select("[data-grid-name]")] == ["Ann", "Bo"]
    assert page.select_one("th[aria-sort=descending] #sort-progress")
    assert "dir=asc" in page.select_one("#sort-progress")["href"]  # the shown sort turns around
    assert [a.text for a in soup(web.get(path, params={"sort": "name", "dir": "desc"})).select("[data-grid-name]")] == [
        "Bo",
        "Ann",
    ]
    refused = web.get(path, params={"sort": "shoe-size"})
    assert refused.status_code == 400 and "name, progress, active" in refused.text


def test_the_poll_answers_204_until_something_happens(web, classroom):
    path, student = classroom
    live = soup(web.get(path)).select_one("#live-view")
    assert live["hx-trigger"].startswith("every ") and live["hx-swap"] == "outerHTML"
    poll = live["hx-get"]
    quiet = web.get(poll, headers=POLL)
    assert quiet.status_code == 204 and quiet.content == b""
    answer(student, torch_answer())
    changed = web.get(poll, headers=POLL)
    assert changed.status_code == 200 and "<html" not in changed.text
    fragment = soup(changed).select_one("#live-view")
    assert fragment["data-version"] != live["data-version"] and "1/1" in fragment.text
    assert web.get(fragment["hx-get"], headers=POLL).status_code == 204
    assert "<html" in web.get(poll).text  # without htmx: the whole page, current


def test_stuck_now_and_a_students_attempts(web, classroom):
    path, student = classroom
    for number in range(3):
        exercise_attempt(web, student, "failed", f"p = torch.zeros({number})", ["all_zero"], ["rebound"])
    page = soup(web.get(path))
    (stuck,) = page.select("[data-stuck=exercise]")
    assert "Ann" in stuck.text and "3" in stuck.text
    attempts = soup(web.get(stuck.a["href"]))
    assert attempts.h1.text.startswith("Ann")
    codes = attempts.select("[data-attempt] pre.code")
    assert len(codes) == 3 and "zeros(2)" in codes[0].text and codes[0].select("span[class]")  # highlighted
    assert attempts.select("[data-mistake]") and "loop variable" in attempts.select_one("[data-mistake]").text
    assert web.get(path + "/students/no-such-student").status_code == 404


def test_the_exercise_page_names_what_fails(web, classroom):
    path, student = classroom
    exercise_attempt(web, student, "failed", "x", ["all_zero"], ["rebound"])
    exercise_attempt(web, student, "passed", "y")
    page = soup(web.get(path + "/exercises", params={"lang": "zh-CN"}))
    section = page.select_one(f"[data-exercise-stats={EXERCISE}]")
    assert "100%" in section.select_one("[data-summary]").text
    assert section.select("[data-failing]") and "all_zero" not in section.select_one("[data-failing]").text
    assert section.select("[data-mistake]")


def test_nobody_but_a_signed_in_teacher_sees_any_of_it(web, classroom):
    path, student = classroom
    student_id = re.search(r"/students/([^/\"]+)\"", web.get(path).text).group(1)
    pages = [path, f"{path}?since=0-0", f"{path}/exercises", f"{path}/students/{student_id}"]
    outsider = another_browser(web, "10.0.0.9")
    forged = another_browser(web, "10.0.0.10")
    forged.cookies.set("plab_teacher", "forged-session")
    expired = another_browser(web, "10.0.0.11")
    sign_in(expired)
    store = web.app.state.classroom

    async def expire_every_other_session():
        async with store.engine.begin() as db:
            await db.execute(update(TeacherSession).values(expires_at=utcnow() - timedelta(minutes=1)))

    for who in (outsider, forged, student):
        for url in pages:
            assert who.get(url, headers=POLL).status_code == 401, url
    keep = web.cookies.get("plab_teacher")
    web.portal.call(expire_every_other_session)
    for url in pages:
        assert expired.get(url).status_code == 401, url
    sign_in(web)  # the teacher signs in again (every session was expired above)
    assert keep != web.cookies.get("plab_teacher")
    rename = f"{path}/students/{student_id}/rename"
    cross_site = web.post(rename, data={"name": "Mallory"}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    fetched = web.post(rename, data={"name": "Mallory"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetched.status_code == 403 and "Mallory" not in web.get(path).text
