"""Download routes: lesson notebooks and lab-state notebooks and scripts, their links, names and 4xx."""

import json
from urllib.parse import parse_qsl, urlsplit

import nbformat
import pytest

from app.course.lab_code import lab_code
from app.i18n import LOCALES
from app.labs import LAB_BY_ID
from app.labs.base import evaluate
from tests.helpers import soup


def notebook_of(response):
    notebook = nbformat.reads(response.text, as_version=4)
    nbformat.validate(notebook)
    return notebook


@pytest.mark.parametrize("locale", LOCALES)
def test_every_lesson_downloads_as_a_notebook_in_its_language(app, client, locale):
    for lesson in app.state.lessons[locale]:
        page = soup(client.get(f"/lessons/{lesson.slug}", params={"lang": locale}))
        link = page.select_one(".lesson-download a[download]")
        assert link is not None and urlsplit(link["href"]).path == f"/lessons/{lesson.slug}.ipynb"
        response = client.get(link["href"], params={"lang": locale})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ipynb+json")
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="{lesson.order:02d}-{lesson.slug}.{locale}.ipynb"'
        notebook = notebook_of(response)
        assert notebook.metadata.parameter_lab.locale == locale
        assert notebook.cells[0].source.startswith(f"# {lesson.title}\n")
        # The facts the page shows are the facts the notebook holds (both computed by torch now).
        shown = [code.get_text() for code in page.select("code.fact")]
        markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        for value in shown:
            assert value in markdown
        assert "](/" not in markdown and 'href="/' not in markdown  # links name the site: no site around a file


def test_notebook_words_follow_the_language(client):
    english = notebook_of(client.get("/lessons/rebinding-pitfall.ipynb", params={"lang": "en"}))
    chinese = notebook_of(client.get("/lessons/rebinding-pitfall.ipynb", params={"lang": "zh-CN"}))
    assert "Predict, then run:" in json.dumps(english.cells, ensure_ascii=False)
    assert "先预测，再运行：" in json.dumps(chinese.cells, ensure_ascii=False)
    assert "Predict, then run:" not in json.dumps(chinese.cells, ensure_ascii=False)


def test_a_lesson_notebook_takes_the_lab_state_in_its_url(client):
    query = {"lab": "gradients", "a": ["forward", "backward"]}
    notebook = notebook_of(client.get("/lessons/gradients.ipynb", params=query))
    lab_cells = [c.source for c in notebook.cells if c.metadata.get("parameter_lab", {}).get("lab") == "gradients"]
    expected = lab_code(evaluate(LAB_BY_ID["gradients"], {"a": ["forward", "backward"]})).pieces
    assert lab_cells == [piece.strip("\n") for piece in expected]
    assert any("backward()" in source for source in lab_cells)


@pytest.mark.parametrize("lab_id", list(LAB_BY_ID))
def test_every_lab_page_offers_its_state_as_a_notebook_and_a_script(client, lab_id):
    page = soup(client.get(f"/labs/{lab_id}"))
    links = [a["href"] for a in page.select(".lab-downloads a[download]")]
    assert [urlsplit(href).path for href in links] == [f"/labs/{lab_id}.ipynb", f"/labs/{lab_id}.py"]
    state = evaluate(LAB_BY_ID[lab_id], {})
    code = lab_code(state)
    notebook_response, script_response = client.get(links[0]), client.get(links[1])
    assert notebook_response.status_code == script_response.status_code == 200
    assert f'filename="lab-{lab_id}.en.ipynb"' in notebook_response.headers["content-disposition"]
    assert f'filename="lab-{lab_id}.py"' in script_response.headers["content-disposition"]
    notebook = notebook_of(notebook_response)
    assert notebook.metadata.kernelspec.name == "python3"
    assert script_response.text.endswith(code.script)
    compile(script_response.text, "<script>", "exec")
    # The links name the page's exact inputs: following them gives the state the page shows.
    assert dict(parse_qsl(urlsplit(links[0]).query, keep_blank_values=True)).keys() <= state.values.keys()


def test_lab_download_links_follow_the_state_and_the_script_has_its_code(client):
    page = soup(client.get("/labs/tensor_or_parameter", params={"shape": "3", "wrapper": "tensor", "seed": "7"}))
    href = page.select_one(".lab-downloads a[href*='.py']")["href"]
    script = client.get(href).text
    assert "torch.manual_seed(7)" in script and "source = torch.randn(3, dtype=torch.float32)" in script
    assert "x = source" in script


@pytest.mark.parametrize(
    "url",
    [
        "/lessons/no-such-lesson",
        "/lessons/gradients?lab=no_such_lab",
        "/lessons/tensor-or-parameter?lab=tensor_or_parameter&shape=0",
        "/lessons/tensor-or-parameter?lab=tensor_or_parameter&wrapper=nonsense",
        "/labs/no_such_lab",
        "/labs/tensor_or_parameter?shape=99,99,99",
        "/labs/gallery?model=sge&groups=3&channels=32",
        "/labs/registration?step=add:_x:param:3",
    ],
)
def test_bad_slug_or_state_gets_the_pages_4xx(client, url):
    path, _, query = url.partition("?")
    page = client.get(url)
    assert 400 <= page.status_code < 500, url
    for extension in ("ipynb", "py") if path.startswith("/labs/") else ("ipynb",):
        download = client.get(f"{path}.{extension}" + (f"?{query}" if query else ""))
        assert download.status_code == page.status_code, (url, extension)
        assert "content-disposition" not in download.headers


def test_too_many_values_is_the_same_400(client):
    query = "&".join(f"seed={n}" for n in range(300))
    assert client.get(f"/labs/training?{query}").status_code == 400
    assert client.get(f"/labs/training.ipynb?{query}").status_code == 400
    assert client.get(f"/lessons/putting-it-together.ipynb?lab=training&{query}").status_code == 400
