"""JSON routes for code cells: POST /api/run and GET /api/run/status (both in /docs).

The run route awaits the sandbox, which runs the code in another process, so a slow run holds up
nothing in this one: the event loop goes on serving lab requests meanwhile.
"""

from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.i18n import gettext as _
from app.labs.errors import field_errors
from app.runner.service import RunRequest, RunResult, SandboxStatus
from app.web.json_body import read_json
from app.web.openapi import INVALID, json_request_body

router = APIRouter(tags=["code cells"])
HTTP_STATUS = {"refused": 503, "rate_limited": 429}


def client_key(request: Request) -> str:
    """Name the client for the rate limit (uvicorn's proxy_headers fills in X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def invalid(status: int, field: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"detail": "invalid input", "errors": [{"field": field, "message": message}]}, status_code=status
    )


async def read_body(request: Request, limit: int) -> bytes | None:
    """Read at most `limit` bytes of the body; None when it is longer (never buffer a huge upload)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def parse_form(body: bytes) -> dict[str, str]:
    """Parse a urlencoded form strictly as UTF-8 (400 otherwise); the last value of a repeated key wins."""
    try:
        parsed = parse_qs(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, _("The form was not sent as UTF-8.")) from None
    return {key: values[-1] for key, values in parsed.items()}


async def read_code_form(request: Request, fields: set[str], limit: int) -> dict[str, str]:
    """Read a code post's urlencoded form: exactly `fields`, UTF-8, at most `limit` bytes of code.

    Raises the 4xx that says what was wrong: 413 over the limit (the body is not read past it), 400
    for a form that is not UTF-8 or has other fields. Windows line ends become newlines.
    """
    body = await read_body(request, limit * 3 + 1024)  # %XX per UTF-8 byte at worst, plus the other fields
    if body is None:
        raise HTTPException(413, _("The code is too long: at most %(limit)s bytes.") % {"limit": limit})
    form = parse_form(body)
    if set(form) != fields:
        raise HTTPException(
            400, _("Send the form with exactly these fields: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
        )
    if "code" in form:
        form["code"] = form["code"].replace("\r\n", "\n")
    return form


def result_response(result: RunResult) -> JSONResponse:
    headers = {"Retry-After": str(result.retry_after)} if result.retry_after else None
    return JSONResponse(result.model_dump(), status_code=HTTP_STATUS.get(result.status, 200), headers=headers)


@router.post(
    "/api/run",
    response_model=RunResult,
    summary="Run Python code in the sandbox",
    responses={
        400: {**INVALID, "description": "The body is not UTF-8 JSON (says where it broke) or not valid Unicode."},
        413: {**INVALID, "description": "The code is over the size limit."},
        422: {**INVALID, "description": 'The body is not {"code": "..."}.'},
        429: {"model": RunResult, "description": "Rate limited; Retry-After says when to try again."},
        503: {"model": RunResult, "description": "Refused: cells are off, the sandbox is unavailable or busy."},
    },
    openapi_extra=json_request_body("RunRequest", RunRequest),
)
async def run_code(request: Request) -> JSONResponse:
    """Run `code` in a fresh, locked-down worker: stdout, the last expression's value, or a traceback."""
    runner = request.app.state.runner
    data = await read_json(request)  # the guard refused a body over PLAB_MAX_BODY_BYTES or not JSON (400)
    try:
        code = RunRequest.model_validate(data).code
        code.encode("utf-8")
    except ValidationError as exc:
        if any(error["type"] == "extra_forbidden" for error in exc.errors()):
            return invalid(422, "body", _('takes only the field "code"'))
        field, message = next(iter(field_errors(exc).items()))
        return invalid(422, field, message)
    except UnicodeEncodeError:
        return invalid(400, "code", _("holds characters that are not valid Unicode"))
    too_long = runner.code_too_long(code)
    if too_long:
        return invalid(413, "code", too_long)
    from app.web.classroom import limit_key  # here, not at the top: classroom builds on this module

    return result_response(await runner.run(code, await limit_key(request)))


@router.get("/api/run/status", response_model=SandboxStatus, summary="Which sandbox layers are active")
def run_status(request: Request) -> SandboxStatus:
    """Say whether code cells run here, which isolation layers are in force, and the limits."""
    return request.app.state.runner.status()
