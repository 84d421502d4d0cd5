"""The registration lab in a real browser: steps swap in place with htmx, and the lab works without JavaScript."""

from playwright.sync_api import expect

LAB = "/labs/registration"
WIDGET = "#lab-registration"


def add_step(page, name: str, kind: str, sizes: str) -> None:
    page.fill("#name", name)
    page.select_option("#kind", kind)
    page.fill("#sizes", sizes)
    page.get_by_role("button", name="Apply this step").click()


def test_three_attributes_update_the_views_in_place(page, server_url):
    page.goto(server_url + LAB)
    page.evaluate("window.__marker = 'same page'")  # survives only if there is no full reload
    now = page.locator(WIDGET + " .reg-now")
    expect(now.locator(".reg-optimizer .torch-error")).to_contain_text("empty parameter list")

    add_step(page, "weight", "param", "3,4")
    expect(now.locator("[data-view=named_parameters] tr.reg-row-new")).to_contain_text("weight")
    expect(now.locator(".reg-total")).to_contain_text("12")

    add_step(page, "scale", "tensor_grad", "3")
    expect(now.locator("[data-view=plain_attributes] tr.reg-row-new")).to_contain_text("scale")
    expect(now.locator("[data-view=optimizer]")).not_to_contain_text("scale")

    add_step(page, "head", "linear", "4,2")
    expect(now.locator("[data-view=named_parameters]")).to_contain_text("head.weight")
    expect(now.locator(".reg-total")).to_contain_text("22")
    expect(page.locator(WIDGET + " .reg-timeline > li")).to_have_count(3)

    assert page.evaluate("window.__marker") == "same page"
    assert page.url.count("step=") == 2 and "name=head" in page.url  # the URL holds the whole state
    page.reload()
    expect(page.locator(WIDGET + " .reg-timeline > li")).to_have_count(3)  # and replays it
    page.evaluate("window.__marker = 'reloaded page'")

    page.locator(WIDGET + " a.reg-remove").first.click()  # remove the Parameter, in place
    expect(page.locator(WIDGET + " .reg-timeline > li")).to_have_count(2)
    expect(now.locator("[data-view=named_parameters] tbody th code")).to_have_text(["head.weight", "head.bias"])
    assert page.evaluate("window.__marker") == "reloaded page"


def test_the_lab_works_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LAB)
    add_step(page, "weight", "param", "3")
    page.wait_for_url("**name=weight**")
    page.select_option("#op", "set")
    add_step(page, "weight", "tensor", "3")
    expect(page.locator(WIDGET + " .reg-timeline .torch-error")).to_contain_text("cannot assign 'torch.FloatTensor'")
    page.locator(WIDGET + " a.reg-remove").last.click()
    expect(page.locator(WIDGET + " .reg-timeline > li")).to_have_count(1)
