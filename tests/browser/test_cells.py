"""Code cells in a real browser: the CodeMirror editor, Ctrl+Enter, saved edits, reset; and without JS."""

from playwright.sync_api import expect

LESSON = "/lessons/tensor-or-parameter"
CELL = "#cell-tensor_or_parameter"


def test_the_editor_runs_with_ctrl_enter_and_keeps_edits(page, server_url):
    messages = []
    page.on("console", lambda message: messages.append(message.text) if message.type == "error" else None)
    page.goto(server_url + LESSON)
    editor = page.locator(f"{CELL} .cm-content")
    expect(editor).to_be_visible()
    expect(page.locator(f"{CELL} textarea")).to_be_hidden()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nprint('from the editor', 6 * 7)")
    page.keyboard.press("Control+Enter")
    output = page.locator(f"{CELL}-output")
    expect(output.locator(".cell-stdout")).to_contain_text("from the editor 42", timeout=60_000)
    expect(output.locator(".registration-table")).to_contain_text("_parameters")
    expect(page.locator(f"{CELL} .cell-busy")).to_be_hidden()

    # The editor saves a moment after the last keystroke; wait for that save before reloading.
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes('from the editor'))"
    )
    page.reload()  # edits come back from localStorage
    expect(page.locator(f"{CELL} .cm-content")).to_contain_text("from the editor")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(CELL).get_by_role("button", name="Reset").click()
    expect(page.locator(f"{CELL} .cm-content")).not_to_contain_text("from the editor")
    page.reload()
    expect(page.locator(f"{CELL} .cm-content")).not_to_contain_text("from the editor")
    assert not [m for m in messages if "Content Security Policy" in m], messages


def test_a_cell_runs_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + LESSON)
    page.fill(f"{CELL} textarea", "print('no script needed')\n2 + 3")
    page.locator(CELL).get_by_role("button", name="Run").click()
    output = page.locator(f"{CELL}-output")
    expect(output.locator(".cell-stdout")).to_have_text("no script needed\n", timeout=60_000)
    expect(output.locator(".cell-value")).to_have_text("5")
    expect(page.locator(f"{CELL} textarea")).to_have_value("print('no script needed')\n2 + 3")
