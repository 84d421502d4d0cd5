"""Routes of the model gallery: /models pages (HTML) and /api/models (JSON, typed per model in /docs)."""

from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field, create_model

from app.i18n import LOCALES
from app.i18n import gettext as _
from app.labs import LAB_BY_ID
from app.labs.base import evaluate
from app.labs.gallery import Report, report
from app.labs.inspect import TensorRow, parameter_rows
from app.labs.zoo import MODELS, ZooModel, build
from app.web.lab_inputs import TooManyValues, query_inputs
from app.web.render import Fragment, render, respond

router = APIRouter()


class HyperParameter(BaseModel):
    name: str
    type: str
    default: int | bool
    minimum: int | None = None
    maximum: int | None = None


class ModelSummary(BaseModel):
    id: str
    title: str
    url: str
    api_url: str
    hyper_parameters: list[HyperParameter]
    default_parameters: list[TensorRow] = Field(description="named_parameters() of the model built with its defaults.")


def _hyper_parameters(model: ZooModel) -> list[HyperParameter]:
    rows = []
    for name, info in model.params.model_fields.items():
        bounds = {
            key: getattr(item, attr)
            for item in info.metadata
            for key, attr in (("minimum", "ge"), ("maximum", "le"))
            if hasattr(item, attr)
        }
        rows.append(HyperParameter(name=name, type=info.annotation.__name__, default=info.default, **bounds))
    return rows


def _summaries() -> list[ModelSummary]:
    return [
        ModelSummary(
            id=model.id,
            title=_(model.title),
            url=f"/models/{model.id}",
            api_url=f"/api/models/{model.id}",
            hyper_parameters=_hyper_parameters(model),
            default_parameters=parameter_rows(build(model.id, model.params())),
        )
        for model in MODELS.values()
    ]


@router.get("/api/models", response_model=list[ModelSummary], tags=["models"])
async def list_models() -> list[ModelSummary]:
    """List the gallery models with their hyper-parameters (defaults and bounds) and default parameters."""
    return _summaries()


def _model_endpoint(model: ZooModel):
    # The zoo's own Params (bounds and cross-field checks) become the query string; ?lang= picks the
    # language of error messages, so it is declared too (the model forbids unknown keys).
    query_model = create_model(
        f"{model.params.__name__}Query",
        __base__=model.params,
        lang=(Literal[LOCALES] | None, Field(None, description="Language of error messages.")),
    )

    async def describe_model(hyper: Annotated[query_model, Query()]) -> Report:  # type: ignore[valid-type]
        return report(model.id, model.params.model_validate(hyper.model_dump(exclude={"lang"})), draw=False)

    describe_model.__doc__ = f"Build '{model.id}' with these hyper-parameters (all bounded) and report its parameters."
    return describe_model


def add_api_routes(app: FastAPI) -> None:
    """Give each gallery model its own typed GET route, so /docs shows its hyper-parameters."""
    for model in MODELS.values():
        app.add_api_route(
            f"/api/models/{model.id}",
            _model_endpoint(model),
            methods=["GET"],
            response_model=Report,
            summary=model.title,
            operation_id=f"describe_{model.id}",
            tags=["models"],
        )

    @app.get("/api/models/{model_id}", tags=["models"], include_in_schema=False)
    async def unknown_model(model_id: str):
        raise HTTPException(404, f"There is no model called '{model_id}'. Known models: {', '.join(MODELS)}.")


@router.get("/models", include_in_schema=False)
async def gallery_page(request: Request):
    return render(request, "models.html", {"models": _summaries()})


@router.get("/models/{model_id}", include_in_schema=False)
async def model_page(request: Request, model_id: str):
    if model_id not in MODELS:
        raise HTTPException(
            404,
            _("There is no model called “%(model)s”. Known models: %(known)s.")
            % {"model": model_id, "known": ", ".join(MODELS)},
        )
    lab = LAB_BY_ID["gallery"]
    try:
        raw = query_inputs(request.query_params, lab)
    except TooManyValues as exc:
        raise HTTPException(400, str(exc)) from None
    state = evaluate(lab, {**raw, "model": model_id})
    report = Fragment("_model.html", "report_block", (state, model_id))
    whole = lambda: ("model.html", {"state": state, "model_id": model_id, "title": MODELS[model_id].title})  # noqa: E731
    return respond(request, report, whole, status=422 if state.errors else 200)
