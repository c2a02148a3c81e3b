"""``create_app``: the one FastAPI application of ``trustwell serve``.

Built by a factory (no import-time globals): the project and its store hang on
``app.state``; routers for the API and the pages are included here; the
scheduler starts with the application and stops with it. Outermost run the
access log and the request body cap (:mod:`trustwell.web.middleware`), so
that every request is logged and no oversized body is read, before routing
and authentication.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from trustwell import __version__

#: Routes whose bodies may exceed ``limits.max_body``: path prefix → bytes.
#: An OpenLineage batch is many events (web/api/lineage.py reads it decompressed up to the same).
BODY_LIMITS: dict[str, int] = {"/api/v1/lineage/batch": 64 * 1024 * 1024}


def create_app(project_dir: Path | str, *, scheduler: bool = True) -> FastAPI:
    """The application for the project in ``project_dir`` (validated on start)."""
    from trustwell.config.loader import load_project
    from trustwell.redact import install_log_scrubbing
    from trustwell.store import open_store
    from trustwell.web import errors, limits
    from trustwell.web.middleware import AccessLog, BodyLimit

    install_log_scrubbing()  # uvicorn's and the scheduler's logs carry exception texts
    project = load_project(project_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if scheduler:
            from trustwell.web.scheduler import Scheduler

            worker = Scheduler(project, app.state.store)
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            app.state.store.close()

    app = FastAPI(
        title="trustwell",
        version=__version__,
        description="Data trust: assets, checks, incidents, reports and metrics.",
        lifespan=lifespan,
        docs_url=None,  # /docs is served by pages.api_docs from local files, not a CDN
        redoc_url=None,  # ReDoc would load from a CDN, and /docs says the same
        openapi_url="/openapi.json",
    )
    app.state.project = project
    app.state.store = open_store(project.settings.store, project.root)
    errors.install(app)
    limits.install(app)
    settings = project.settings.limits
    # The last added runs first: the access log sees every answer, the 413s too.
    app.add_middleware(BodyLimit, default=settings.max_body_bytes, routes=BODY_LIMITS)
    app.add_middleware(AccessLog, trusted=settings.proxies)
    _include_routers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    """Each router module exposes ``router``; missing ones are simply not served yet."""
    import importlib

    for name, prefix in (
        ("health", ""),
        ("api.assets", "/api/v1"),
        ("api.lineage", "/api/v1"),
        ("api.incidents", "/api/v1"),
        ("api.reports", "/api/v1"),
        ("api.unsubscribe", "/api/v1"),
        ("api.runs", "/api/v1"),
        ("api.misc", "/api/v1"),
        ("prometheus", ""),
        ("badges", ""),
        ("pages.routes", ""),
    ):
        try:
            module = importlib.import_module(f"trustwell.web.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"trustwell.web.{name}":
                raise
            continue
        app.include_router(module.router, prefix=prefix)
