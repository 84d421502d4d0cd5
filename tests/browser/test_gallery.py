"""A gallery page in a real browser: changing a size rebuilds the model in place."""

from playwright.sync_api import expect


def test_changing_hidden_size_updates_the_lstm_in_place(page, server_url):
    page.goto(server_url + "/models/lstm")
    page.evaluate("window.__marker = 'same page'")
    table = page.locator(".gallery-parameters")
    expect(table).to_contain_text("(256, 512)")
    page.fill("#hidden_size", "8")
    page.get_by_role("button", name="Build").click()
    expect(table).to_contain_text("(32, 512)")
    assert page.evaluate("window.__marker") == "same page"
    assert "hidden_size=8" in page.url
