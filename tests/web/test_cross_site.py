"""Only this site's pages may change anything; links, redirects and cookies stay on this site (issue 17)."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web.middleware import SECURITY_HEADERS, UNSAFE_METHODS, LocaleAndSecurityMiddleware
from tests.helpers import soup

FOREIGN = [
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"origin": "http://testserver.evil.example"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},  # a sibling subdomain is another site for us
    {"origin": "http://testserver", "sec-fetch-site": "cross-site"},
]


def _routes(routes):
    for route in routes:
        if hasattr(route, "original_router"):  # an included router (our routers have no prefix)
            yield from _routes(route.original_router.routes)
        else:
            yield route


def unsafe_routes(app) -> list[tuple[str, str]]:
    """Every unsafe route the app has now, with its path parameters filled in."""
    found = []
    for route in _routes(app.routes):
        for method in sorted(getattr(route, "methods", None) or ()):
            if method in UNSAFE_METHODS:
                found.append((method, re.sub(r"\{[^}]+\}", "x", route.path)))
    return found


def test_there_are_unsafe_routes_to_guard(app):
    assert ("POST", "/api/run") in unsafe_routes(app) and ("POST", "/lessons/x") in unsafe_routes(app)


@pytest.mark.parametrize("headers", FOREIGN)
def test_every_unsafe_route_refuses_another_site_with_a_403_saying_why(app, client, headers):
    # A path no route has yet stands for the routes added later (the classroom's): the guard runs first.
    for method, path in [*unsafe_routes(app), ("POST", "/classroom/answers"), ("DELETE", "/api/anything")]:
        response = client.request(method, path, json={"code": "print(1)"}, headers=headers)
        assert response.status_code == 403, (method, path, headers)
        assert "another site" in response.text


def test_the_403_is_in_the_learners_language(client):
    page = client.post(
        "/lessons/tensor-or-parameter",
        data={"cell": "x", "code": "1"},
        headers={"origin": "http://evil.example", "accept-language": "zh-CN"},
    )
    assert page.status_code == 403 and "已拒绝" in soup(page).select_one(".error-message").text
    api = client.post("/api/run?lang=zh-CN", json={"code": "1"}, headers={"sec-fetch-site": "cross-site"})
    assert api.status_code == 403 and api.json()["detail"].startswith("已拒绝")


@pytest.mark.parametrize(
    "headers",
    [{}, {"origin": "http://testserver"}, {"sec-fetch-site": "same-origin"}, {"sec-fetch-site": "none"}],
)
def test_this_sites_own_requests_pass(client, headers):
    # Neither header: a program (curl, this test client), not a visitor's browser, which always sends one.
    response = client.post("/api/labs/gradients", json={}, headers=headers)
    assert response.status_code == 200


def test_safe_methods_are_not_checked(client):
    assert client.get("/labs/gradients", headers={"origin": "http://evil.example"}).status_code == 200


@pytest.mark.parametrize("media_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None])
def test_the_json_api_takes_only_application_json(client, media_type):
    headers = {"content-type": media_type} if media_type else {}
    response = client.post("/api/run", content=b'{"code": "1 + 1"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] == "content-type"


def test_json_with_a_charset_is_json(client):
    response = client.post(
        "/api/labs/gradients", content=b"{}", headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


def test_cookies_are_httponly_and_lax_and_secure_over_https(app):
    with TestClient(app, base_url="http://testserver") as plain:
        lang = plain.get("/?lang=zh-CN").headers["set-cookie"]
        theme = plain.get("/prefs?theme=dark", follow_redirects=False).headers["set-cookie"]
    for cookie in (lang, theme):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with TestClient(app, base_url="https://testserver") as tls:
        lang = tls.get("/?lang=zh-CN").headers["set-cookie"]
        theme = tls.get("/prefs?theme=dark", follow_redirects=False).headers["set-cookie"]
    for cookie in (lang, theme):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_https_from_x_forwarded_proto_is_believed_only_from_trusted_proxies():
    from app.__main__ import server_config
    from app.settings import Settings

    assert server_config(Settings()).forwarded_allow_ips == "127.0.0.1"
    assert server_config(Settings(forwarded_allow_ips="10.0.0.2")).forwarded_allow_ips == "10.0.0.2"


def test_the_404_page_for_a_double_slash_path_links_only_to_this_site(client):
    response = client.get("http://testserver//evil.example/x")
    assert response.status_code == 404
    links = [a["href"] for a in soup(response).select("a[href]")] + [f["action"] for f in soup(response).select("form")]
    assert links and all(link[:1] in "/#" and not link.startswith("//") for link in links), links
    assert "//evil.example" not in response.text


def test_the_trailing_slash_redirect_ignores_the_host_header(client):
    response = client.get("/labs/?lang=en", headers={"host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/labs?lang=en"
    assert client.get("//labs/", follow_redirects=False).headers.get("location", "/labs").startswith("/")
    assert client.get("/nothing-here/").status_code == 404


def test_security_headers_are_on_500s_too():
    bare = FastAPI()

    @bare.get("/boom")
    async def boom():
        raise RuntimeError("a bug")

    bare.add_middleware(LocaleAndSecurityMiddleware, default_locale="en")
    with TestClient(bare, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode()
