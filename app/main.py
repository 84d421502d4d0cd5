"""Build the ASGI app: settings, torch threads, lessons loaded once, routes, static files."""

from contextlib import asynccontextmanager

import torch
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app.course.loading import load_course
from app.runner.service import CodeRunner
from app.serving.malloc_tuning import keep_freed_memory
from app.serving.warmup import start_background_warm_up
from app.settings import Settings
from app.web import api, cells, errors, exercises, gallery, notebooks, openapi, pages, run
from app.web.middleware import LocaleAndSecurityMiddleware


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the app; a broken lesson raises LessonError here, so start-up stops and says why."""
    settings = settings or Settings()
    # Small ops get slower when several threads compete for two cores; one knob, benchmarked.
    torch.set_num_threads(settings.torch_threads)
    if settings.keep_freed_memory:
        keep_freed_memory()
    runner = CodeRunner(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Started here, not at import, because workers may be forked from a parent that imported
        # the app (app/serving/prefork.py) and threads do not survive a fork. The sandbox warms up in its
        # own process; start-up waits for neither. It ends with the app (its stdin closes), so
        # shutdown leaves it alone: test clients enter this many times.
        start_background_warm_up(freeze=settings.gc_freeze)
        runner.start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Parameter Lab",
        description="Learn torch.nn.Parameter versus torch.Tensor by running real PyTorch.",
        version="0.1.0",
        dependencies=[Depends(errors.unknown_language)],
        # Starlette's own slash redirect takes its host from the Host header; errors.py redirects by path alone.
        redirect_slashes=False,
        docs_url=None,  # app/web/openapi.py serves /docs from local files (the default page loads a CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runner = runner
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
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    return app


app = create_app()
