"""The OpenAPI document says what the app really answers, and /docs shows it from local files.

Every lab's 422 is `{"detail": "invalid input", "errors": [...]}` (not FastAPI's default shape), and
the guard in app/web/middleware.py answers 400, 403, 413, 415 and 431 on any route it covers; both
are added to each operation here, so a client (and the fuzzer in tests/web/test_fuzz.py) can rely on them.
"""

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from app.web.middleware import UNSAFE_METHODS


class FieldError(BaseModel):
    field: str = Field(description="The input that was wrong, dotted for nested ones (a.0); body for the whole body.")
    message: str = Field(description="What was wrong and what is allowed, in the learner's language.")


class InvalidInput(BaseModel):
    """The answer to input the app cannot use."""

    detail: str = Field(description='Always "invalid input".')
    errors: list[FieldError]


class Refusal(BaseModel):
    """The answer to a request the app refuses as a whole (wrong language, another site, too large)."""

    detail: str = Field(description="Why, in the learner's language.")


BODY_SCHEMAS: dict[str, type[BaseModel]] = {}  # components named by the routes that read JSON themselves


def json_request_body(name: str, model: type[BaseModel]) -> dict:
    """Document a body a route reads itself (through the guard's parser) as a named component."""
    BODY_SCHEMAS[name] = model
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


INVALID = {"model": InvalidInput, "description": "Invalid input: each wrong field and what is allowed."}
LAB_RESPONSES = {422: INVALID}
_REFUSALS = {
    "400": ("Bad request: an unknown ?lang=, or a body that is not UTF-8 JSON (says where it broke).", None),
    "403": ("Refused: the request came from another site (Origin or Sec-Fetch-Site).", "unsafe"),
    "413": ("The body is over the size limit.", "unsafe"),
    "415": ("The body is not sent as application/json.", "unsafe"),
    "431": ("The request's headers are over the size limit.", None),
}


def _either(*names: str) -> dict:
    return {"anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in names]}


def documented(app: FastAPI) -> dict:
    """Build the OpenAPI document once, with the guard's answers on every operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    models = {model.__name__: model for model in (FieldError, InvalidInput, Refusal)} | BODY_SCHEMAS
    for name, model in models.items():
        components[name] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, (description, when) in _REFUSALS.items():
                if when == "unsafe" and method.upper() not in UNSAFE_METHODS:
                    continue
                answer = responses.setdefault(status, {"description": description})
                content = answer.setdefault("content", {}).setdefault("application/json", {})
                known = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                if known and known not in ("Refusal", "InvalidInput"):
                    content["schema"] = _either(known, "Refusal", "InvalidInput")
                else:
                    content["schema"] = _either("Refusal", "InvalidInput")
            if "422" in responses:
                responses["422"]["content"] = {
                    "application/json": {"schema": {"$ref": "#/components/schemas/InvalidInput"}}
                }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Use the documented OpenAPI, and serve /docs from local files under the app's own CSP."""
    app.openapi = lambda: documented(app)

    @app.get("/docs", include_in_schema=False)
    async def api_docs(request: Request) -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE.format(title=app.title, openapi_url=app.openapi_url))
