"""Lessons 13 and 14 in a real browser: the labs update in place with htmx, and work without JavaScript."""

from playwright.sync_api import expect


def test_checkpoint_lab_updates_in_place_with_htmx(page, server_url):
    page.goto(server_url + "/lessons/saving-and-loading")
    page.evaluate("window.__marker = 'same page'")  # survives only if there is no full reload
    result = page.locator("#lab-checkpoint-result")
    expect(result.locator(".checkpoint-outcome")).to_have_text("<All keys matched successfully>")

    page.select_option("#edit", "prefix")
    page.select_option("#strict", "False")
    page.locator("#lab-checkpoint").get_by_role("button", name="Run").click()
    expect(result.locator(".checkpoint-outcome")).to_contain_text("_IncompatibleKeys(missing_keys=['mean'")
    expect(result.locator("tr.key-unexpected").first).to_contain_text("module.mean")
    assert page.evaluate("window.__marker") == "same page"
    assert "edit=prefix" in page.url and "strict=False" in page.url  # the URL follows the lab state


def test_parametrizations_lab_works_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + "/labs/parametrizations")
    page.select_option("#parametrization", "weight_norm")
    page.select_option("#remove", "leave_false")
    page.locator("#lab-parametrizations").get_by_role("button", name="Run").click()
    expect(page.locator(".parametrizations-names")).to_contain_text("parametrizations.weight.original0")
    expect(page.locator("#lab-parametrizations-result .torch-error")).to_contain_text("Cannot leave unparametrized")
    assert "parametrization=weight_norm" in page.url
