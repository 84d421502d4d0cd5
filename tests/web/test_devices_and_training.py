"""Lessons 9 and 10 on the web: pages in both languages, htmx and no-JS forms, JSON, and bad input."""

import pytest
import torch

from app.labs import devices
from tests.helpers import soup

DEVICES_LESSON = "/lessons/devices-and-dtypes"
TRAINING_LESSON = "/lessons/putting-it-together"
RECAP_SLUGS = [
    "tensor-or-parameter",
    "live-registration",
    "model-gallery",
    "gradients",
    "rebinding-pitfall",
    "initialisation",
    "buffers",
    "detach-clone-view",
]


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_lessons_embed_their_labs_with_facts_from_torch(client, locale):
    page = soup(client.get(DEVICES_LESSON, params={"lang": locale}))
    assert page.select_one("section#lab-devices .device-changes")
    facts = [code.get_text() for code in page.select("code.fact")]
    assert str(torch.cuda.is_available()) in facts and "torch.float64" in facts and "torch.int64" in facts
    assert page.select_one(".callout-mistake")
    page = soup(client.get(TRAINING_LESSON, params={"lang": locale}))
    assert page.select_one("section#lab-training .loss-curve svg")
    assert "optimizer got an empty parameter list" in page.select_one(".callout-mistake").get_text()
    links = {a["href"] for a in page.select("main a")}
    assert {f"/lessons/{slug}" for slug in RECAP_SLUGS} <= links


def test_chinese_pages_are_in_chinese(client):
    page = soup(client.get("/labs/training", params={"lang": "zh-CN"}))
    assert "训练步数" in page.select_one("label[for=steps]").get_text()
    assert "冻结" in page.select_one(".frozen-choice legend").get_text()
    page = soup(client.get("/labs/devices", params={"lang": "zh-CN"}))
    assert "转换" in page.select_one("label[for=conversion]").get_text()


def test_devices_page_says_whether_a_gpu_is_present(client, monkeypatch):
    monkeypatch.setattr(devices.torch.cuda, "is_available", lambda: False)
    page = soup(client.get("/labs/devices"))
    options = [o["value"] for o in page.select("#conversion option")]
    assert "cuda" not in options and "cpu" in options
    assert "returned False" in page.select_one(".gpu-status").get_text()
    assert "Module._apply" in page.select_one(".gpu-status").get_text()
    monkeypatch.setattr(devices.torch.cuda, "is_available", lambda: True)
    page = soup(client.get("/labs/devices"))
    assert "cuda" in [o["value"] for o in page.select("#conversion option")]
    assert "returned True" in page.select_one(".gpu-status").get_text()


def test_devices_lab_in_place_and_without_javascript(client):
    response = client.get(
        DEVICES_LESSON, params={"lab": "devices", "conversion": "half"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "<html" not in response.text
    row = soup(response).select_one("tr[data-name=weight]")
    assert "torch.float16" in row.select_one(".dtype").get_text()
    assert row.select_one(".same-object").get_text(strip=True) == "True"
    full = soup(client.get(DEVICES_LESSON, params={"lab": "devices", "conversion": "half"}))
    assert full.select_one("main h1") and full.select_one("#conversion option[selected]")["value"] == "half"


def test_training_form_round_trips_its_state(client):
    query = [
        ("lab", "training"),
        ("frozen", ""),
        ("frozen", "linear.weight"),
        ("bias_lr", "0.5"),
        ("optimizer", "adam"),
    ]
    page = soup(client.get(TRAINING_LESSON, params=query))
    assert [box["value"] for box in page.select(".frozen-choice input[checked]")] == ["linear.weight"]
    assert page.select_one("#bias_lr")["value"] == "0.5"
    assert page.select_one(".trainable-count").get_text(strip=True) == "10"
    rows = [row.get_text(" ", strip=True) for row in page.select(".param-groups tbody tr")]
    assert len(rows) == 2 and "0.5" in rows[1] and "bias" in rows[1]
    assert page.select_one("tr[data-name='linear.weight'] .changed").get_text(strip=True) == "False"
    blank = soup(client.get("/labs/training"))
    assert blank.select_one("#bias_lr")["value"] == "" and not blank.select(".frozen-choice input[checked]")


def test_unticking_every_box_still_counts(client):
    page = soup(client.get("/labs/training", params=[("frozen", "")]))
    assert page.select_one(".trainable-count").get_text(strip=True) == "60"


@pytest.mark.parametrize(
    "url, params, field, text",
    [
        ("/labs/training", {"steps": "500"}, "steps", "at most 200"),
        ("/labs/training", {"steps": "0"}, "steps", "at least 1"),
        ("/labs/training", {"lr": "0"}, "lr", "greater than 0"),
        ("/labs/training", {"lr": "99"}, "lr", "at most 10"),
        ("/labs/training", {"bias_lr": "abc"}, "bias_lr", "must be a number"),
        ("/labs/training", {"samples": "3"}, "samples", "at least 8"),
        ("/labs/training", {"optimizer": "lbfgs"}, "optimizer", "one of: sgd, sgd_momentum"),
        ("/labs/training", {"frozen": "weight"}, "frozen", "linear.weight"),
        ("/labs/devices", {"conversion": "meta"}, "conversion", "one of: to_float64"),
        ("/labs/devices", {"seed": "-3"}, "seed", "at least 0"),
    ],
)
def test_bad_input_is_a_422_shown_in_place(client, url, params, field, text):
    response = client.get(url, params=params, headers={"HX-Request": "true"})
    assert response.status_code == 422
    errors = soup(response).select_one(".input-errors").get_text(" ", strip=True)
    assert field in errors and text in errors


def test_cuda_without_a_gpu_is_a_422_that_says_why(client, monkeypatch):
    monkeypatch.setattr(devices.torch.cuda, "is_available", lambda: False)
    response = client.post("/api/labs/devices", json={"conversion": "cuda"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "conversion",
            "message": "no GPU is present on this server (torch.cuda.is_available() is False); choose another conversion",
        }
    ]
    response = client.get("/labs/devices", params={"conversion": "cuda", "lang": "zh-CN"})
    assert response.status_code == 422 and "没有 GPU" in soup(response).select_one(".input-errors").get_text()


def test_json_api_runs_both_labs(client):
    body = client.post("/api/labs/devices", json={"conversion": "bfloat16"}).json()
    assert body["returned_is_model"] is True
    assert [t["dtype_after"] for t in body["tensors"]] == [
        "torch.bfloat16",
        "torch.bfloat16",
        "torch.int64",
        "torch.float32",
    ]
    body = client.post("/api/labs/training", json={"steps": 5, "frozen": ["bias"], "optimizer": "adamw"}).json()
    assert len(body["losses"]) == 5 and body["trainable_count"] == 55
    assert {p["name"]: p["changed"] for p in body["parameters"]} == {
        "bias": False,
        "linear.weight": True,
        "linear.bias": True,
    }
    response = client.post("/api/labs/training", json={"steps": 1000, "lr": -1})
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert response.status_code == 422 and fields == {"steps": "must be at most 200", "lr": "must be greater than 0.0"}


def test_request_schema_does_not_ask_for_gpu_present(client):
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/api/labs/devices"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    assert "gpu_present" not in schema["components"]["schemas"][name]["properties"]
