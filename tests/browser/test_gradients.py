"""The gradients lab in a real browser: step through a history with htmx, and without JavaScript."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

LAB = "/labs/gradients"
WIDGET = "#lab-gradients"
NOTES = WIDGET + " .grad-notes"


def grad_cell(page, name: str):
    return page.locator(f'{WIDGET} .grad-summary tr[data-name="{name}"] td.grad-cell')


def history_in_url(url: str) -> list[str]:
    """Read the history a URL replays: its a= values, then the action a button added."""
    query = parse_qs(urlsplit(url).query)
    return [text for text in query.get("a", []) if text] + query.get("add", [])


def press(page, value: str):
    page.locator(f'{WIDGET} button.grad-action[value="{value}"]').click()


def test_step_through_forward_backward_twice_zero_grad_and_step(page, server_url):
    page.goto(server_url + LAB)
    page.evaluate("window.__marker = 'same page'")  # survives only if htmx swaps instead of reloading
    expect(page.locator(WIDGET + " .result-title")).to_contain_text("At the start")
    expect(grad_cell(page, "linear.weight")).to_have_text("None")
    expect(page.locator(WIDGET + ' button[value="backward"]')).to_be_disabled()

    press(page, "forward")
    expect(page.locator(NOTES)).to_contain_text("computed the loss")
    expect(grad_cell(page, "linear.weight")).to_have_text("None")
    assert history_in_url(page.url) == ["forward"]

    press(page, "backward")
    expect(grad_cell(page, "linear.weight")).to_have_text("tensor of shape (5, 10)")
    expect(page.locator(NOTES)).to_contain_text("linear.weight.grad was None")

    press(page, "forward")
    press(page, "backward")
    expect(page.locator(NOTES + ' li[data-kind="grad_doubled"]')).to_have_count(3)
    expect(page.locator(NOTES)).to_contain_text("linear.weight.grad doubled")
    assert history_in_url(page.url) == ["forward", "backward", "forward", "backward"]

    press(page, "zero_grad")
    expect(page.locator(NOTES + ' li[data-kind="grad_to_none"]')).to_have_count(3)
    expect(grad_cell(page, "bias")).to_have_text("None")

    page.select_option("#opt", "adam")
    page.fill("#lr", "0.05")
    press(page, "step")
    expect(page.locator(WIDGET + " .result-title")).to_contain_text("# Adam, lr=0.05")
    expect(page.locator(WIDGET + " .grad-optimizer")).to_contain_text("torch.optim.Adam")
    expect(page.locator(NOTES + ' li[data-kind="skipped_no_grad"]')).to_have_count(3)  # grads were None
    assert page.evaluate("window.__marker") == "same page"

    page.locator(WIDGET + " .grad-history a", has_text="start (reset)").click()
    expect(page.locator(WIDGET + " .result-title")).to_contain_text("At the start")
    assert history_in_url(page.url) == []
    assert page.evaluate("window.__marker") == "same page"


def test_going_back_and_the_torch_error_with_htmx(page, server_url):
    page.goto(server_url + LAB + "?a=forward&a=backward")
    press(page, "backward")
    expect(page.locator(WIDGET + " .torch-error")).to_contain_text("Trying to backward through the graph a second time")
    page.locator(WIDGET + " .grad-history li").nth(1).get_by_role("link").click()  # back to after the forward
    expect(page.locator(WIDGET + " .grad-history [aria-current=step]")).to_have_text(
        "loss = F.mse_loss(model(x), target)"
    )
    expect(page.locator(WIDGET + " .torch-error")).to_have_count(0)
    page.go_back()
    expect(page.locator(WIDGET + " .torch-error")).to_be_visible()


def test_short_flow_without_javascript(page_without_js, server_url):
    page = page_without_js
    page.goto(server_url + "/lessons/gradients")
    press(page, "forward")
    page.wait_for_url("**add=forward**")
    press(page, "backward")
    page.wait_for_url("**add=backward**")
    assert history_in_url(page.url) == ["forward", "backward"]
    expect(grad_cell(page, "linear.weight")).to_have_text("tensor of shape (5, 10)")
    press(page, "freeze:linear.bias")
    press(page, "forward")
    press(page, "backward")
    expect(page.locator(NOTES + ' li[data-kind="frozen_grad_kept"]')).to_contain_text("linear.bias")
    expect(page.locator(WIDGET + " .grad-history li")).to_have_count(6)
    page.locator(WIDGET + " .grad-history li").nth(2).get_by_role("link").click()
    expect(page.locator(WIDGET + " .grad-history [aria-current=step]")).to_have_text("loss.backward()")
    expect(page.locator(WIDGET + " .grad-history li")).to_have_count(3)
