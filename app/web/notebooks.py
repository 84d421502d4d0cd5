"""Download routes: a lesson as a Jupyter notebook, a lab state as a notebook or a Python script.

Each answers exactly as its page would for the same URL: an unknown lesson or lab is a 404, inputs
that fail validation a 422 saying what was wrong. Registered before app/web/pages.py, whose
/lessons/{slug} and /labs/{lab_id} would otherwise take the whole file name as the slug.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.course.lessons import LabPart
from app.course.notebook import (
    MEDIA_TYPE,
    lab_file_name,
    lab_notebook,
    lab_script,
    lesson_file_name,
    lesson_notebook,
    notebook_text,
)
from app.i18n import gettext as _
from app.labs import LAB_BY_ID
from app.labs.base import LabState
from app.web.pages import _lab_state, find_lesson

router = APIRouter(include_in_schema=False)


def _download(body: str, media_type: str, file_name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{file_name}"', "Vary": "Accept-Language, Cookie"}
    return Response(body, media_type=media_type, headers=headers)


def _refuse_bad_inputs(state: LabState) -> None:
    """Answer a state that fails validation with the 422 its page gives, naming each field."""
    if state.errors:
        problems = "; ".join(f"{field}: {message}" for field, message in state.errors.items())
        raise HTTPException(422, _("These inputs cannot run yet:") + " " + problems)


def _site(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/lessons/{slug}.ipynb")
async def lesson_download(request: Request, slug: str):
    lessons, position = find_lesson(request, slug)
    lesson = lessons[position]
    wanted = request.query_params.get("lab")
    if wanted is not None and wanted not in lesson.lab_ids:
        raise HTTPException(404, _("This lesson has no lab called “%(lab)s”.") % {"lab": wanted})
    labs = {}
    for part in lesson.parts:
        if isinstance(part, LabPart):
            labs[part.lab_id] = _lab_state(request, part.lab_id, part.start, targeted=part.lab_id == wanted)
            _refuse_bad_inputs(labs[part.lab_id])
    state = request.app.state
    notebook = lesson_notebook(lesson, labs, state.probes, state.exercises, _site(request))
    return _download(notebook_text(notebook), MEDIA_TYPE, lesson_file_name(lesson))


def _lab_download_state(request: Request, lab_id: str) -> LabState:
    if lab_id not in LAB_BY_ID:
        raise HTTPException(404, _("There is no lab called “%(lab)s”.") % {"lab": lab_id})
    state = _lab_state(request, lab_id)
    _refuse_bad_inputs(state)
    return state


@router.get("/labs/{lab_id}.ipynb")
async def lab_notebook_download(request: Request, lab_id: str):
    state = _lab_download_state(request, lab_id)
    notebook = lab_notebook(state, _site(request))
    return _download(notebook_text(notebook), MEDIA_TYPE, lab_file_name(state, "ipynb"))


@router.get("/labs/{lab_id}.py")
async def lab_script_download(request: Request, lab_id: str):
    state = _lab_download_state(request, lab_id)
    return _download(lab_script(state, _site(request)), "text/x-python; charset=utf-8", lab_file_name(state, "py"))
