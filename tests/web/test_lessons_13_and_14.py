"""Lessons 13-14 and their labs over HTTP: both languages, htmx fragments, JSON, and 4xx for bad input."""

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrizations

from app.i18n import LOCALES
from tests.helpers import soup

LESSONS = {"parametrizations": "parametrizations", "saving-and-loading": "checkpoint"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("slug, lab_id", LESSONS.items())
def test_lesson_pages_render_with_lab_facts_cell_and_a_mistake_callout(app, client, locale, slug, lab_id):
    response = client.get(f"/lessons/{slug}", params={"lang": locale})
    assert response.status_code == 200
    page = soup(response)
    lesson = next(lesson for lesson in app.state.lessons[locale] if lesson.slug == slug)
    assert page.h1.get_text(strip=True) == lesson.title
    assert page.select_one(f"section#lab-{lab_id} form.lab-form[method=get]")
    assert page.select_one(f"#lab-{lab_id}-result table")
    assert page.select_one(".callout-mistake")
    assert page.select("section.cell textarea[name=code]")
    assert "[[fact:" not in response.text and len(page.select("code.fact")) >= 8


def test_the_parametrizations_lesson_quotes_torchs_names():
    names = [name for name, _p in parametrizations.weight_norm(nn.Linear(3, 3)).named_parameters()]
    assert names == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]


def test_lesson_facts_are_torchs_values(client):
    page = soup(client.get("/lessons/parametrizations"))
    facts = [code.get_text() for code in page.select("code.fact")]
    names = ", ".join(name for name, _p in parametrizations.weight_norm(nn.Linear(3, 3)).named_parameters())
    assert names in facts and "ParametrizedLinear" in facts
    page = soup(client.get("/lessons/saving-and-loading"))
    facts = [code.get_text() for code in page.select("code.fact")]
    missing = nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}, strict=False)
    assert repr(missing) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"
    assert any(fact.startswith("_IncompatibleKeys(missing_keys=['head.bias']") for fact in facts)
    assert any('Missing key(s) in state_dict: "head.bias"' in fact for fact in facts)


def test_chinese_lab_pages_are_translated(client):
    page = soup(client.get("/labs/parametrizations", params={"lang": "zh-CN"}))
    assert page.select_one("label[for=size]").get_text(strip=True) == "方阵层的大小"
    assert page.select_one(".parametrizations-weight caption").get_text(strip=True) == "现在的 layer.weight 是什么"
    page = soup(client.get("/labs/checkpoint", params={"lang": "zh-CN", "edit": "prefix"}))
    assert page.select_one(".checkpoint-saved caption").get_text(strip=True) == "source.state_dict() 保存了什么"
    assert "缺失" in page.select_one(".checkpoint-keys tr.key-missing").get_text()


def test_without_javascript_the_lab_state_is_in_the_url(client):
    response = client.get(
        "/lessons/saving-and-loading", params={"lab": "checkpoint", "edit": "prefix", "strict": "False"}
    )
    page = soup(response)
    assert page.select_one("#edit option[selected]")["value"] == "prefix"
    outcome = page.select_one("#lab-checkpoint-result .checkpoint-outcome").get_text()
    assert outcome.startswith("_IncompatibleKeys(missing_keys=['mean'")
    equal = [row.select("td")[2].get_text(strip=True) for row in page.select(".checkpoint-parameters tbody tr")]
    assert equal == ["False"] * 4  # nothing was loaded


def test_htmx_gets_only_the_widget(client):
    response = client.get(
        "/lessons/parametrizations",
        params={"lab": "parametrizations", "parametrization": "weight_norm", "remove": "leave_false"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "<html" not in response.text
    block = soup(response)
    assert block.select_one("section#lab-parametrizations")
    error = block.select_one(".torch-error pre").get_text()
    assert error.startswith("ValueError: Cannot leave unparametrized")


def test_weights_only_refusal_is_shown_as_a_result(client):
    page = soup(client.get("/labs/checkpoint", params={"payload": "whole_model"}))
    text = page.select_one("#lab-checkpoint-result .torch-error pre").get_text()
    assert text.startswith("UnpicklingError: Weights only load failed.") and "Classifier" in text
    page = soup(client.get("/labs/checkpoint", params={"payload": "whole_model", "weights_only": "False"}))
    assert page.select_one(".checkpoint-type").get_text() == "Classifier"


@pytest.mark.parametrize(
    "lab_id, body, keys",
    [
        ("parametrizations", {"parametrization": "orthogonal"}, {"parameter_names", "state_dict_keys", "weight"}),
        ("checkpoint", {"edit": "drop_key", "strict": False}, {"keys", "missing_keys", "parameters"}),
    ],
)
def test_labs_run_as_json(client, lab_id, body, keys):
    response = client.post(f"/api/labs/{lab_id}", json=body)
    assert response.status_code == 200
    assert keys <= set(response.json())


@pytest.mark.parametrize(
    "lab_id, body, field, text",
    [
        ("parametrizations", {"size": 100}, "size", "at most 6"),
        ("parametrizations", {"lr": 0}, "lr", "greater than 0"),
        ("parametrizations", {"parametrization": "spectral"}, "parametrization", "one of: symmetric"),
        ("checkpoint", {"payload": "file"}, "payload", "one of: state_dict"),
        ("checkpoint", {"strict": "maybe"}, "strict", "true or false"),
        ("checkpoint", {"path": "/tmp/x.pt"}, "path", "not an input"),
    ],
)
def test_bad_json_input_names_the_field_and_the_limit(client, lab_id, body, field, text):
    response = client.post(f"/api/labs/{lab_id}", json=body)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert text in errors[field]


@pytest.mark.parametrize("locale, text", [("en", "at most 6"), ("zh-CN", "不能大于 6")])
def test_bad_input_on_a_page_is_shown_in_place(client, locale, text):
    response = client.get("/lessons/parametrizations", params={"lab": "parametrizations", "size": "9", "lang": locale})
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("main h1")
    assert text in page.select_one("#lab-parametrizations-result .input-errors").get_text()
    assert page.select_one("#size")["aria-invalid"] == "true"
