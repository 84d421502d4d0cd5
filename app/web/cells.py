"""The code-cell page route: POST /lessons/{slug} runs one cell and shows the lesson with its output.

Works without JavaScript (a plain form post re-renders the whole lesson, the learner's code in
place); the editor script posts the same form with HX-Request and swaps in the output block only.
A POST fits code of any allowed size, where a URL would not.
"""

from fastapi import APIRouter, HTTPException, Request

from app.i18n import gettext as _
from app.runner.service import RunResult
from app.web import classroom
from app.web.pages import CellRun, find_lesson, lesson_context
from app.web.render import Fragment, respond
from app.web.run import HTTP_STATUS, read_code_form

router = APIRouter(include_in_schema=False)


@router.post("/lessons/{slug}")
async def run_cell(request: Request, slug: str):
    runner = request.app.state.runner
    lessons, position = find_lesson(request, slug)
    form = await read_code_form(request, {"cell", "code"}, runner.config.code_limit)
    cell_id, code = form["cell"], form["code"]
    if cell_id not in lessons[position].cell_ids:
        raise HTTPException(404, _("This lesson has no code cell called “%(cell)s”.") % {"cell": cell_id})
    size = runner.code_size(code)
    if size > runner.config.code_limit:
        message = _("The code is too long: %(size)s bytes; at most %(limit)s bytes are allowed.")
        result, status = (
            RunResult(status="refused", message=message % {"size": size, "limit": runner.config.code_limit}),
            413,
        )
    else:
        result = await runner.run(code, await classroom.limit_key(request))
        status = HTTP_STATUS.get(result.status, 200)
        await classroom.record_cell(request, slug, cell_id, result.status)
    headers = {"Retry-After": str(result.retry_after)} if result.retry_after else {}
    output = Fragment("_cell.html", "cell_output", (cell_id, result))
    whole = lambda: ("lesson.html", lesson_context(request, slug, CellRun(cell_id, code, result))[0])  # noqa: E731
    response = respond(request, output, whole, status=status)
    response.headers.update(headers)
    return response
