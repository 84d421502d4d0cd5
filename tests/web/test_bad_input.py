"""Whatever a client sends, the answer is a 4xx naming the field and what is allowed (issue 17).

Each test here failed before the fix: a 500 (deep JSON, unhashable and non-Unicode values), a number
read from `1_0` or Arabic-Indic digits, a JSON error named like a field, no limit on body or headers.
"""

import json

import pytest

from app.__main__ import server_config
from app.labs import LABS
from app.labs.numbers import parse_float, parse_int
from app.settings import Settings
from app.web.json_body import MAX_DEPTH

JSON = {"content-type": "application/json"}
LAB_ROUTES = [f"/api/labs/{lab.id}" for lab in LABS]
# Every JSON type, text that is not Unicode, numbers in forms Python reads and the labs must not.
HOSTILE = [[], {}, None, True, -1, 1e308, "\ud800", "1_0", "١", "", [[]], {"a": []}, ["\udfff"], "x" * 5000]


def post(client, path, body: str):
    return client.post(path, content=body.encode("utf-8", "surrogatepass"), headers=JSON)


def errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.parametrize("path", ["/api/run", *LAB_ROUTES])
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_a_thousand_deep_is_a_400_saying_how_deep_is_allowed(client, path, opening):
    response = post(client, path, opening * 1000 + "1" + ("]" if opening == "[" else "}") * 1000)
    assert response.status_code == 400
    assert errors(response) == {"body": f"nests too deep: at most {MAX_DEPTH} levels"}


def test_json_just_over_the_depth_limit_is_refused_and_names_where(client):
    body = '{"code": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}"
    response = post(client, "/api/run", body)
    assert response.status_code == 400 and list(errors(response))[0].startswith("code.0.0")


@pytest.mark.parametrize("path", LAB_ROUTES)
def test_every_lab_field_answers_any_json_value_with_a_4xx_or_a_result(client, path):
    lab = next(lab for lab in LABS if path.endswith("/" + lab.id))
    for name in lab.params.model_fields:
        for value in HOSTILE:
            response = post(client, path, json.dumps({name: value}))
            assert response.status_code in (200, 400, 422), (name, value, response.status_code)
            if response.status_code != 200:
                found = errors(response)
                assert found and all(message for message in found.values()), (name, value)
                response.text.encode("utf-8")  # every message is valid text


@pytest.mark.parametrize("model", [[], {}, 3, None])
def test_gallery_model_of_any_json_type_is_a_422_naming_model(client, model):
    response = post(client, "/api/labs/gallery", json.dumps({"model": model}))
    assert response.status_code == 422 and "model" in errors(response)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/labs/gradients", '{"a": ["\\ud800"]}', "a.0"),
        ("/api/labs/registration", '{"name": "\\ud800"}', "name"),
        ("/api/run", '{"code": "print(1)\\udfff"}', "code"),
        ("/api/labs/gradients", '{"\\ud800": 1}', "\\ud800"),
    ],
)
def test_lone_surrogates_are_a_400_naming_the_field(client, path, body, field):
    response = post(client, path, body)
    assert response.status_code == 400
    message = errors(response)[field]
    assert "valid Unicode" in message and "\\u" in message


def test_malformed_json_says_line_and_column_not_a_field(client):
    response = post(client, "/api/labs/gradients", '{\n  "seed": 1,\n  "a": [,]\n}')
    assert response.status_code == 400
    assert errors(response) == {"body": "is not valid JSON: Expecting value at line 3, column 9"}


def test_a_body_that_is_not_utf8_is_a_400(client):
    response = client.post("/api/labs/gradients", content=b'{"a": "\xff"}', headers=JSON)
    assert response.status_code == 400 and errors(response) == {"body": "is not valid UTF-8 (byte 7)"}


def test_a_json_body_that_is_not_an_object_is_a_422(client):
    response = post(client, "/api/labs/gradients", "[1, 2]")
    assert response.status_code == 422 and "body" in errors(response)


@pytest.mark.parametrize("text", ["1_0", "١", "٣", "１", "²", "0x10", "1e3", " "])
def test_integers_are_plain_ascii_decimals(text):
    with pytest.raises(ValueError, match="digits 0-9"):
        parse_int(text)


@pytest.mark.parametrize("text", ["1_0", "١.٥", "inf", "nan", "1__0", "0x1p3", "١"])
def test_decimals_are_plain_ascii(text):
    with pytest.raises(ValueError, match="digits 0-9"):
        parse_float(text)


def test_plain_numbers_still_parse():
    assert parse_int(" 42 ") == 42 and parse_int("-3") == -3
    assert parse_float("0.5") == 0.5 and parse_float("1e-3") == 0.001 and parse_float(".25") == 0.25


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/labs/gradients?seed=1_0", "seed"),
        ("/labs/gradients?seed=%D9%A1", "seed"),  # Arabic-Indic one
        ("/labs/gradients?lr=1_0e-2", "lr"),
        ("/labs/tensor_or_parameter?shape=%D9%A1,2", "shape"),
        ("/labs/gradients?a=forward&a=backward&a=step:sgd:1_0", "a"),
    ],
)
def test_query_numbers_in_other_forms_are_refused(client, url, field):
    response = client.get(url)
    assert response.status_code == 422, url
    assert field in response.text


def test_json_numbers_as_text_in_other_forms_are_refused(client):
    response = post(client, "/api/labs/gradients", '{"seed": "1_0", "lr": "٠.١"}')
    assert response.status_code == 422
    assert errors(response) == {
        "seed": "must be a whole number written with the digits 0-9",
        "lr": "must be a number written with the digits 0-9, e.g. 0.5 or 1e-3",
    }


def test_plain_numbers_as_text_still_work(client):
    assert client.get("/labs/gradients?seed=10&lr=0.05").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/run"), ("POST", "/api/labs/gradients"), ("POST", "/lessons/tensor-or-parameter"), ("GET", "/")],
)
def test_bodies_over_the_limit_are_a_413_on_every_route(client, method, path):
    limit = Settings().max_body_bytes
    response = client.request(method, path, content=b" " * (limit + 1), headers=JSON)
    assert response.status_code == 413 and str(limit) in response.text
    assert "content-security-policy" in response.headers


def test_a_chunked_body_over_the_limit_is_a_413(client):
    limit = Settings().max_body_bytes

    def chunks():
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    response = client.post("/lessons/tensor-or-parameter", content=chunks())
    assert response.status_code == 413


def test_headers_over_the_limit_are_a_431_before_anything_reads_them(client):
    limit = Settings().max_header_bytes
    response = client.get("/", headers={"cookie": "plab_lang=zh-CN; x=" + "a" * limit})
    assert response.status_code == 431 and str(limit) in response.text
    assert response.headers["x-frame-options"] == "DENY"
    api = client.get("/api/lessons", headers={"x-big": "a" * limit})
    assert api.status_code == 431 and "detail" in api.json()


def test_keep_alive_outlasts_a_browsers_idle_gap():
    settings = Settings()
    assert settings.keep_alive_timeout >= 60
    assert server_config(settings).timeout_keep_alive == settings.keep_alive_timeout
    assert server_config(Settings(keep_alive_timeout=90)).timeout_keep_alive == 90


def test_an_empty_optional_number_is_still_no_value(client):
    # A form sends bias_lr= when the learner leaves it empty: that means "one parameter group".
    assert client.get("/labs/training?bias_lr=&steps=5").status_code == 200
