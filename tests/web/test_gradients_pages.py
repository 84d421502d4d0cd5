"""The gradients lab as HTML (both languages, no JavaScript needed) and as JSON."""

from urllib.parse import parse_qs, urlsplit

import pytest

from app.i18n import LOCALES
from tests.helpers import soup

LAB = "/labs/gradients"
LESSON = "/lessons/gradients"
DOUBLED = ["forward", "backward", "forward", "backward"]


def get(client, actions, **fields):
    return client.get(LAB, params={**fields, "a": actions})


def summary(page) -> dict[str, list[str]]:
    """Read the tensor table: name -> [kind, shape, requires_grad, .grad, held]."""
    rows = page.select(".grad-summary tbody tr")
    return {row["data-name"]: [cell.get_text(" ", strip=True) for cell in row.select("td")] for row in rows}


@pytest.mark.parametrize("locale", LOCALES)
def test_lesson_and_lab_pages_in_both_languages(client, locale):
    lesson = client.get(LESSON, params={"lang": locale})
    assert lesson.status_code == 200
    page = soup(lesson)
    assert page.select_one("#lab-gradients form.lab-form")
    assert "[[fact:" not in lesson.text
    facts = [code.get_text() for code in page.select("code.fact")]
    assert (
        "None" in facts and "(5, 10)" in facts and any("backward through the graph a second time" in f for f in facts)
    )
    assert page.select_one(".callout-mistake")
    lab = get(client, DOUBLED, lang=locale)
    assert lab.status_code == 200
    notes = [li["data-kind"] for li in soup(lab).select(".grad-notes li")]
    assert notes == ["grad_doubled"] * 3
    expected = "翻了一倍" if locale == "zh-CN" else "doubled"
    assert expected in soup(lab).select_one(".grad-notes").get_text()


def test_grads_show_none_before_backward_and_shapes_after(client):
    start = summary(soup(get(client, ["forward"])))
    assert [row[3] for row in start.values()] == ["None", "None", "None"]
    after = summary(soup(get(client, ["forward", "backward"])))
    assert after["linear.weight"][3] == "tensor of shape (5, 10)" and after["linear.bias"][3] == "tensor of shape (5,)"
    page = soup(get(client, ["forward", "backward", "zero_grad"]))
    assert [row[3] for row in summary(page).values()] == ["None", "None", "None"]
    assert page.select(".grad-none")  # the picture of a None grad says None; it is not a map of zeros


def test_second_backward_shows_torchs_error_as_a_result(client):
    response = get(client, ["forward", "backward", "backward"])
    assert response.status_code == 200
    error = soup(response).select_one(".torch-error").get_text()
    assert "RuntimeError: Trying to backward through the graph a second time" in error


def test_step_shows_before_after_delta_and_the_optimizer(client):
    page = soup(get(client, ["add_tensor", "forward", "backward", "step:adam:0.01"]))
    rows = summary(page)
    assert rows["shift"][0] == "plain tensor" and rows["shift"][4] == "False" and rows["bias"][4] == "True"
    captions = [c.get_text() for c in page.select(".grad-tensor caption")]
    assert {"before the step", "after the step", "change (after − before)", ".grad"} <= set(captions)
    optimizer = page.select_one(".grad-optimizer").get_text(" ", strip=True)
    assert "torch.optim.Adam" in optimizer and "exp_avg_sq" in optimizer
    assert page.select_one(".grad-tensor svg.heatmap title")


def test_history_links_open_each_earlier_state(client):
    actions = ["forward", "backward", "zero_grad", "step:rmsprop:0.01"]
    page = soup(get(client, actions, lr="0.01", opt="rmsprop"))
    links = page.select(".grad-history a")
    assert len(links) == len(actions)  # start plus every action but the current one
    for count, link in enumerate(links):
        query = parse_qs(urlsplit(link["href"]).query, keep_blank_values=True)
        assert query["a"] == (actions[:count] or [""])
        assert link["hx-get"] == link["href"].split("#")[0]
        assert client.get(LAB + "?" + urlsplit(link["href"]).query).status_code == 200
    assert page.select_one(".grad-history [aria-current=step]").get_text() == "step:rmsprop:0.01"


def test_buttons_append_to_a_canonical_history(client):
    page = soup(get(client, ["forward", "backward"], opt="adam", lr="0.5", add="step"))
    hidden = [i["value"] for i in page.select("form.lab-form input[type=hidden][name=a]")]
    assert hidden == ["forward", "backward", "step:adam:0.5"]
    buttons = {b["value"] for b in page.select("button.grad-action")}
    assert {
        "forward",
        "backward",
        "zero_grad",
        "zero_grad:false",
        "step",
        "freeze:linear.weight",
        "add_tensor",
    } <= buttons
    assert page.select_one("input[type=hidden][name=opt]")["value"] == "adam"  # one optimizer per history
    assert "unfreeze:bias" in {b["value"] for b in soup(get(client, ["freeze:bias"])).select("button.grad-action")}
    first_button = page.select_one("form.lab-form button")
    assert not first_button.get("name")  # Enter replays the history; it never appends an action


def test_full_history_disables_the_buttons(client):
    page = soup(get(client, ["forward"] * 30))
    assert all(b.has_attr("disabled") for b in page.select("button.grad-action"))


@pytest.mark.parametrize(
    "fields, text",
    [
        ({"a": ["forward", "jump"]}, "action 2 (“jump”): unknown action; allowed:"),
        ({"a": ["forward"] * 31}, "at most 30 actions"),
        ({"a": ["forward", "backward", "step:sgd:50"]}, "between 1e-05 and 10"),
        ({"a": ["freeze:linear.weights"]}, "choose one of: bias, linear.weight, linear.bias"),
        ({"a": ["zero_grad:sometimes"]}, "zero_grad:false"),
    ],
)
def test_bad_histories_are_422_in_place(client, fields, text):
    response = client.get(LAB, params=fields)
    assert response.status_code == 422
    page = soup(response)
    assert text in page.select_one(".input-errors").get_text()
    assert page.select_one(".grad-history")  # the way back is still on the page
    assert all(b.has_attr("disabled") for b in page.select("button.grad-action"))


def test_a_bad_learning_rate_is_marked_on_its_field(client):
    page = soup(client.get(LAB, params={"lr": "0", "a": ["forward", "backward"], "add": "step"}))
    assert "at least 1e-05" in page.select_one("#lr-error").get_text()
    hidden = [i["value"] for i in page.select("form.lab-form input[type=hidden][name=a]")]
    assert hidden == ["forward", "backward"]  # fixing lr and pressing step again appends one step, not two


def test_htmx_gets_only_the_widget(client):
    response = client.get(LESSON, params={"lab": "gradients", "a": ["forward"]}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section class="lab" id="lab-gradients"')


def test_json_api(client):
    body = client.post(
        "/api/labs/gradients", json={"model": "matmul3", "a": ["forward", "backward", "backward"]}
    ).json()
    assert body["history"] == ["forward", "backward", "backward"] and len(body["steps"]) == 4
    assert body["steps"][1]["tensors"][0]["grad"] is None  # None, not zeros
    assert body["steps"][3]["error"].startswith("RuntimeError: Trying to backward through the graph a second time")
    assert "loss_svg" not in body and "pictures" not in body["steps"][3]["tensors"][0]
    schema = client.get("/openapi.json").json()
    assert "/api/labs/gradients" in schema["paths"]


@pytest.mark.parametrize(
    "body, field, text",
    [
        ({"a": ["step:sgd:20"]}, "a", "between 1e-05 and 10"),
        ({"a": "forward"}, "a", "wrong type"),
        ({"lr": 11}, "lr", "at most 10"),
        ({"model": "lstm"}, "model", "linear_bias or matmul3"),
        ({"frozen": []}, "frozen", "not an input"),
    ],
)
def test_bad_json_names_the_field(client, body, field, text):
    response = client.post("/api/labs/gradients", json=body)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert text in errors[field]


def test_tables_show_the_same_numbers_as_the_json(client):
    actions = ["forward", "backward", "step:sgd:0.1"]
    page = soup(get(client, actions))
    body = client.post("/api/labs/gradients", json={"a": actions}).json()
    for tensor in body["steps"][-1]["tensors"]:
        section = page.select_one(f'.grad-tensor[aria-label="{tensor["name"]}"]')
        tables = {t.caption.get_text(): t for t in section.select("table.grad-grid")}
        for caption, values in [
            ("before the step", tensor["before"]),
            ("after the step", tensor["value"]),
            ("change (after − before)", tensor["delta"]),
            (".grad", tensor["grad"]),
        ]:
            rows = [[td.get_text() for td in tr.select("td")] for tr in tables[caption].select("tbody tr")]
            expected = values if isinstance(values[0], list) else [values]
            assert rows == [[f"{v:.3g}" for v in row] for row in expected], (tensor["name"], caption)
            assert [tr.th.get_text() for tr in tables[caption].select("tbody tr")] == [str(i) for i in range(len(rows))]
