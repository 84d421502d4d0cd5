"""The teacher's live class page in a browser: a student answers a check on their own page and the
teacher's open class page shows it within seconds, without a reload; then axe-core on the teacher's
pages, both languages, at 1280 px and 390 px (they need a session, so the shared walk cannot)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.web.render import THEME_COOKIE
from tests.browser.pages import LANGUAGES, in_language, teacher_pages
from tests.browser.test_classroom import answer_check, teacher_token
from tests.browser.walks import AXE, RUN_AXE

ROW = "[data-student-row]"


@pytest.fixture()
def teacher(browser):
    # bypass_csp only so that the test can inject axe-core; the app's pages run under their own CSP.
    context = browser.new_context(locale="en-US", bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_a_students_answer_reaches_the_open_class_page_without_a_reload(browser, teacher, server_url):
    teacher.goto(f"{server_url}/teacher/sign-in?token={teacher_token()}")
    teacher.get_by_label("Name").fill("Live class")
    teacher.get_by_label("End date").fill((date.today() + timedelta(days=20)).isoformat())
    teacher.get_by_role("button", name="Create the class").click()
    code = teacher.locator("[data-join-code]").inner_text()
    class_path = teacher.url.removeprefix(server_url).split("?")[0]

    student = browser.new_context(locale="en-US").new_page()
    student.goto(f"{server_url}/join/{code}")
    student.get_by_label("Your name in the class").fill("Ann")
    student.get_by_role("button", name="Join", exact=True).click()
    expect(student.locator("[data-recovery-code]")).to_be_visible()

    teacher.goto(server_url + class_path)
    expect(teacher.locator(ROW)).to_have_count(1)
    first_cell = teacher.locator(f"{ROW} td.grid-cell").first
    expect(first_cell).to_contain_text("0/0")
    teacher.locator("h1").evaluate("h1 => h1.setAttribute('data-not-reloaded', 'yes')")  # gone if the page reloads

    answer_check(student, server_url, "False")  # the right answer
    expect(first_cell).to_contain_text("1/1", timeout=10_000)  # the poll runs every 3 s
    expect(teacher.locator("h1[data-not-reloaded=yes]")).to_have_count(1)
    student_id = teacher.locator(ROW).get_attribute("data-student-row")
    student.context.close()

    found = []
    for width in (1280, 390):
        teacher.set_viewport_size({"width": width, "height": 844})
        teacher.context.add_cookies(
            [{"name": THEME_COOKIE, "value": "dark" if width == 390 else "light", "url": server_url}]
        )
        for language in LANGUAGES:
            for path in teacher_pages(class_path, student_id):
                teacher.goto(server_url + in_language(path, language))
                teacher.add_script_tag(path=str(AXE))
                found += [f"{width} px {language} {path}: {v}" for v in teacher.evaluate(RUN_AXE)]
                overflow = teacher.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 1, f"{path} at {width} px is wider than the screen by {overflow} px"
    assert not found, "\n".join(found)
