"""Registration lab and model gallery over HTTP: pages in both languages, htmx blocks, JSON, 4xx answers."""

import pytest
import torch
from torch import nn

from app.i18n import LOCALES
from app.labs.zoo import MODELS
from tests.helpers import soup

LAB = "/labs/registration"
STEPS = [("step", "add:w:param:3,4"), ("step", "add:head:linear:4,2"), ("step", "set:w:tensor:3")]


def test_registration_page_replays_the_steps_from_the_url(client):
    page = soup(client.get(LAB, params=STEPS))
    timeline = page.select(".reg-timeline > li")
    assert len(timeline) == 3
    assert "cannot assign 'torch.FloatTensor' as parameter 'w'" in timeline[2].select_one(".torch-error").get_text()
    now = page.select_one(".reg-now [data-view=named_parameters]").get_text(" ", strip=True)
    assert "head.weight" in now and "w" in now
    assert [i["value"] for i in page.select("input[name=step]")] == [value for _, value in STEPS]
    assert "class Built(nn.Module):" in page.select_one(".reg-code").get_text()


def test_the_form_appends_its_step_and_renders_the_canonical_state(client):
    response = client.get(
        LAB,
        params=STEPS[:1] + [("op", "add"), ("name", "scale"), ("kind", "buffer_np"), ("sizes", "2")],
        headers={"HX-Request": "true"},
    )
    page = soup(response)
    assert "<html" not in response.text and page.select_one("section#lab-registration")
    assert [i["value"] for i in page.select("input[name=step]")] == ["add:w:param:3,4", "add:scale:buffer_np:2"]
    assert page.select_one("input#name")["value"] == ""  # ready for the next step
    assert page.select_one("#kind option[selected]")["value"] == "buffer_np"  # the kind stays chosen
    new_rows = page.select(".reg-now [data-view=buffers] tr.reg-row-new")
    assert [row.th.code.get_text() for row in new_rows] == ["scale"]


def test_remove_links_lead_to_the_state_without_that_step(client):
    page = soup(client.get(LAB, params=STEPS))
    link = page.select("a.reg-remove")[0]
    assert link["hx-get"] == link["href"].split("#")[0]
    after = soup(client.get(LAB + link["href"].split("#")[0]))
    assert [i["value"] for i in after.select("input[name=step]")] == ["add:head:linear:4,2", "set:w:tensor:3"]
    assert after.select_one(".reg-timeline .torch-error") is None  # w is new now, so the tensor is accepted


@pytest.mark.parametrize(
    "params, field, text",
    [
        ([("step", "add:w:param:3")] * 21, "step", "20"),
        ([("name", "2fast")], "name", "not a Python identifier"),
        ([("name", "forward")], "name", "already a method"),
        ([("name", "w"), ("sizes", "100000")], "sizes", "between 1 and 64"),
        ([("step", "add:w:param:3,4,5,6,7")], "step.0", "at most 4 dimensions"),
    ],
)
def test_bad_registration_input_is_a_422_in_place(client, params, field, text):
    response = client.get(LAB, params=params, headers={"HX-Request": "true"})
    assert response.status_code == 422
    errors = soup(response).select_one(".input-errors").get_text(" ", strip=True)
    assert field in errors and text in errors


def test_a_broken_step_is_shown_in_an_open_editable_box(client):
    page = soup(client.get(LAB, params=[("step", "add:w:param:3"), ("step", "add:w:magic:3")]))
    assert page.select_one("details.reg-steps-text").has_attr("open")
    assert page.select_one("#step-2")["aria-invalid"] == "true"


def test_registration_json_api(client):
    ok = client.post("/api/labs/registration", json={"step": ["add:w:param:3", "add:b:buffer:2"]})
    assert ok.status_code == 200
    last = ok.json()["steps"][-1]["views"]
    assert [row["name"] for row in last["state_dict"]] == ["w", "b"] and last["total_parameters"] == 3
    too_many = client.post("/api/labs/registration", json={"step": ["add:w:param:3"] * 21})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "step"
    bad_name = client.post("/api/labs/registration", json={"name": "my-weight"})
    assert bad_name.status_code == 422 and "identifier" in bad_name.json()["errors"][0]["message"]


@pytest.mark.parametrize("locale", LOCALES)
def test_gallery_pages_render_in_both_languages(client, locale):
    listing = soup(client.get("/models", params={"lang": locale}))
    assert [a["href"] for a in listing.select(".gallery-list a")] == [f"/models/{model_id}" for model_id in MODELS]
    for model_id in MODELS:
        response = client.get(f"/models/{model_id}", params={"lang": locale})
        assert response.status_code == 200, model_id
        page = soup(response)
        assert page.html["lang"] == locale and page.h1.get_text(strip=True)
        names = [th.get_text() for th in page.select(".gallery-parameters tbody tr:not(.gallery-gate-row) th")]
        assert names and len(page.select(".gallery-heatmap svg title")) >= len(names)
        assert page.select_one(".gallery-total").get_text().isdigit()


def test_lstm_page_shows_the_curriculums_shapes_and_summaries(client):
    page = soup(client.get("/models/lstm"))
    rows = {
        tr.th.get_text(): tr.select("td")[0].get_text()
        for tr in page.select(".gallery-parameters tbody tr:not(.gallery-gate-row)")
    }
    assert rows == {
        "weight_ih_l0": "(256, 512)",
        "weight_hh_l0": "(256, 64)",
        "bias_ih_l0": "(256,)",
        "bias_hh_l0": "(256,)",
    }
    assert "max" in page.select(".gallery-figure figcaption")[0].get_text()
    assert page.select(".gallery-note")  # large tensors are block averages, and say so
    assert "nn.LSTM" in page.select_one(".gallery-source").get_text()


def test_small_parameters_have_a_value_table(client):
    page = soup(client.get("/models/matmul3"))
    table = page.select_one(".gallery-values table")
    assert len(table.select("tr")) == 3 and len(table.select("tr")[0].select("td")) == 3


def test_model_page_hyper_parameters_and_htmx_block(client):
    response = client.get("/models/sge", params={"groups": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    rows = {
        tr.th.get_text(): tr.select("td")[0].get_text() for tr in soup(response).select(".gallery-parameters tbody tr")
    }
    assert rows == {"weight": "(1, 4, 1, 1)", "bias": "(1, 4, 1, 1)"}


def test_groups_not_dividing_channels_is_a_clear_422(client):
    for url in ("/models/sge", "/labs/gallery"):
        response = client.get(url, params={"model": "sge", "groups": "3", "channels": "32"})
        assert response.status_code == 422
        assert "channels (32) must divide by groups (3)" in soup(response).select_one(".input-errors").get_text()
    api = client.get("/api/models/sge", params={"groups": "3"})
    assert api.status_code == 422 and "must divide by groups" in api.json()["errors"][0]["message"]


def test_unknown_model_is_a_friendly_404(client):
    page = client.get("/models/resnet")
    assert page.status_code == 404 and "linear_bias" in soup(page).select_one(".error-message").get_text()
    api = client.get("/api/models/resnet")
    assert api.status_code == 404 and "linear_bias" in api.json()["detail"]


def test_models_json_api_and_openapi(client):
    listing = client.get("/api/models").json()
    assert [m["id"] for m in listing] == list(MODELS)
    lstm = next(m for m in listing if m["id"] == "lstm")
    assert {"name": "hidden_size", "type": "int", "default": 64, "minimum": 1, "maximum": 512} in lstm[
        "hyper_parameters"
    ]
    report = client.get("/api/models/lstm", params={"hidden_size": "8", "bidirectional": "true"}).json()
    assert [p["row"]["shape"] for p in report["parameters"]][:2] == [[32, 512], [32, 8]]
    assert "heatmap_svg" not in report["parameters"][0]
    assert client.get("/api/models/lstm", params={"num_layers": "99"}).status_code == 422
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/models", "/api/models/lstm", "/api/models/sge", "/api/labs/registration", "/api/labs/gallery"} <= set(
        paths
    )
    assert "groups" in {p["name"] for p in paths["/api/models/sge"]["get"]["parameters"]}


@pytest.mark.parametrize("slug", ["live-registration", "model-gallery"])
@pytest.mark.parametrize("locale", LOCALES)
def test_lessons_two_and_three_render_with_their_labs(client, slug, locale):
    page = soup(client.get(f"/lessons/{slug}", params={"lang": locale}))
    assert page.select_one("section.lab") and page.select_one(".callout-mistake") and page.select_one(".callout-why")
    assert page.select("code.fact")


def test_each_earlier_step_links_to_the_state_right_after_it(client):
    steps = ["add:w:param:2", "add:b:buffer:2", "add:t:tensor:2"]
    page = soup(client.get("/labs/registration", params=[("step", s) for s in steps]))
    links = page.select("a.reg-prefix")
    assert len(links) == len(steps) - 1  # the last step's views are on the page itself
    after_first = soup(client.get("/labs/registration" + links[0]["href"].split("#")[0]))
    assert [li.select_one("code").get_text() for li in after_first.select(".reg-timeline > li")] == [
        li.select_one("code").get_text() for li in page.select(".reg-timeline > li")
    ][:1]


def test_lstm_page_labels_the_four_gate_blocks_with_their_own_statistics(client):
    torch.manual_seed(0)
    lstm = nn.LSTM(512, 64)  # the gallery's defaults, seeded the same way
    page = soup(client.get("/models/lstm"))
    figures = page.select(".gallery-figure")
    for figure, (name, parameter) in zip(figures, lstm.named_parameters(), strict=True):
        labels = [text.get_text() for text in figure.select("svg.heatmap > text")]
        assert labels == ["i: input", "f: forget", "g: cell", "o: output"], name  # torch's order
        rows = figure.select(".gallery-gates tbody tr")
        for gate, row in enumerate(rows):
            block = parameter.detach()[gate * 64 : (gate + 1) * 64].double()
            cells = [td.get_text() for td in row.select("td")]
            assert cells[0] == f"[{gate * 64}:{(gate + 1) * 64}]"
            expected = [block.min(), block.max(), block.mean(), block.std()]
            assert cells[1:] == [f"{value.item():.3g}" for value in expected], (name, gate)
        caption = figure.figcaption.get_text()
        if parameter.dim() == 2:
            assert f"{parameter.shape[0]} rows = 4 × hidden_size ({lstm.hidden_size})" in caption, name
        else:
            assert "rows = " not in caption, name


def test_lstm_bias_caption_and_picture_agree_on_four_gate_rows(client):
    """A 1-D bias of 4 * hidden_size values is drawn as one row per gate, and its caption says so."""
    lstm = nn.LSTM(512, 64)  # the gallery's defaults
    page = soup(client.get("/models/lstm"))
    figures = dict(zip((name for name, _ in lstm.named_parameters()), page.select(".gallery-figure"), strict=True))
    for name in ("bias_ih_l0", "bias_hh_l0"):
        (values,) = getattr(lstm, name).shape
        gates, hidden = values // lstm.hidden_size, lstm.hidden_size  # torch stacks i, f, g, o
        caption = figures[name].figcaption.get_text()
        assert f"its {values} values = 4 × hidden_size ({hidden})" in caption
        assert f"draws them as {gates} rows of {hidden} values, one row per gate" in caption
        drawn = figures[name].select_one("svg.heatmap > svg")  # the cells' grid: viewBox 0 0 columns rows
        assert drawn["viewbox"] == f"0 0 {hidden} {gates}"  # the HTML parser lowercases attribute names
        assert [th.get_text() for th in figures[name].select(".gallery-gates thead th")][1] == "values"


def test_heat_map_scale_and_caption_agree(client):
    page = soup(client.get("/models/lstm"))
    for figure in page.select(".gallery-figure"):
        bar_top = figure.select("svg.heatmap g text")[0].get_text()  # the colour bar's upper end
        caption = figure.figcaption.get_text()
        assert f"±{bar_top}" in caption or f"to {bar_top}:" in caption
    weight = page.select(".gallery-figure")[0].figcaption.get_text()
    assert "average of a block of about 4 × 8 values" in weight  # (256, 512) drawn as 64 x 64 squares
