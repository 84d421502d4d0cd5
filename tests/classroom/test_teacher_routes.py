"""Teacher routes on both databases: sign-in, refusal without a session, managing a class."""

import re

import pytest

from tests.classroom.conftest import TOKEN, another_browser
from tests.classroom.helpers import create_class, join, sign_in
from tests.helpers import soup

TEACHER_POSTS = ["/teacher/classes", "/teacher/classes/{id}/joining", "/teacher/classes/{id}/code"]
TEACHER_POSTS += ["/teacher/classes/{id}/students/{sid}/rename", "/teacher/classes/{id}/students/{sid}/remove"]
TEACHER_POSTS += ["/teacher/classes/{id}/delete"]


def test_sign_in_page_and_wrong_token(web):
    page = soup(web.get("/teacher"))
    assert page.select_one('form[action="/teacher/sign-in"][method="post"] input[name="token"]')
    response = web.post("/teacher/sign-in", data={"token": "wrong"})
    assert response.status_code == 401 and "start-up log" in soup(response).select_one("[role=alert]").text
    assert "plab_teacher" not in response.cookies


def test_sign_in_sets_a_private_cookie(web):
    response = web.post("/teacher/sign-in", data={"token": TOKEN}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert (
        response.status_code == 303 and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    )  # names are case-blind
    assert "Secure" not in cookie  # plain http in tests; over https the flag is set
    secure = web.get("https://testserver/teacher/sign-in", params={"token": TOKEN}, follow_redirects=False)
    assert "Secure" in secure.headers["set-cookie"]
    assert TOKEN not in cookie


def test_sign_in_link_from_the_log(web):
    response = web.get("/teacher/sign-in", params={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/teacher"


def test_every_teacher_route_refuses_without_a_session(web):
    teacher = another_browser(web)
    sign_in(teacher)
    path, code = create_class(teacher)
    join(web, code, "Ann")
    student_id = re.search(r"/students/([^/]+)/rename", teacher.get(path).text).group(1)
    class_id = path.rsplit("/", 1)[1]
    web.cookies.set("plab_teacher", "forged-session")
    assert web.get(path).status_code == 401
    for route in TEACHER_POSTS:
        url = route.format(id=class_id, sid=student_id)
        response = web.post(url, data={"name": "X", "ends_on": "2030-01-01", "open": "no", "confirm": "yes"})
        assert response.status_code == 401, url
    assert "Ann" in teacher.get(path).text  # nothing was changed or deleted


def test_a_teachers_pages_refuse_requests_another_site_started(web):
    sign_in(web)
    path, _code = create_class(web)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        refused = web.get(path, headers=headers)
        assert refused.status_code == 403 and "another site" in refused.text
    assert web.get(path, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_wrong_tokens_are_rate_limited(web):
    limit = web.app.state.settings.sign_in_rate_limit
    client = another_browser(web, "10.9.9.9")
    statuses = [client.post("/teacher/sign-in", data={"token": "nope"}).status_code for _ in range(limit + 1)]
    assert statuses == [401] * limit + [429]
    refused = client.post("/teacher/sign-in", data={"token": TOKEN}, follow_redirects=False)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert another_browser(web, "10.9.9.10").post("/teacher/sign-in", data={"token": TOKEN}).status_code == 200


def test_create_class_shows_code_link_and_qr(web):
    sign_in(web)
    path, code = create_class(web, "力学 1")
    page = soup(web.get(path))
    assert page.h1.text == "力学 1"
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", code)
    assert page.select_one("[data-join-link]")["href"].endswith(f"/join/{code}")
    svg = page.select_one(".qr-figure svg")
    assert svg is not None and svg.title.text.endswith(code) and svg.path is not None
    assert len(path.rsplit("/", 1)[1]) >= 22  # a random id, not a counter
    assert "力学 1" in web.get("/teacher").text


def test_bad_class_input_is_answered_in_place(web):
    sign_in(web)
    response = web.post("/teacher/classes", data={"name": "", "ends_on": "2000-01-01"})
    assert response.status_code == 422 and soup(response).select_one(".input-errors[role=alert]")
    response = web.post("/teacher/classes", data={"name": "A", "ends_on": "soon"}, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.text
    assert web.get("/teacher/classes/not-a-class").status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_close_joining_new_code_rename_remove_delete(web, lang):
    sign_in(web)
    path, code = create_class(web)
    join(another_browser(web), code, "Ann")
    web.post(path + "/joining", data={"open": "no"})
    closed = another_browser(web).post("/join", data={"code": code, "name": "Bob"}, params={"lang": lang})
    assert closed.status_code == 403 and soup(closed).select_one("#join-error")
    web.post(path + "/joining", data={"open": "yes"})
    web.post(path + "/code")
    new = re.search(r"data-join-code>([^<]+)<", web.get(path).text).group(1)
    assert new != code
    student_id = re.search(r"/students/([^/]+)/rename", web.get(path).text).group(1)
    web.post(f"{path}/students/{student_id}/rename", data={"name": "Anna"})
    assert [n.text for n in soup(web.get(path)).select("[data-student-name]")] == ["Anna"]
    taken = web.post(f"{path}/students/{student_id}/rename", data={"name": "x\u0007"})
    assert taken.status_code == 422
    web.post(f"{path}/students/{student_id}/remove")
    assert soup(web.get(path)).select("[data-student-name]") == []
    unconfirmed = web.post(path + "/delete", data={})
    assert unconfirmed.status_code == 422
    web.post(path + "/delete", data={"confirm": "yes"})
    assert web.get(path).status_code == 404


def test_sign_out_ends_the_session(web):
    sign_in(web)
    secret = web.cookies.get("plab_teacher")
    web.post("/teacher/sign-out")
    web.cookies.set("plab_teacher", secret)
    assert web.get("/teacher/classes/anything").status_code == 401


def test_start_up_prints_a_sign_in_link_with_the_generated_token(tmp_path):
    import logging

    from app.classroom.teacher_token import TOKEN_FILE
    from app.main import create_app
    from app.settings import Settings

    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        create_app(Settings(data_dir=tmp_path, port=8123))
    finally:
        logger.removeHandler(handler)
    token = (tmp_path / TOKEN_FILE).read_text().strip()
    assert any(f"http://127.0.0.1:8123/teacher/sign-in?token={token}" in line for line in seen)
