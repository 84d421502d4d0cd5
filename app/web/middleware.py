"""ASGI middleware: the request's locale and the security headers every response carries."""

from urllib.parse import parse_qs

from app.i18n import LOCALE_COOKIE, LOCALES, current_locale, negotiate

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
COOKIE_MAX_AGE = 365 * 24 * 3600


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
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


class LocaleAndSecurityMiddleware:
    """Set the locale context for the request, remember ?lang= in a cookie, add security headers."""

    def __init__(self, app, default_locale: str):
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale, requested = choose_locale(scope, self.default_locale)
        scope.setdefault("state", {})["lang_requested"] = requested
        token = current_locale.set(locale)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                headers.append((b"content-language", locale.encode()))
                if requested == locale:
                    cookie = f"{LOCALE_COOKIE}={locale}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            current_locale.reset(token)
