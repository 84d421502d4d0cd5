"""Answering checks in the browser, feedback in place, progress surviving a reload, and erase."""

from playwright.sync_api import expect

LESSON = "/lessons/tensor-or-parameter"
CHECK = "#check-tensor_requires_grad_is_not_parameter"


def test_answer_feedback_progress_and_erase(page, server_url):
    page.goto(server_url + LESSON)
    page.evaluate("window.__marker = 1")
    page.locator(CHECK + " input[value=True]").check()
    page.locator(CHECK + " button").click()
    expect(page.locator(CHECK + " .verdict-wrong")).to_be_visible()
    expect(page.locator(CHECK + " .misconception")).to_contain_text("plain")
    page.locator(CHECK + " input[value=False]").check()
    page.locator(CHECK + " button").click()
    expect(page.locator(CHECK + " .verdict-correct")).to_be_visible()
    assert page.evaluate("window.__marker") == 1  # answered in place

    page.goto(server_url + "/")
    panel = page.locator("#progress-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".progress-summary")).to_contain_text("1 of")
    expect(panel.locator(".progress-resume a")).to_have_attribute("href", LESSON)
    page.reload()
    expect(panel.locator(".progress-summary")).to_contain_text("1 of")  # kept across reloads
    expect(page.locator("li[data-lesson-checks] .progress-badge").first).to_contain_text("1/")

    page.once("dialog", lambda dialog: dialog.accept())
    panel.locator(".progress-erase").click()
    expect(panel.locator(".progress-summary")).to_contain_text("0 of")
    page.reload()
    expect(panel.locator(".progress-summary")).to_contain_text("0 of")


def test_progress_export_and_import(page, server_url, tmp_path):
    page.goto(server_url + LESSON + "?check=parameter_shares_storage&answer=changes")
    page.goto(server_url + "/")
    with page.expect_download() as download_info:
        page.locator(".progress-export").click()
    saved = tmp_path / "progress.json"
    download_info.value.save_as(saved)
    assert "parameter_shares_storage" in saved.read_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".progress-erase").click()
    expect(page.locator(".progress-summary")).to_contain_text("0 of")
    page.locator("#progress-import").set_input_files(str(saved))
    expect(page.locator(".progress-summary")).to_contain_text("1 of")
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    page.locator("#progress-import").set_input_files(str(bad))
    expect(page.locator(".progress-status")).to_contain_text("not a Parameter Lab progress file")


def test_lessons_work_when_storage_is_blocked(browser, server_url):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new Error('blocked'); }});")
    page = context.new_page()
    page.goto(server_url + "/")
    expect(page.locator(".progress-status")).to_contain_text("does not allow saving")
    page.goto(server_url + LESSON)
    page.locator(CHECK + " input[value=False]").check()
    page.locator(CHECK + " button").click()
    expect(page.locator(CHECK + " .verdict-correct")).to_be_visible()
    context.close()
