"""Pages in both languages, htmx fragments versus full pages, preferences and security headers."""

import pytest

from app.i18n import LOCALES
from app.labs import LAB_BY_ID as LABS
from tests.helpers import soup

LESSON = "/lessons/tensor-or-parameter"


def all_page_urls(app):
    urls = ["/", "/labs"] + [f"/labs/{lab_id}" for lab_id in LABS]
    return urls + [f"/lessons/{lesson.slug}" for lesson in app.state.lessons["en"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_renders_in_both_languages(app, client, locale):
    for url in all_page_urls(app):
        response = client.get(url, params={"lang": locale})
        assert response.status_code == 200, url
        page = soup(response)
        assert page.html["lang"] == locale
        assert page.title.string.strip().endswith("Parameter Lab")
        assert page.h1 and page.h1.get_text(strip=True)


def test_lesson_titles_follow_the_language(app, client):
    for locale in LOCALES:
        lesson = app.state.lessons[locale][0]
        page = soup(client.get(f"/lessons/{lesson.slug}", params={"lang": locale}))
        assert page.h1.get_text(strip=True) == lesson.title


def test_index_lists_lessons_in_order(app, client):
    links = [a["href"] for a in soup(client.get("/")).select(".lesson-list a")]
    assert links == [f"/lessons/{lesson.slug}" for lesson in app.state.lessons["en"]]


def test_language_cookie_and_accept_language(client):
    assert soup(client.get("/", headers={"Accept-Language": "zh-CN"})).html["lang"] == "zh-CN"
    response = client.get("/?lang=zh-CN")
    assert "plab_lang=zh-CN" in response.headers["set-cookie"]
    assert soup(client.get("/", headers={"Accept-Language": "en"})).html["lang"] == "zh-CN"  # cookie wins


def test_unknown_language_is_a_400_that_lists_the_choices(client):
    response = client.get("/?lang=fr")
    assert response.status_code == 400
    assert "en, zh-CN" in soup(response).select_one(".error-message").get_text()


def test_lab_form_works_without_javascript(client):
    response = client.get(LESSON, params={"lab": "tensor_or_parameter", "wrapper": "tensor", "context": "no_grad"})
    page = soup(response)
    assert page.select_one("main h1")  # the whole page
    form = page.select_one("form.lab-form")
    assert form["method"] == "get" and form["action"].startswith(LESSON)
    assert page.select_one("#wrapper option[selected]")["value"] == "tensor"
    assert "isinstance(x, nn.Parameter)" in page.select_one(".facts").get_text()


def test_htmx_gets_only_the_lab_block(client):
    response = client.get(
        LESSON, params={"lab": "tensor_or_parameter", "wrapper": "parameter"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "<h1" not in response.text
    assert soup(response).select_one("section#lab-tensor_or_parameter form.lab-form")
    block = soup(response).select_one("#lab-tensor_or_parameter-result")
    assert "Parameter containing" in block.get_text()


def test_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(LESSON, headers=headers).text


@pytest.mark.parametrize(
    "params, field, text",
    [
        ({"shape": "0,2"}, "shape", "between 1 and 64"),
        ({"shape": "99999"}, "shape", "between 1 and 64"),
        ({"seed": "-1"}, "seed", "at least 0"),
        ({"seed": "abc"}, "seed", "whole number"),
        ({"wrapper": "magic"}, "wrapper", "one of: tensor, tensor_requires_grad"),
        ({"color": "red"}, "color", "not an input"),
    ],
)
def test_bad_lab_input_is_a_422_shown_in_place(client, params, field, text):
    for url in (LESSON, "/labs/tensor_or_parameter"):
        response = client.get(url, params={"lab": "tensor_or_parameter", **params}, headers={"HX-Request": "true"})
        assert response.status_code == 422
        errors = soup(response).select_one(".input-errors").get_text(" ", strip=True)
        assert field in errors and text in errors
    full = soup(client.get(LESSON, params={"lab": "tensor_or_parameter", **params}))
    assert full.select_one("h1") and full.select_one(".input-errors")


def test_bad_input_messages_are_translated(client):
    response = client.get(
        LESSON, params={"lab": "tensor_or_parameter", "shape": "0", "lang": "zh-CN"}, headers={"HX-Request": "true"}
    )
    assert "每一维的大小必须在 1 到 64 之间" in response.text


def test_unknown_pages_labs_and_lessons_are_friendly_404s(client):
    for url in ("/nope", "/lessons/nope", "/labs/nope", LESSON + "?lab=nope"):
        response = client.get(url)
        assert response.status_code == 404, url
        page = soup(response)
        assert page.select_one(".error-message") and page.select_one("a[href='/']")


def test_too_many_query_values_is_a_400(client):
    response = client.get("/labs/tensor_or_parameter", params=[("seed", "1")] * 500)
    assert response.status_code == 400


def test_previous_and_next_links(app, client):
    lessons = app.state.lessons["en"]
    first = soup(client.get(f"/lessons/{lessons[0].slug}"))
    assert not first.select("a[rel=prev]")
    if len(lessons) > 1:
        assert first.select_one("a[rel=next]")["href"] == f"/lessons/{lessons[1].slug}"


def test_theme_preference_is_remembered_without_javascript(client):
    response = client.get("/prefs", params={"theme": "dark", "next": LESSON}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == LESSON
    assert soup(client.get(LESSON)).html["data-theme"] == "dark"
    assert client.get("/prefs", params={"theme": "neon"}).status_code == 400
    assert (
        client.get("/prefs", params={"theme": "light", "next": "//evil.example"}, follow_redirects=False).headers[
            "location"
        ]
        == "/"
    )


def test_security_headers_on_every_response(client):
    for url in ("/", LESSON, "/nope", "/healthz", "/static/css/site.css", "/api/lessons"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]


def test_no_inline_script_or_style_and_nothing_from_another_host(app, client):
    for url in all_page_urls(app):
        page = soup(client.get(url))
        for script in page.find_all("script"):
            assert script.get("src", "").startswith("/static/") and not script.string
        assert not page.find_all("style") and not page.select("[style]")
        for link in page.find_all("link"):
            assert link["href"].startswith("/static/")


def test_htmx_is_served_locally(client):
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]


def test_every_control_has_a_label(app, client):
    for url in all_page_urls(app):
        page = soup(client.get(url))
        for control in page.select("input:not([type=hidden]), select, textarea"):
            wrapped = control.find_parent("label") is not None
            assert wrapped or page.select_one(f"label[for='{control.get('id')}']"), f"{url}: {control} has no label"


def test_a_lesson_can_start_a_lab_with_a_list_of_inputs():
    from app.labs import LAB_BY_ID as LABS
    from app.web.lab_inputs import query_inputs

    start = (("step", "add:w:param:2"), ("step", "add:b:buffer:2"))
    assert query_inputs(None, LABS["registration"], start)["step"] == ["add:w:param:2", "add:b:buffer:2"]
