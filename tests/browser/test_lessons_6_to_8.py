"""Lessons 6-8 in a real browser: each lab updates in place with htmx; the buffers lab also works without JavaScript."""

from playwright.sync_api import expect


def run_in_place(page, lab_id: str):
    """Press the lab's Run (the lesson's code cell has one too); the caller checks the page was not reloaded."""
    page.evaluate("window.__marker = 'same page'")
    page.locator(f"#lab-{lab_id}").get_by_role("button", name="Run").click()


def test_initialisation_lab_switches_scheme_in_place(page, server_url):
    page.goto(server_url + "/lessons/initialisation")
    result = page.locator("#lab-init-result")
    expect(result.locator(".init-visits caption")).to_have_text("Modules visited, in order")

    page.select_option("#model", "linear_bias")
    page.select_option("#scheme", "xavier_uniform")
    run_in_place(page, "init")
    expect(result.locator(".torch-error").first).to_contain_text("fewer than 2 dimensions")
    expect(result.locator(".init-visits")).to_have_count(0)
    expect(result.locator("svg.histogram")).to_have_count(6)
    assert page.evaluate("window.__marker") == "same page"
    assert "scheme=xavier_uniform" in page.url and "model=linear_bias" in page.url

    page.fill("#bins", "2")
    page.keyboard.press("Enter")
    expect(result.locator(".input-errors")).to_contain_text("at least 4")
    assert page.evaluate("window.__marker") == "same page"


def test_buffers_lab_updates_in_place(page, server_url):
    page.goto(server_url + "/lessons/buffers")
    result = page.locator("#lab-buffers-result")
    expect(result.locator(".buffers-fates")).to_contain_text("torch.float64")

    page.select_option("#dtype", "float16")
    page.fill("#batch", "1")
    run_in_place(page, "buffers")
    expect(result.locator(".buffers-fates")).to_contain_text("torch.float16")
    expect(result.locator(".torch-error")).to_contain_text("Expected more than 1 value per channel")
    assert page.evaluate("window.__marker") == "same page"


def test_buffers_lab_works_with_javascript_disabled(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + "/lessons/buffers")
    page.select_option("#dtype", "bfloat16")
    page.select_option("#optimizer", "adam")
    page.locator("#lab-buffers").get_by_role("button", name="Run").click()
    page.wait_for_url("**dtype=bfloat16**")
    expect(page.locator("#lab-buffers-result .buffers-fates")).to_contain_text("torch.bfloat16")
    expect(page.locator("#optimizer")).to_have_value("adam")


def test_views_lab_shows_the_chosen_case_in_place(page, server_url):
    page.goto(server_url + "/lessons/detach-clone-view")
    result = page.locator("#lab-views-result")
    expect(result.locator(".torch-error")).to_contain_text("modified by an inplace operation")

    page.select_option("#operation", "data")
    run_in_place(page, "views")
    expect(result.locator(".views-outcomes tr.selected th").first).to_contain_text("p.data")
    expect(result).to_contain_text("The gradient is right:")
    expect(result.locator(".torch-error")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"
    assert "operation=data" in page.url


def test_views_lab_in_chinese_by_keyboard(page, server_url):
    page.goto(server_url + "/lessons/detach-clone-view?lang=zh-CN")
    expect(page.locator("h1")).to_have_text("detach、clone、视图与 .data")
    page.focus("#operation")
    page.select_option("#operation", "index")
    page.focus("#graph")
    page.select_option("#graph", "none")
    page.keyboard.press("Tab")  # on to "rows": Enter in a text field submits the form
    expect(page.locator("#rows")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#lab-views-result .torch-error")).to_contain_text("view of a leaf Variable")
