"""Lesson 10 in a real browser: freeze a parameter and add a group, with htmx and with JavaScript off."""

from playwright.sync_api import expect

LESSON = "/lessons/putting-it-together"
RESULT = "#lab-training-result"
WIDGET = "#lab-training"  # the lesson also has a code cell with its own Run button


def test_freezing_and_groups_update_in_place(page, server_url):
    page.goto(server_url + LESSON)
    page.evaluate("window.__marker = 'same page'")
    expect(page.locator(RESULT + " .trainable-count")).to_have_text("60")
    expect(page.locator(RESULT + " .loss-curve svg")).to_be_visible()

    page.get_by_role("checkbox", name="linear.weight").check()
    page.fill("#bias_lr", "0.5")
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(RESULT + " .trainable-count")).to_have_text("10")
    expect(page.locator(RESULT + " .param-groups tbody tr")).to_have_count(2)
    expect(page.locator(RESULT + " tr[data-name='linear.weight'] .changed")).to_have_text("False")
    assert page.evaluate("window.__marker") == "same page"
    assert "frozen=linear.weight" in page.url and "bias_lr=0.5" in page.url

    page.get_by_role("checkbox", name="linear.weight").uncheck()
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(RESULT + " .trainable-count")).to_have_text("60")


def test_training_works_with_javascript_disabled(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LESSON)
    page.select_option("#optimizer", "adam")
    page.get_by_role("checkbox", name="linear.weight").check()
    page.get_by_role("checkbox", name="linear.bias").check()
    page.get_by_role("checkbox", name="bias", exact=True).check()
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    page.wait_for_url("**optimizer=adam**")
    expect(page.locator(RESULT + " .torch-error")).to_contain_text("optimizer got an empty parameter list")
    expect(page.locator("#optimizer")).to_have_value("adam")
    page.fill("#steps", "900")
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(RESULT + " .input-errors")).to_contain_text("at most 200")
