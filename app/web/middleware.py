"""ASGI middleware: the one guard every request passes, and the headers every answer carries.

In order: the total size of the headers (431), the locale, then for every unsafe method
(POST, PUT, PATCH, DELETE) a same-site check (403), the body size on every route (413), and for the
JSON API (/api/...) the media type (415) and the JSON itself, read once and strictly (400). Answers,
including the refusals here and a 500, carry the security headers. A route added later (the
classroom's) is covered without doing anything.
"""

from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import escape

from app.i18n import LOCALE_COOKIE, LOCALES, current_locale, negotiate
from app.i18n import gettext as _
from app.web.cookies import cookie_header
from app.web.json_body import BadBody, parse_json

# No inline script or style anywhere: htmx is configured through a <meta> tag and its indicator
# styles live in our own CSS, so the strictest policy holds. SVG pictures use attributes, not style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_SITE_FETCHES = (b"same-origin", b"none")  # "none": typed in the address bar, a bookmark
JSON_PREFIX = "/api/"
API_PREFIXES = ("/api/", "/healthz")


class BodyTooLarge(Exception):
    """The client sent more body than the limit allows."""


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _sep, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None


def choose_locale(scope: dict, default: str) -> tuple[str, str | None]:
    """Return (locale, requested) where requested is the raw ?lang= value, if any.

    An unknown ?lang= value falls back here and is rejected with a 400 by the routes, so the
    error page itself can still be rendered in a language the learner reads.
    """
    query = scope.get("query_string", b"")
    # Most requests have no lang= at all: skip parsing when no key could decode to "lang".
    requested = parse_qs(query.decode("latin-1")).get("lang", [None])[-1] if b"lang" in query or b"%" in query else None
    if requested in LOCALES:
        return requested, requested
    cookie = _cookie(scope.get("headers", []), LOCALE_COOKIE)
    if cookie in LOCALES:
        return cookie, requested
    accept = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
    return negotiate(accept, default), requested


def cross_site_reason(headers: dict[bytes, bytes]) -> str | None:
    """Say why an unsafe request did not come from this site's own pages, or None when it did.

    A request with neither Origin nor Sec-Fetch-Site passes: every current browser sends Origin on
    a cross-origin POST (and Sec-Fetch-Site on every request), so a request without both comes from
    a program such as curl or the in-process test client, which holds no visitor's cookies and so
    cannot act for a visitor. The Host header is what the browser addressed (a proxy in front must
    pass it on, as `proxy_set_header Host $host` does).
    """
    site = headers.get(b"sec-fetch-site")
    if site is not None and site not in SAME_SITE_FETCHES:
        return _(
            "Refused: this request came from another site (Sec-Fetch-Site: %(site)s); "
            "only this site's own pages may send it."
        ) % {"site": site.decode("latin-1")}
    origin = headers.get(b"origin")
    if origin is not None:
        host = headers.get(b"host", b"").decode("latin-1").lower()
        sent = origin.decode("latin-1")
        if sent == "null" or urlsplit(sent).netloc.lower() != host:
            return _(
                "Refused: this request came from another site (Origin: %(origin)s), not from %(host)s; "
                "only this site's own pages may send it."
            ) % {
                "origin": sent,
                "host": host,
            }
    return None


def refusal(scope: dict, status: int, message: str, field: str | None = None) -> Response:
    """Answer a request the guard refuses: JSON for the API, the error page (in the learner's language) for pages."""
    if scope["path"].startswith(API_PREFIXES):
        if field is None:
            return JSONResponse({"detail": message}, status_code=status)
        return JSONResponse(
            {"detail": "invalid input", "errors": [{"field": field, "message": message}]}, status_code=status
        )
    from app.web.render import render  # rendering needs the templates, which need the app's settings

    text = message if field is None else f"{field}: {message}"
    return render(Request(scope), "error.html", {"status": status, "message": text}, status=status)


def plain_refusal(scope: dict, status: int, message: str) -> Response:
    """Answer without the templates, which read the request's headers: for a 431 and a 500."""
    if scope["path"].startswith(API_PREFIXES):
        return JSONResponse({"detail": message}, status_code=status)
    page = f'<!doctype html><html lang="{current_locale.get()}"><title>{status}</title><p>{escape(message)}</p></html>'
    return HTMLResponse(page, status_code=status)


def _media_type(headers: dict[bytes, bytes]) -> str:
    return headers.get(b"content-type", b"").decode("latin-1").split(";", 1)[0].strip().lower()


class LocaleAndSecurityMiddleware:
    """Guard every request (sizes, same site, JSON), set its locale and remember ?lang=, and add
    the security headers to every answer."""

    def __init__(self, app, default_locale: str, max_body_bytes: int = 1 << 20, max_header_bytes: int = 32 << 10):
        self.app = app
        self.default_locale = default_locale
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        oversized = sum(len(key) + len(value) for key, value in scope["headers"]) > self.max_header_bytes
        # Headers over the limit are not read at all (a 10 MB Cookie header took 0.7 s to split).
        locale, requested = (self.default_locale, None) if oversized else choose_locale(scope, self.default_locale)
        scope.setdefault("state", {})["lang_requested"] = requested
        token = current_locale.set(locale)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                headers.append((b"content-language", locale.encode()))
                if requested == locale:
                    headers.append((b"set-cookie", cookie_header(scope, LOCALE_COOKIE, locale).encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            if oversized:
                message = _("The request's headers are too large: at most %(limit)s bytes in all.")
                response = plain_refusal(scope, 431, message % {"limit": self.max_header_bytes})
                await response(scope, receive, send_with_headers)
                return
            await self._guarded(scope, receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope)(scope, receive, send_with_headers)
        except Exception:
            if not started:  # starlette's own 500 would leave out the security headers
                await self._server_error(scope)(scope, receive, send_with_headers)
            raise
        finally:
            current_locale.reset(token)

    async def _guarded(self, scope, receive, send):
        if scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, self._bounded(scope, receive), send)
            return
        headers = dict(scope["headers"])
        reason = cross_site_reason(headers)
        if reason is not None:
            await refusal(scope, 403, reason)(scope, receive, send)
            return
        if not scope["path"].startswith(JSON_PREFIX):
            await self.app(scope, self._bounded(scope, receive), send)
            return
        if _media_type(headers) != "application/json":
            message = _("must be sent as application/json (this request said %(type)s)")
            shown = _media_type(headers) or _("no type")
            await refusal(scope, 415, message % {"type": shown}, "content-type")(scope, receive, send)
            return
        body = await self._read_body(scope, receive)
        try:
            scope["state"]["json"] = parse_json(body)
        except BadBody as exc:
            await refusal(scope, 400, exc.message, exc.field)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _bounded(self, scope, receive):
        """Wrap receive so that a body over the limit stops the request with a 413."""
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BodyTooLarge
        seen = 0

        async def bounded_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body_bytes:
                raise BodyTooLarge
            return message

        return bounded_receive

    async def _read_body(self, scope, receive) -> bytes:
        bounded = self._bounded(scope, receive)
        body = bytearray()
        while True:
            message = await bounded()
            if message["type"] == "http.disconnect":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        return bytes(body)

    def _too_large(self, scope) -> Response:
        message = _("The request is too large: at most %(limit)s bytes of body are allowed.")
        return refusal(scope, 413, message % {"limit": self.max_body_bytes})

    def _server_error(self, scope) -> Response:
        return plain_refusal(scope, 500, _("Something went wrong on the server; the error was logged."))


def _replay(body: bytes, receive):
    """Give the app the body the guard has already read, then the connection's own messages."""
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()  # waits for the client to go away, as a real body's end does
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
