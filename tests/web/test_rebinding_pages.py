"""The rebinding lab and lesson 5 over HTTP: pages in both languages, htmx fragments, JSON and 4xx."""

import pytest

from tests.helpers import soup

LESSON = "/lessons/rebinding-pitfall"
LAB = "/labs/rebinding"


@pytest.mark.parametrize("locale, verdict", [("en", "unchanged"), ("zh-CN", "未改变")])
def test_lab_page_in_both_languages(client, locale, verdict):
    page = soup(client.get(LAB, params={"lang": locale, "variant": "rebind"}))
    assert page.html["lang"] == locale
    assert page.select_one(".rebinding-verdict strong").get_text(strip=True) == verdict
    for control in page.select("form.lab-form select, form.lab-form input:not([type=hidden])"):
        assert page.select_one(f'label[for="{control["id"]}"]'), control["id"]
    svg = page.select_one(".rebinding-picture svg")
    assert svg is not None and svg.title and not page.select(".rebinding-picture [style]")
    names = [th.get_text(strip=True) for th in page.select(".rebinding-names tbody th[scope=row]")]
    assert names[:3] == ["p", "model.bias", 'opt.param_groups[0]["params"][0]']  # the table alternative


@pytest.mark.parametrize("locale, mistake", [("en", "Common mistake"), ("zh-CN", "常见错误")])
def test_lesson_embeds_the_lab_and_fills_facts(client, locale, mistake):
    page = soup(client.get(LESSON, params={"lang": locale}))
    assert page.select_one("#lab-rebinding form.lab-form")
    assert page.select_one(".callout-mistake .callout-title").get_text(strip=True) == mistake
    facts = [code.get_text() for code in page.select("code.fact")]
    assert "a leaf Variable that requires grad is being used in an in-place operation." in facts
    assert "[[fact:" not in page.get_text()


def test_slice_assignment_without_no_grad_shows_torchs_error(client):
    page = soup(client.get(LAB, params={"variant": "slice", "context": "normal"}))
    assert "a leaf Variable that requires grad" in page.select_one(".torch-error").get_text()
    assert page.select_one(".rebinding-verdict strong").get_text(strip=True) == "unchanged"


def test_htmx_gets_only_the_widget(client):
    response = client.get(LESSON, params={"lab": "rebinding", "variant": "zero"}, headers={"HX-Request": "true"})
    page = soup(response)
    assert page.html is None and page.select_one("section#lab-rebinding")
    assert page.select_one(".rebinding-verdict strong").get_text(strip=True) == "changed"


def test_bad_query_shows_messages_in_place(client):
    response = client.get(LAB, params={"parameter": "nope", "value": "5000"})
    assert response.status_code == 422
    errors = soup(response).select_one(".input-errors").get_text()
    assert "bias, linear.weight, linear.bias" in errors and "at most 1000" in errors
    assert soup(response).select_one("#parameter")["aria-invalid"] == "true"


def test_json_api(client):
    response = client.post(
        "/api/labs/rebinding", json={"model": "matmul3", "variant": "replace", "parameter": "weight"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "changed" and body["identity_after"] is False
    assert body["parameters"][0]["optimizer_holds_registered"] is False
    assert body["picture_svg"].startswith("<svg")


@pytest.mark.parametrize(
    "body, field, text",
    [
        ({"variant": "p.mul_(2)"}, "variant", "rebind, slice"),
        ({"model": "resnet"}, "model", "linear_bias"),
        ({"value": 1e6}, "value", "1000"),
        ({"variant": "replace", "parameter": "linear.weights"}, "parameter", "linear.weight"),
        ({"model": "sge", "channels": 30}, "channels", "divide by groups"),
    ],
)
def test_bad_json_gets_422_naming_the_field(client, body, field, text):
    response = client.post("/api/labs/rebinding", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors and text in errors[field]
