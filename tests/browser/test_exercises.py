"""Exercises in a real browser: hints one at a time, a wrong attempt's targeted feedback, the solution
offered only after an attempt, a passing solution, and progress that counts it after a reload."""

from playwright.sync_api import expect

from app.course.exercises import load_exercises
from app.settings import REPO_ROOT

LESSON = "/lessons/rebinding-pitfall"
BLOCK = "#exercise-zero_parameters"
EXERCISES = load_exercises(REPO_ROOT / "lessons" / "exercises")
SPEC = EXERCISES["zero_parameters"]


def test_wrong_attempt_then_solution_then_progress(page, server_url):
    page.goto(server_url + LESSON)
    block = page.locator(BLOCK)
    expect(block.locator(".cm-content")).to_be_visible()
    expect(block.locator(".exercise-solution")).to_have_count(0)

    hints = block.locator("details.exercise-hint > summary")
    expect(hints.nth(0)).to_be_visible()
    expect(hints.nth(1)).to_be_hidden()  # the second hint waits inside the first
    hints.nth(0).click()
    expect(hints.nth(1)).to_be_visible()

    page.evaluate("window.__marker = 1")
    block.get_by_role("button", name="Check my solution").click()  # the starter: the rebinding loop
    result = page.locator(f"{BLOCK}-result")
    expect(result.locator(".exercise-mistake")).to_contain_text("rebound the loop variable", timeout=60_000)
    expect(result.locator('li[data-invariant="all_zero"]')).to_contain_text("Failed:")
    expect(result.locator(".exercise-solution summary")).to_have_text("Show a solution")
    assert page.evaluate("window.__marker") == 1  # checked in place, no reload

    block.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SPEC.solution)
    page.keyboard.press("Control+Enter")
    expect(result.locator(".exercise-verdict")).to_contain_text("every check passed", timeout=60_000)
    expect(result).to_have_attribute("data-exercise-result", "passed")

    page.reload()
    expect(page.locator(f"{BLOCK} .exercise-solution")).to_have_count(0)  # a plain visit shows none

    page.goto(server_url + "/")
    expect(page.locator(".progress-exercises")).to_contain_text(f"1 of {len(EXERCISES)} exercises solved")
    page.reload()
    expect(page.locator(".progress-exercises")).to_contain_text(f"1 of {len(EXERCISES)} exercises solved")
    badge = page.locator('li[data-lesson-exercises="zero_parameters"] .progress-badge')
    expect(badge).to_contain_text("1/1 exercises")


def test_an_attempt_works_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LESSON)
    block = page.locator(BLOCK)
    expect(block.locator(".exercise-solution")).to_have_count(0)
    block.get_by_role("button", name="Check my solution").click()
    expect(page.locator(f"{BLOCK}-result .exercise-mistake")).to_contain_text(
        "rebound the loop variable", timeout=60_000
    )
    expect(page.locator(f"{BLOCK} .exercise-solution")).to_have_count(1)
    expect(page.locator(f"{BLOCK} textarea")).to_have_value(SPEC.starter)
