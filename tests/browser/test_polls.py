"""A class poll in the browser: a teacher, a projector and three students in their own browsers.

Two students have JavaScript on (the poll appears on the page they are on without a reload, and
their votes post through htmx), one has it off (a reload shows the poll, the form posts and comes
back). One student changes their vote; a second round follows; torch reveals the answer. The same
story runs in English and in Chinese, and axe checks the poll pages (teacher pages need a session,
so they are walked here rather than by test_axe.py).
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.web.render import THEME_COOKIE
from tests.browser.pages import in_language, poll_pages
from tests.browser.test_classroom import teacher_token
from tests.browser.walks import AXE, MEASURE, RUN_AXE, SMALLEST_TEXT_PX

LESSON = "/lessons/tensor-or-parameter"
CHECK = "tensor_requires_grad_is_not_parameter"  # torch answers False
NAMES = {"en": ("Ann", "Bo", "Cy"), "zh-CN": ("小红", "小明", "小刚")}


def axe_and_layout(page) -> tuple[list, dict]:
    layout = page.evaluate(MEASURE, SMALLEST_TEXT_PX)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE), layout


def no_violations(*pages):
    """Axe and the layout measure on each page (the students' pages are 390 px wide)."""
    for page in pages:
        found, layout = axe_and_layout(page)
        assert found == [] and layout["sticking"] == [], (page.url, found, layout)


def in_theme(context, server_url, theme):
    context.add_cookies([{"name": THEME_COOKIE, "value": theme, "url": server_url}])


def join_class(context, server_url, code, name, language):
    page = context.new_page()
    page.goto(server_url + in_language(f"/join/{code}", language))
    page.locator("#join-name").fill(name)
    page.locator("form[action='/join'] button").click()
    expect(page.locator("[data-recovery-code]")).to_be_visible()
    page.goto(server_url + LESSON)
    return page


def vote(page, option):
    page.locator(f".class-poll button[name=option][value={option}]").click()
    expect(page.locator(f".class-poll [data-my-vote='{option}']")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_class_votes_twice_and_torch_reveals_the_answer(browser, server_url, language):
    teacher_context = browser.new_context(locale="en-US", bypass_csp=True)
    teacher = teacher_context.new_page()
    teacher.goto(f"{server_url}/teacher/sign-in?token={teacher_token()}")
    teacher.goto(server_url + in_language("/teacher", language))
    teacher.locator("input[name=name]").fill(f"Poll class {language}")
    teacher.locator("input[name=ends_on]").fill((date.today() + timedelta(days=30)).isoformat())
    teacher.locator("form[action='/teacher/classes'] button").click()
    code = teacher.locator("[data-join-code]").inner_text()
    class_path = teacher.url.removeprefix(server_url)

    on = [
        browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, bypass_csp=True) for _ in range(2)
    ]
    in_theme(on[1], server_url, "dark")  # Ann reads the light theme, Bo the dark one
    off = browser.new_context(locale="en-US", java_script_enabled=False)
    ann, bo = (join_class(context, server_url, code, name, language) for context, name in zip(on, NAMES[language]))
    cy = join_class(off, server_url, code, NAMES[language][2], language)
    expect(bo.locator("html")).to_have_attribute("data-theme", "dark")

    teacher.goto(server_url + class_path)
    teacher.locator(f"a[href='{class_path}/polls']").click()
    teacher.locator(f"li[data-check={CHECK}] button").click()
    projector = teacher_context.new_page()
    projector.goto(server_url + teacher.locator("[data-projector-link]").get_attribute("href"))
    expect(projector.locator("[data-vote-count]")).to_have_attribute("data-vote-count", "0")

    for student in (ann, bo):  # the poll appears without a reload
        expect(student.locator(".class-poll form")).to_be_visible()
    expect(cy.locator(".class-poll")).to_have_count(0)
    cy.reload()
    vote(ann, "True")
    vote(bo, "True")
    vote(cy, "True")
    vote(bo, "False")  # Bo changes their mind: still one vote
    expect(projector.locator("[data-vote-count]")).to_have_attribute("data-vote-count", "3")
    expect(ann.locator("[data-poll-count]")).to_have_count(0)  # no counts until the teacher shows them

    no_violations(ann, bo)  # a pressed option in each theme

    teacher.locator("input[name=to][value=shown] + button").click()
    expect(projector.locator(".poll-table [data-option=True] [data-round-count]")).to_have_text("2 (67%)")
    for student in (ann, bo):
        expect(student.locator(".poll-table")).to_be_visible()
    no_violations(ann, bo)  # the distribution table in each theme

    teacher.locator("form[action$='/again'] button").click()
    expect(projector.locator("[data-poll-round]")).to_have_attribute("data-poll-round", "2")  # it followed
    for student in (ann, bo):
        expect(student.locator(".class-poll [data-my-vote='']")).to_be_visible()
        vote(student, "False")
    cy.reload()
    vote(cy, "False")
    expect(projector.locator("[data-vote-count]")).to_have_attribute("data-vote-count", "3")

    teacher.locator("input[name=to][value=revealed] + button").click()
    expect(projector.locator("[data-poll-answer]")).to_have_attribute("data-poll-answer", "False")
    expect(projector.locator(".poll-table thead th")).to_have_count(4)  # option, round 1, round 2, meaning
    expect(projector.locator(".poll-table [data-option=True] [data-round-count]")).to_have_text(["2 (67%)", "0 (0%)"])
    expect(ann.locator(".class-poll .verdict-correct")).to_be_visible()
    expect(bo.locator(".class-poll .verdict-correct")).to_be_visible()
    no_violations(ann, bo)  # the verdict and torch's answer in each theme
    cy.reload()
    expect(cy.locator(".class-poll .verdict-correct")).to_be_visible()

    projector.set_viewport_size({"width": 390, "height": 844})
    for theme in ("light", "dark"):
        in_theme(teacher_context, server_url, theme)
        for path in poll_pages(class_path, projector.url.split("/")[-2]):
            teacher.goto(server_url + in_language(path, language))
            found, _layout = axe_and_layout(teacher)
            assert found == [], (theme, path, found)
        projector.reload()
        no_violations(projector)
    for context in (teacher_context, *on, off):
        context.close()
