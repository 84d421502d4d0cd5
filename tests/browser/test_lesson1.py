"""Lesson 1 in a real browser: the lab updates in place with htmx, and reloads without JavaScript."""

from playwright.sync_api import expect

LESSON = "/lessons/tensor-or-parameter"
RESULT = "#lab-tensor_or_parameter-result"


def test_lab_updates_in_place_with_htmx(page, server_url):
    page.goto(server_url + LESSON)
    page.evaluate("window.__marker = 'same page'")  # survives only if there is no full reload
    expect(page.locator(RESULT)).to_contain_text("Parameter containing")

    page.select_option("#wrapper", "tensor")
    page.locator("#lab-tensor_or_parameter").get_by_role("button", name="Run").click()
    expect(page.locator(RESULT)).not_to_contain_text("Parameter containing")
    expect(page.locator(RESULT + " .facts")).to_contain_text("torch.Tensor")
    assert page.evaluate("window.__marker") == "same page"
    assert "wrapper=tensor" in page.url  # the URL follows the lab state

    page.fill("#shape", "0")
    page.keyboard.press("Enter")
    expect(page.locator(RESULT + " .input-errors")).to_contain_text("between 1 and 64")
    assert page.evaluate("window.__marker") == "same page"


def test_lab_works_with_javascript_disabled(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LESSON)
    page.select_option("#context", "no_grad")
    page.select_option("#wrapper", "computed")
    page.locator("#lab-tensor_or_parameter").get_by_role("button", name="Run").click()
    page.wait_for_url("**context=no_grad**")
    facts = page.locator(RESULT + " .facts")
    expect(facts).to_contain_text("x.grad_fn")
    expect(page.locator("#wrapper")).to_have_value("computed")


def test_chinese_page_and_keyboard_only_use(page, server_url):
    page.goto(server_url + LESSON + "?lang=zh-CN")
    expect(page.locator("h1")).to_have_text("Tensor 还是 Parameter？")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.focus("#dtype")
    page.select_option("#dtype", "int64")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(RESULT + " .torch-error")).to_contain_text("floating point")
