"""Helpers of the OpenLineage-in tests: events as the official client writes them, a store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from threaded_server import serve_in_thread
from trustwell.config.loader import load_project
from trustwell.store import open_store

PRODUCER = "https://github.com/acme/airflow/openlineage"
RUN = "01939a4e-7e4b-7a1e-9c3f-0d5b2a6f8e11"


def run_event(
    event_type: str = "COMPLETE",
    *,
    run_id: str = RUN,
    at: str = "2026-11-22T08:30:00.000Z",
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    producer: str = PRODUCER,
) -> dict[str, Any]:
    """A RunEvent of the job ``airflow/build_kpi`` (raw.feed → marts.kpi unless told)."""
    return {
        "eventType": event_type,
        "eventTime": at,
        "run": {"runId": run_id, "facets": {}},
        "job": {"namespace": "airflow", "name": "build_kpi", "facets": {}},
        "inputs": [dataset("raw.feed")] if inputs is None else inputs,
        "outputs": [dataset("marts.kpi")] if outputs is None else outputs,
        "producer": producer,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


def dataset(name: str, namespace: str = "duckdb://warehouse", **facets: Any) -> dict[str, Any]:
    return {"namespace": namespace, "name": name, "facets": {}, **facets}


def assertions(*items: tuple[str, bool, str | None]) -> dict[str, Any]:
    """``{"dataQualityAssertions": …}`` with (assertion, success, column) items."""
    return {
        "dataQualityAssertions": {
            "_producer": PRODUCER,
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/DataQualityAssertionsDatasetFacet.json",
            "assertions": [
                {"assertion": a, "success": s, **({"column": c} if c else {})} for a, s, c in items
            ],
        }
    }


@contextmanager
def opened(project_dir: Path) -> Iterator[tuple[Any, Any]]:
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    try:
        yield project, store
    finally:
        store.close()


def rows(project_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    with opened(project_dir) as (_, store):
        return [tuple(r) for r in store.read(lambda conn: conn.execute(sa.text(sql)).all())]


@dataclass
class Receiver:
    """A real ``trustwell serve`` app on 127.0.0.1 and a token per role."""

    url: str
    root: Path
    tokens: dict[str, str]

    def client(self, role: str | None = "reporter") -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@contextmanager
def receiver(project_dir: Path) -> Iterator[Receiver]:
    """``trustwell serve`` (without its scheduler) for the project, until the block ends."""
    from trustwell.auth.tokens import create_token
    from trustwell.web.app import create_app

    app = create_app(project_dir, scheduler=False)
    with opened(project_dir) as (_, store):
        tokens = {
            role: create_token(store, name=f"{role}-bot", role=role, actor="test")
            for role in ("viewer", "reporter", "admin")
        }
    with serve_in_thread(app) as url:
        yield Receiver(url, project_dir, tokens)
