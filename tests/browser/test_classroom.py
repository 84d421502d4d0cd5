"""A class in the browser: a teacher creates it, two students join (one with JavaScript off, in
Chinese) and answer a check, and the teacher and each student see what the server recorded."""

import os
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

LESSON = "/lessons/tensor-or-parameter"
CHECK = "#check-tensor_requires_grad_is_not_parameter"


def teacher_token() -> str:
    # Made at first start in the data folder the tests share with the server (tests/conftest.py).
    return (Path(os.environ["PLAB_DATA_DIR"]) / "teacher-token").read_text().strip()


def answer_check(page, server_url, option: str) -> None:
    page.goto(server_url + LESSON)
    page.locator(f"{CHECK} input[value={option}]").check()
    page.locator(f"{CHECK} button").click()
    expect(page.locator(f"{CHECK} .check-feedback")).to_be_visible()


def test_teacher_creates_a_class_and_two_students_join_and_answer(browser, page, page_without_js, server_url):
    page.goto(f"{server_url}/teacher/sign-in?token={teacher_token()}")
    page.get_by_label("Name").fill("Browser class")
    page.get_by_label("End date").fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Create the class").click()
    expect(page.locator("h1")).to_have_text("Browser class")
    expect(page.locator(".qr-figure svg")).to_be_visible()
    code = page.locator("[data-join-code]").inner_text()
    link = page.locator("[data-join-link]").get_attribute("href")
    class_url = page.url

    student = browser.new_context(locale="en-US").new_page()  # JavaScript on, code typed on the home page
    student.goto(server_url + "/")
    student.locator("#home-join-code").fill(code.lower())
    student.locator(".join-box button").click()
    student.get_by_label("Your name in the class").fill("Ann")
    student.get_by_role("button", name="Join", exact=True).click()
    expect(student.locator("[data-recovery-code]")).to_be_visible()
    answer_check(student, server_url, "False")
    expect(student.locator(f"{CHECK} .verdict-correct")).to_be_visible()

    offline = page_without_js  # JavaScript off, Chinese, through the join link
    offline.goto(link + "?lang=zh-CN")
    offline.locator("#join-name").fill("小红")
    offline.locator("form[action='/join'] button").click()
    expect(offline.locator("[data-recovery-code]")).to_be_visible()
    answer_check(offline, server_url, "True")
    expect(offline.locator(f"{CHECK} .verdict-wrong")).to_be_visible()

    page.goto(class_url)
    expect(page.locator("[data-student-name]")).to_have_text(["Ann", "小红"])
    for who, option in ((student, "False"), (offline, "True")):
        who.goto(server_url + "/class/me")
        rows = who.locator("[data-check-record]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(option)
    offline.goto(server_url + "/")
    expect(offline.locator(".class-progress")).to_contain_text("小红")
    student.context.close()
