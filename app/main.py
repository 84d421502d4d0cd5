"""Build the ASGI app: settings, torch threads, lessons loaded once, routes, static files."""

import asyncio
import logging
from contextlib import asynccontextmanager, suppress

import torch
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app.classroom.database import database_url, make_engine
from app.classroom.migrate import upgrade
from app.classroom.store import ClassStore
from app.classroom.teacher_token import teacher_token
from app.course.loading import load_course
from app.runner.service import CodeRunner
from app.serving.malloc_tuning import keep_freed_memory
from app.serving.warmup import start_background_warm_up
from app.settings import Settings
from app.web import (
    api,
    cells,
    class_polls,
    classroom_beliefs,
    classroom_polls,
    classroom_students,
    classroom_teachers,
    errors,
    exercises,
    gallery,
    notebooks,
    openapi,
    pages,
    run,
)
from app.web.middleware import LocaleAndSecurityMiddleware

logger = logging.getLogger("uvicorn.error")
PURGE_EVERY = 3600  # seconds between sweeps for classes past their retention


async def _purge(store: ClassStore) -> None:
    with suppress(Exception):  # a failed sweep (database restarting) is retried next time
        deleted = await store.purge()
        if deleted:
            logger.info("classroom: deleted %d class(es) past PLAB_CLASS_RETENTION_DAYS", deleted)


async def _purge_now_and_then(store: ClassStore) -> None:
    while True:
        await asyncio.sleep(PURGE_EVERY)
        await _purge(store)


def _announce_sign_in(settings: Settings, token: str, made: bool, from_setting: bool) -> None:
    host = "localhost" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}/teacher"
    if from_setting:
        logger.warning("Teachers sign in at %s with PLAB_TEACHER_TOKEN.", base)
    else:
        # As Jupyter does: whoever can read the server's log (or the token file) may teach.
        logger.warning("Teachers sign in at %s/sign-in?token=%s%s", base, token, " (new token)" if made else "")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the app; a broken lesson raises LessonError here, so start-up stops and says why."""
    settings = settings or Settings()
    # Small ops get slower when several threads compete for two cores; one knob, benchmarked.
    torch.set_num_threads(settings.torch_threads)
    if settings.keep_freed_memory:
        keep_freed_memory()
    runner = CodeRunner(settings)
    token, made = teacher_token(settings)
    _announce_sign_in(settings, token, made, settings.teacher_token is not None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Started here, not at import, because workers may be forked from a parent that imported
        # the app (app/serving/prefork.py) and threads do not survive a fork. The sandbox warms up in its
        # own process; start-up waits for neither. It ends with the app (its stdin closes), so
        # shutdown leaves it alone: test clients enter this many times.
        start_background_warm_up(freeze=settings.gc_freeze)
        runner.start()
        # The database engine belongs to this process and its event loop (never made before a fork).
        engine = make_engine(database_url(settings))
        await upgrade(engine, settings.data_dir)
        app.state.classroom = ClassStore(engine, settings.class_retention_days, settings.teacher_session_hours)
        await _purge(app.state.classroom)
        sweeper = asyncio.create_task(_purge_now_and_then(app.state.classroom))
        yield
        sweeper.cancel()
        with suppress(asyncio.CancelledError):
            await sweeper  # a sweep cut short rolls back before the engine goes
        await engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Parameter Lab",
        description="Learn torch.nn.Parameter versus torch.Tensor by running real PyTorch.",
        version="0.1.0",
        dependencies=[Depends(errors.unknown_language), Depends(class_polls.poll_on_every_page)],
        # Starlette's own slash redirect takes its host from the Host header; errors.py redirects by path alone.
        redirect_slashes=False,
        docs_url=None,  # app/web/openapi.py serves /docs from local files (the default page loads a CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runner = runner
    app.state.teacher_token = token
    course = load_course(settings.lessons_dir)
    app.state.probes, app.state.exercises, app.state.lessons = course.probes, course.exercises, course.lessons
    if settings.gzip:
        app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=settings.gzip_level)
    app.add_middleware(
        LocaleAndSecurityMiddleware,
        default_locale=settings.default_locale,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
    )
    errors.install(app)
    openapi.install(app)
    app.include_router(api.router)
    app.include_router(run.router)
    api.add_lab_routes(app)
    app.include_router(notebooks.router)  # before pages: /lessons/{slug} would take 'x.ipynb' as a slug
    app.include_router(pages.router)
    app.include_router(gallery.router)
    gallery.add_api_routes(app)
    app.include_router(cells.router)
    app.include_router(exercises.router)
    app.include_router(classroom_teachers.router)
    app.include_router(classroom_beliefs.router)
    app.include_router(classroom_students.router)
    app.include_router(classroom_polls.router)
    app.include_router(class_polls.router)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    return app


app = create_app()
