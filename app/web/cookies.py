"""Set cookies one way: every cookie the app sets is HttpOnly, SameSite=Lax and, over HTTPS, Secure.

No script of ours reads a cookie (the theme and language reach the page through the server), so
HttpOnly costs nothing. Lax keeps them off cross-site POSTs. Whether the request came over HTTPS is
the scope's scheme: uvicorn sets it from X-Forwarded-Proto only for the proxies listed in
PLAB_FORWARDED_ALLOW_IPS, so a client cannot claim HTTPS for itself.
"""

from fastapi import Request, Response

COOKIE_MAX_AGE = 365 * 24 * 3600


def cookie_header(scope: dict, name: str, value: str, max_age: int = COOKIE_MAX_AGE) -> str:
    """Return the Set-Cookie value for one of the app's cookies."""
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int = COOKIE_MAX_AGE) -> None:
    """Add one of the app's cookies to a response."""
    response.headers.append("set-cookie", cookie_header(request.scope, name, value, max_age))
