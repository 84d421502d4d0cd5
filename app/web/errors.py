"""Exception handlers: JSON for the API, a friendly page in the learner's language for HTML."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.i18n import LOCALES
from app.i18n import gettext as _
from app.labs.errors import field_errors
from app.web.middleware import API_PREFIXES
from app.web.render import render, site_path


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIXES)


def _page(request: Request, status: int, message: str):
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def slash_redirect(request: Request) -> RedirectResponse | None:
    """Send /labs/ to /labs when only the latter exists: a redirect by path alone, never to the Host header's host."""
    path = request.scope["path"]
    if path == "/" or not path.endswith("/"):
        return None
    scope = {**request.scope, "path": path.rstrip("/") or "/"}
    if not any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
        return None
    query = request.scope.get("query_string", b"").decode("latin-1")
    return RedirectResponse(site_path(scope["path"]) + ("?" + query if query else ""), status_code=307)


async def http_error(request: Request, exc: HTTPException):
    if exc.status_code == 404 and (redirect := slash_redirect(request)) is not None:
        return redirect
    if wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else _("This page does not exist.")
    return _page(request, exc.status_code, message)


async def validation_error(request: Request, exc: RequestValidationError):
    errors = field_errors(list(exc.errors()))
    if wants_json(request):
        return JSONResponse(
            {"detail": "invalid input", "errors": [{"field": f, "message": m} for f, m in errors.items()]},
            status_code=422,
        )
    return _page(request, 422, "; ".join(f"{field}: {message}" for field, message in errors.items()))


async def unknown_language(request: Request):
    """Reject ?lang= values we do not have, saying which exist."""
    requested = request.scope.get("state", {}).get("lang_requested")
    if requested is not None and requested not in LOCALES:
        raise HTTPException(
            400,
            _("Unknown language “%(lang)s”; choose one of: %(choices)s")
            % {"lang": requested, "choices": ", ".join(LOCALES)},
        )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
