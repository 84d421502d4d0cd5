"""JSON routes: health, the lesson list, and one typed POST route per lab (all in /docs)."""

from typing import Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.i18n import LOCALES
from app.labs import LAB_BY_ID, LABS
from app.labs.base import Lab, validate
from app.web.json_body import read_json
from app.web.openapi import LAB_RESPONSES, json_request_body

router = APIRouter()


class Health(BaseModel):
    status: Literal["ok"]
    lessons: int
    labs: int


class LessonSummary(BaseModel):
    slug: str
    order: int
    title: str
    summary: str
    labs: list[str]
    url: str


@router.get("/healthz", response_model=Health, tags=["meta"])
async def healthz(request: Request) -> Health:
    """Answer once the app has loaded its lessons and labs."""
    return Health(status="ok", lessons=len(request.app.state.lessons["en"]), labs=len(LABS))


@router.get("/api/lessons", response_model=dict[str, list[LessonSummary]], tags=["lessons"])
async def list_lessons(request: Request, locale: str | None = None) -> dict[str, list[LessonSummary]]:
    """List the lessons in order for every locale (or one, with ?locale=)."""
    if locale is not None and locale not in LOCALES:
        raise HTTPException(400, f"locale must be one of: {', '.join(LOCALES)}")
    return {
        code: [
            LessonSummary(
                slug=lesson.slug,
                order=lesson.order,
                title=lesson.title,
                summary=lesson.summary,
                labs=lesson.lab_ids,
                url=f"/lessons/{lesson.slug}?lang={code}",
            )
            for lesson in lessons
        ]
        for code, lessons in request.app.state.lessons.items()
        if locale in (None, code)
    }


def invalid_input(errors: dict[str, str], status: int = 422) -> JSONResponse:
    """Answer input that cannot be used: every wrong field with what is allowed."""
    return JSONResponse(
        {"detail": "invalid input", "errors": [{"field": f, "message": m} for f, m in errors.items()]},
        status_code=status,
    )


def _lab_endpoint(lab: Lab):
    async def run_lab(request: Request) -> JSONResponse:
        params = validate(lab, await read_json(request))
        if isinstance(params, dict):
            return invalid_input(params)
        return JSONResponse(lab.run(params).model_dump(mode="json"))

    run_lab.__doc__ = f"Run the '{lab.id}' lab with these inputs; every field has a bound. {lab.summary}"
    return run_lab


def add_lab_routes(app: FastAPI) -> None:
    """Give each lab its own typed route, so /docs shows its inputs and result."""
    for lab in LABS:
        app.add_api_route(
            f"/api/labs/{lab.id}",
            _lab_endpoint(lab),
            methods=["POST"],
            response_model=lab.result,
            responses=LAB_RESPONSES,
            openapi_extra=json_request_body("".join(map(str.title, lab.id.split("_"))) + "Inputs", lab.params),
            summary=lab.title,
            operation_id=f"run_{lab.id}",
            tags=["labs"],
        )

    @app.post("/api/labs/{lab_id}", tags=["labs"], include_in_schema=False)
    async def unknown_lab(lab_id: str):
        raise HTTPException(404, f"There is no lab called '{lab_id}'. Known labs: {', '.join(sorted(LAB_BY_ID))}.")
