"""Lessons 11 and 12 in a real browser: untie the weight in place with htmx; the lazy lab with JavaScript off."""

from playwright.sync_api import expect

TIED_LESSON = "/lessons/tied-parameters"
TIED_RESULT = "#lab-tied_parameters-result"
TIED_WIDGET = "#lab-tied_parameters"  # the lesson also has a code cell with its own Run button
LAZY_LESSON = "/lessons/lazy-modules"
LAZY_RESULT = "#lab-lazy_modules-result"


def test_untying_updates_the_counts_in_place(page, server_url):
    page.goto(server_url + TIED_LESSON)
    page.evaluate("window.__marker = 'same page'")
    expect(page.locator(TIED_RESULT + " .parameters-numel")).to_have_text("15")
    expect(page.locator(TIED_RESULT + " .state-dict-numel")).to_have_text("30")

    page.select_option("#tie", "untied")
    page.locator(TIED_WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(TIED_RESULT + " .parameters-numel")).to_have_text("30")
    expect(page.locator(TIED_RESULT + " .same-object")).to_have_text("False")
    expect(page.locator(TIED_RESULT + " .tied-verdict")).to_contain_text("True")
    assert page.evaluate("window.__marker") == "same page"
    assert "tie=untied" in page.url

    page.fill("#tokens", "1,9")
    page.locator(TIED_WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(TIED_RESULT + " .input-errors")).to_contain_text("below the vocabulary size")


def test_the_lazy_lab_works_with_javascript_disabled(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LAZY_LESSON)
    page.fill("#in_features", "7")
    page.fill("#then_in_features", "3")
    page.locator("#lab-lazy_modules").get_by_role("button", name="Run").click()
    page.wait_for_url("**in_features=7**")
    shape = page.locator(LAZY_RESULT + " tr[data-expression='layer.weight.shape'] td.after")
    expect(shape).to_have_text("torch.Size([3, 7])")
    expect(page.locator(LAZY_RESULT + " > .torch-error")).to_contain_text("mat1 and mat2 shapes cannot be multiplied")
    expect(page.locator("#in_features")).to_have_value("7")
