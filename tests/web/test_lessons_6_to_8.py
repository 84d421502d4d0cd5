"""Lessons 6-8 and their labs over HTTP: both languages, htmx fragments, JSON, and 4xx for bad input."""

import pytest

from app.i18n import LOCALES
from tests.helpers import soup

LESSONS = {"initialisation": "init", "buffers": "buffers", "detach-clone-view": "views"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("slug, lab_id", LESSONS.items())
def test_lesson_pages_render_with_lab_facts_and_a_mistake_callout(app, client, locale, slug, lab_id):
    response = client.get(f"/lessons/{slug}", params={"lang": locale})
    assert response.status_code == 200
    page = soup(response)
    lesson = next(lesson for lesson in app.state.lessons[locale] if lesson.slug == slug)
    assert page.h1.get_text(strip=True) == lesson.title
    assert page.select_one(f"section#lab-{lab_id} form.lab-form")
    assert page.select_one(f"#lab-{lab_id}-result table")
    assert page.select_one(".callout-mistake")
    assert "[[fact:" not in response.text and len(page.select("code.fact")) >= 5


def test_chinese_lab_pages_are_translated(client):
    init = soup(client.get("/labs/init", params={"lang": "zh-CN"}))
    assert init.select_one(".init-visits caption").get_text(strip=True) == "按顺序访问到的模块"
    buffers = soup(client.get("/labs/buffers", params={"lang": "zh-CN"}))
    assert "谁被转换" in buffers.select_one(".buffers-fates caption").get_text()
    views = soup(client.get("/labs/views", params={"lang": "zh-CN"}))
    assert views.select_one("label[for=operation]").get_text(strip=True) == "由 p 得到 y"


def test_init_lab_draws_histograms_with_table_alternatives(client):
    page = soup(client.get("/labs/init", params={"model": "linear_bias", "scheme": "zeros", "bins": "8"}))
    sections = page.select(".init-param")
    assert [s.h4.code.get_text() for s in sections] == ["bias", "linear.weight", "linear.bias"]
    for section in sections:
        assert len(section.select("svg.histogram")) == 2
        assert all(svg.title.get_text() for svg in section.select("svg.histogram"))
        tables = section.select("details table.bins")
        assert len(tables) == 2 and all(len(t.select("tbody tr")) == 8 for t in tables)
    identity = page.select(".init-identity tbody tr")
    assert all(cell.get_text(strip=True) == "True" for row in identity for cell in row.select("td")[3:5])


def test_htmx_gets_only_the_views_widget(client):
    response = client.get(
        "/lessons/detach-clone-view",
        params={"lab": "views", "operation": "data", "graph": "square"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "<html" not in response.text
    block = soup(response)
    assert block.select_one("section#lab-views")
    assert block.select_one(".views-outcomes tr.selected th code").get_text() == "p.data"


@pytest.mark.parametrize(
    "lab_id, body, keys",
    [
        (
            "init",
            {"model": "matmul3", "scheme": "xavier_uniform"},
            {"code", "visits", "parameters", "all_same_objects"},
        ),
        ("buffers", {"dtype": "float16"}, {"attributes", "state_dict_keys", "batchnorm", "load_result"}),
        ("views", {"operation": "clone"}, {"outcomes", "selected", "detail"}),
    ],
)
def test_labs_run_as_json(client, lab_id, body, keys):
    response = client.post(f"/api/labs/{lab_id}", json=body)
    assert response.status_code == 200
    assert keys <= set(response.json())


def test_json_results_carry_torch_answers(client):
    init = client.post("/api/labs/init", json={"model": "matmul3", "scheme": "zeros"}).json()
    assert init["parameters"][0]["same_object"] is True and init["parameters"][0]["after"]["max"] == 0
    views = client.post("/api/labs/views", json={"operation": "index"}).json()
    assert "view of a leaf Variable" in views["selected"]["error"]


@pytest.mark.parametrize(
    "lab_id, body, field, text",
    [
        ("init", {"bins": 100}, "bins", "at most 40"),
        ("init", {"model": "resnet"}, "model", "one of: small_convnet"),
        ("init", {"seed": "x"}, "seed", "whole number"),
        ("buffers", {"lr": 0}, "lr", "greater than 0"),
        ("buffers", {"batch": 1000}, "batch", "at most 64"),
        ("buffers", {"dtype": "int64"}, "dtype", "one of: float64"),
        ("views", {"rows": 1}, "rows", "at least 2"),
        ("views", {"operation": "copy"}, "operation", "one of: itself, detach"),
        ("views", {"extra": 1}, "extra", "not an input"),
    ],
)
def test_bad_json_input_names_the_field_and_the_limit(client, lab_id, body, field, text):
    response = client.post(f"/api/labs/{lab_id}", json=body)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert text in errors[field]


def test_bad_input_on_a_page_is_shown_in_place(client):
    response = client.get("/lessons/buffers", params={"lab": "buffers", "features": "99", "lang": "zh-CN"})
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("main h1")
    assert "不能大于 8" in page.select_one("#lab-buffers-result .input-errors").get_text()
    assert page.select_one("#features")["aria-invalid"] == "true"
