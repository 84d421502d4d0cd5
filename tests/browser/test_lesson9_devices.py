"""Lesson 9 in a real browser: pick a conversion and the table updates in place with htmx."""

from playwright.sync_api import expect

LESSON = "/lessons/devices-and-dtypes"
RESULT = "#lab-devices-result"
WIDGET = "#lab-devices"  # the lesson also has a code cell with its own Run button


def test_conversion_updates_in_place_with_htmx(page, server_url):
    page.goto(server_url + LESSON)
    page.evaluate("window.__marker = 'same page'")  # survives only if there is no full reload
    expect(page.locator(RESULT + " tr[data-name=weight] .dtype")).to_contain_text("torch.float64")

    page.select_option("#conversion", "bfloat16")
    page.locator(WIDGET).get_by_role("button", name="Run").click()
    expect(page.locator(RESULT + " tr[data-name=weight] .dtype")).to_contain_text("torch.bfloat16")
    expect(page.locator(RESULT + " tr[data-name=scale] .dtype")).to_have_text("torch.float32")
    expect(page.locator(RESULT + " tr[data-name=weight] .same-object")).to_have_text("True")
    assert page.evaluate("window.__marker") == "same page"
    assert "conversion=bfloat16" in page.url  # the URL follows the lab state

    page.fill("#seed", "-1")
    page.keyboard.press("Enter")
    expect(page.locator(RESULT + " .input-errors")).to_contain_text("at least 0")
    assert page.evaluate("window.__marker") == "same page"


def test_gpu_note_in_chinese(page, server_url):
    page.goto(server_url + LESSON + "?lang=zh-CN")
    expect(page.locator("h1")).to_have_text("设备与数据类型")
    expect(page.locator(".gpu-status")).to_contain_text("torch.cuda.is_available()")
