"""Lessons 11 and 12 on the web: pages in both languages, htmx and no-JS forms, JSON, and bad input."""

import pytest
import torch
from torch import nn

from tests.helpers import soup

TIED_LESSON = "/lessons/tied-parameters"
LAZY_LESSON = "/lessons/lazy-modules"


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_lessons_embed_their_labs_cells_and_facts_from_torch(client, locale):
    page = soup(client.get(TIED_LESSON, params={"lang": locale}))
    assert page.select_one("section#lab-tied_parameters table.tied-grads")
    assert page.select_one("section#cell-tied_parameters") and page.select_one(".callout-mistake")
    assert page.select_one("section#exercise-tie_weights")
    facts = [code.get_text() for code in page.select("code.fact")]
    model = nn.Module()
    model.embedding, model.decoder = nn.Embedding(10, 4), nn.Linear(4, 10, bias=False)
    model.decoder.weight = model.embedding.weight
    assert str(sum(p.numel() for p in model.parameters())) in facts
    assert str(sum(t.numel() for t in model.state_dict().values())) in facts
    assert ", ".join(model.state_dict()) in facts
    assert "duplicate parameters" in page.select_one(".callout-mistake").get_text()

    page = soup(client.get(LAZY_LESSON, params={"lang": locale}))
    assert page.select_one("section#lab-lazy_modules table.lazy-answers")
    assert page.select_one("section#cell-lazy_modules") and page.select_one("section#exercise-materialize_lazy")
    facts = [code.get_text() for code in page.select("code.fact")]
    assert repr(nn.LazyLinear(3)) in facts and "UninitializedParameter" in facts
    assert "Attempted to use an uninitialized parameter" in page.select_one(".callout-mistake").get_text()


def test_chinese_pages_are_in_chinese(client):
    page = soup(client.get("/labs/tied_parameters", params={"lang": "zh-CN"}))
    assert "词表大小" in page.select_one("label[for=vocab]").get_text()
    assert "绑定" in page.select_one("#tie option[value=tied]").get_text()
    assert "梯度" in page.select_one(".tied-grads caption").get_text()
    page = soup(client.get("/labs/lazy_modules", params={"lang": "zh-CN"}))
    assert "第一次输入" in page.select_one("label[for=in_features]").get_text()
    assert "第一次前向传播之前" in page.select_one(".lazy-answers thead").get_text()


def test_tied_lab_in_place_and_without_javascript(client):
    query = {"lab": "tied_parameters", "tie": "untied", "vocab": "4", "dim": "2", "tokens": "3,1,1"}
    response = client.get(TIED_LESSON, params=query, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    block = soup(response)
    assert block.select_one(".all-names").get_text(strip=True) == "embedding.weight, decoder.weight"
    assert block.select_one(".parameters-numel").get_text(strip=True) == "16"
    assert block.select_one(".state-dict-numel").get_text(strip=True) == "16"
    assert block.select_one(".same-object").get_text(strip=True) == "False"
    assert len(block.select("table.tied-grads tbody tr")) == 4
    full = soup(client.get(TIED_LESSON, params=query))
    assert full.select_one("main h1") and full.select_one("#tie option[selected]")["value"] == "untied"
    assert full.select_one("#tokens")["value"] == "3,1,1"
    tied = soup(client.get("/labs/tied_parameters", params={"vocab": "4", "dim": "2"}))
    assert tied.select_one(".parameter-names").get_text(strip=True) == "embedding.weight"
    assert tied.select_one(".parameters-numel").get_text(strip=True) == "8"
    assert tied.select_one(".state-dict-numel").get_text(strip=True) == "16"
    assert tied.select_one(".optimizer-count code").get_text(strip=True) == "1"
    assert [
        row.select_one(".same-storage").get_text(strip=True) for row in tied.select(".tied-state-dict tbody tr")
    ] == [
        "True",
        "True",
    ]


def test_lazy_lab_in_place_and_without_javascript(client):
    query = {"lab": "lazy_modules", "out_features": "2", "in_features": "6", "then_in_features": "5"}
    response = client.get(LAZY_LESSON, params=query, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    block = soup(response)
    numel = block.select_one("tr[data-expression='layer.weight.numel()']")
    assert "Attempted to use an uninitialized parameter" in numel.select_one("td.before").get_text()
    assert numel.select_one("td.after").get_text(strip=True) == "12"
    kind = block.select_one("tr[data-expression='type(layer).__name__']")
    assert [kind.select_one(c).get_text(strip=True) for c in ("td.before", "td.after")] == ["LazyLinear", "Linear"]
    layer = nn.LazyLinear(2)
    layer(torch.zeros(2, 6))  # the lab's batch is 2 by default
    try:
        layer(torch.zeros(2, 5))
    except RuntimeError as error:
        expected = str(error)
    assert expected in block.select_one(".torch-error:not(.lazy-raised)").get_text()
    assert block.select_one(".optimizer-holds").get_text(strip=True) == "True"
    full = soup(client.get(LAZY_LESSON, params=query))
    assert full.select_one("main h1") and full.select_one("#in_features")["value"] == "6"
    assert full.select_one("#then_in_features")["value"] == "5"
    blank = soup(client.get("/labs/lazy_modules"))
    assert blank.select_one("#then_in_features")["value"] == "" and not blank.select_one(".second-forward")


@pytest.mark.parametrize(
    "url, params, field, text",
    [
        ("/labs/tied_parameters", {"vocab": "50"}, "vocab", "at most 8"),
        ("/labs/tied_parameters", {"dim": "0"}, "dim", "at least 1"),
        ("/labs/tied_parameters", {"tokens": "1,7"}, "tokens", "below the vocabulary size"),
        ("/labs/tied_parameters", {"tokens": "3"}, "tokens", "between 2 and 12"),
        ("/labs/tied_parameters", {"tokens": "x"}, "tokens", "separated by commas"),
        ("/labs/tied_parameters", {"tie": "glue"}, "tie", "one of: tied or untied"),
        ("/labs/lazy_modules", {"in_features": "1000"}, "in_features", "at most 16"),
        ("/labs/lazy_modules", {"out_features": "abc"}, "out_features", "whole number"),
        ("/labs/lazy_modules", {"then_in_features": "0"}, "then_in_features", "at least 1"),
        ("/labs/lazy_modules", {"bias": "sometimes"}, "bias", "true or false"),
    ],
)
def test_bad_input_is_a_422_shown_in_place(client, url, params, field, text):
    for headers in ({"HX-Request": "true"}, {}):
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 422
        errors = soup(response).select_one(".input-errors").get_text(" ", strip=True)
        assert field in errors and text in errors


def test_bad_input_is_explained_in_chinese(client):
    response = client.get("/labs/tied_parameters", params={"tokens": "1,9", "lang": "zh-CN"})
    assert response.status_code == 422 and "词表大小" in soup(response).select_one(".input-errors").get_text()


def test_json_api_runs_both_labs(client):
    body = client.post("/api/labs/tied_parameters", json={"vocab": 3, "dim": 2, "tokens": "0,1,2"}).json()
    assert body["parameters_numel"] == 6 and body["state_dict_numel"] == 12 and body["grad_is_sum"] is True
    body = client.post("/api/labs/lazy_modules", json={"in_features": 5, "out_features": 2}).json()
    after = {a["expression"]: a["after"] for a in body["answers"]}
    assert after["layer.weight.shape"] == "torch.Size([2, 5])"
    response = client.post("/api/labs/tied_parameters", json={"vocab": 3, "tokens": "0,5"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tokens"
