"""The API docs page in a real browser: Swagger UI from local files lists the operations, under the app's CSP."""

from playwright.sync_api import expect


def test_docs_lists_the_operations_with_no_csp_violation(page, server_url):
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(server_url) else None)
    page.goto(server_url + "/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/run").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/labs/gradients").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/healthz").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert refused == [] and [url for url in outside if not url.startswith("data:")] == []


def test_docs_page_loads_only_own_files(page, server_url):
    response = page.request.get(server_url + "/docs")
    html = response.text()
    assert "cdn" not in html.lower() and "<script>" not in html
    assert 'src="/static/js/docs.js"' in html and 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in html
