"""Lesson 5 in a real browser: rebinding leaves the model unchanged, slice assignment changes it."""

from playwright.sync_api import expect

LESSON = "/lessons/rebinding-pitfall"
VERDICT = "#lab-rebinding-result .rebinding-verdict strong"
WIDGET = "#lab-rebinding"  # the lesson also has a code cell with its own Run button


def test_rebinding_then_slice_assignment_in_place(page, server_url):
    page.goto(server_url + LESSON)
    page.evaluate("window.__marker = 'same page'")  # survives only if there is no full reload

    page.select_option("#variant", "rebind")
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    # The page opens with a verdict already shown: wait for this run's answer to be swapped in,
    # or the next choice would be made on a form that is about to be replaced.
    page.wait_for_url("**variant=rebind**")
    expect(page.locator(VERDICT)).to_have_text("unchanged")
    expect(page.locator("#lab-rebinding .rebinding-picture svg")).to_contain_text("moved")

    page.select_option("#variant", "slice")
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(VERDICT)).to_have_text("changed")
    expect(page.locator("#lab-rebinding .rebinding-identity")).to_contain_text("True")
    assert page.evaluate("window.__marker") == "same page"
    assert "variant=slice" in page.url  # the URL follows the lab state


def test_leaf_error_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + "/labs/rebinding")
    page.select_option("#variant", "zero")
    page.select_option("#context", "normal")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**context=normal**")
    expect(page.locator("#lab-rebinding-result .torch-error")).to_contain_text(
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    expect(page.locator(VERDICT.replace("#lab-rebinding-result ", ""))).to_have_text("unchanged")
    expect(page.locator("#variant")).to_have_value("zero")
