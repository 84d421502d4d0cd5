"""The JSON API: health, lessons, labs (typed routes in OpenAPI), and 4xx answers for bad input."""

import pytest

from app.labs import LAB_BY_ID as LABS


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["lessons"] >= 1 and body["labs"] == len(LABS)


def test_lessons_per_locale(app, client):
    body = client.get("/api/lessons").json()
    assert set(body) == {"en", "zh-CN"}
    assert [item["slug"] for item in body["en"]] == [lesson.slug for lesson in app.state.lessons["en"]]
    assert body["zh-CN"][0]["title"] == app.state.lessons["zh-CN"][0].title
    assert list(client.get("/api/lessons?locale=zh-CN").json()) == ["zh-CN"]
    assert client.get("/api/lessons?locale=xx").status_code == 400


def test_lab_runs_as_json(client):
    body = client.post("/api/labs/tensor_or_parameter", json={"wrapper": "parameter", "context": "no_grad"}).json()
    assert body["is_parameter"] is True and body["requires_grad"] is True
    assert client.post("/api/labs/tensor_or_parameter", json={}).status_code == 200


def test_registration_json_names_the_views_each_step_changed(client):
    body = client.post("/api/labs/registration", json={"step": ["add:w:param:3", "add:t:tensor:2", "del:w"]}).json()
    assert [step["changed"] for step in body["steps"]] == [
        ["parameters_dict", "named_parameters", "state_dict", "optimizer"],
        ["plain_attributes"],
        ["parameters_dict", "named_parameters", "state_dict", "optimizer"],
    ]
    assert body["steps"][2]["views"]["removed"]["named_parameters"] == ["w"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "changed" in next(s for name, s in schema.items() if name.startswith("StepResult"))["properties"]


def test_every_lab_is_in_openapi(client):
    schema = client.get("/openapi.json").json()
    for lab_id in LABS:
        operation = schema["paths"][f"/api/labs/{lab_id}"]["post"]
        assert operation["requestBody"] and operation["responses"]["200"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    "body, field, text",
    [
        ({"shape": "100"}, "shape", "between 1 and 64"),
        ({"seed": 2**40}, "seed", "at most"),
        ({"seed": "x"}, "seed", "whole number"),
        ({"dtype": "float16"}, "dtype", "one of"),
        ({"extra": 1}, "extra", "not an input"),
        ({"shape": 5}, "shape", "wrong type"),
    ],
)
def test_bad_json_input_names_the_field(client, body, field, text):
    response = client.post("/api/labs/tensor_or_parameter", json=body)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert text in errors[field]


def test_malformed_json_and_unknown_labs(client):
    response = client.post(
        "/api/labs/tensor_or_parameter", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    # Malformed JSON is a 400 that says where it broke, not a field named by a character offset.
    assert response.status_code == 400 and "JSON" in response.text
    assert response.json()["errors"] == [
        {
            "field": "body",
            "message": "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        }
    ]
    assert client.post("/api/labs/tensor_or_parameter", json=[1, 2]).status_code == 422
    response = client.post("/api/labs/nope", json={})
    assert response.status_code == 404 and "tensor_or_parameter" in response.json()["detail"]
