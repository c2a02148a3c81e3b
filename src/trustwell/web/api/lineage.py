"""``/api/v1/lineage``: an asset's lineage (GET), and OpenLineage events in (POST).

``GET`` answers the same document as ``trustwell lineage``. ``POST
/api/v1/lineage`` takes one OpenLineage event and ``POST /api/v1/lineage/batch``
a JSON array of them, as the official clients send them (``Authorization:
Bearer`` with a reporter token or above, ``Content-Encoding: gzip`` allowed).
The body is read and parsed here, not by FastAPI, so that anything malformed
is a 400 with the reason (the clients retry a 5xx, never a 4xx). A gzip body
is decompressed up to the same cap as a plain one (a small bomb is a 413).
The answer (201) comes once the events are stored; the notices of the
incidents they open are delivered after it is sent.
"""

from __future__ import annotations

import json
import zlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Request
from starlette.concurrency import run_in_threadpool

from trustwell.errors import TrustwellError
from trustwell.web.api.models import ERRORS, NOT_FOUND
from trustwell.web.deps import ProjectDep, Reporter, StoreDep, Viewer

router = APIRouter(tags=["lineage"], responses=ERRORS)

#: The body cap of ``/api/v1/lineage/batch`` (``web/app.py`` BODY_LIMITS), decompressed too.
BATCH_BYTES = 64 * 1024 * 1024
#: The most events one batch may hold.
BATCH_EVENTS = 10_000


class BodyTooLarge(TrustwellError):
    """A gzip body that decompresses to more than the route reads (HTTP 413)."""

    code = "too_large"
    http_status = 413


@router.get("/lineage", responses=NOT_FOUND)
def get_lineage(
    _: Viewer,
    store: StoreDep,
    project: ProjectDep,
    asset: Annotated[str, Query(min_length=1, max_length=400, description="the asset's name")],
    direction: Annotated[
        Literal["upstream", "downstream"], Query(description="upstream or downstream")
    ],
    depth: Annotated[int | None, Query(ge=1, le=1000, description="at most this many hops")] = None,
) -> dict[str, Any]:
    """The nodes upstream or downstream of ``asset`` (hop distance, tier, owner, consumers,
    state) and the edges between them with the origins that reported each."""
    from trustwell.lineage.report import lineage_document

    return lineage_document(store, project, asset, direction, depth)


_EVENT_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object"}}},
}


@router.post("/lineage", status_code=201, openapi_extra={"requestBody": _EVENT_BODY})
async def post_lineage_event(
    request: Request,
    principal: Reporter,
    store: StoreDep,
    project: ProjectDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """Store one OpenLineage RunEvent, DatasetEvent or JobEvent (once, however often sent):
    its lineage, and its ``dataQualityAssertions`` and ``dataQualityMetrics`` as results."""
    cap = project.settings.limits.max_body_bytes
    document = decode_body(await request.body(), request.headers.get("content-encoding"), cap)
    return await _ingest(store, project, [document], principal.name, background)


@router.post(
    "/lineage/batch",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "array", "items": {}}}},
        }
    },
)
async def post_lineage_batch(
    request: Request,
    principal: Reporter,
    store: StoreDep,
    project: ProjectDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """Store a JSON array of OpenLineage events: all of them, or none when one is bad
    (the 400 names it, ``[3].run.runId: missing``)."""
    from trustwell.integrations.openlineage_in.parse import InvalidEvent

    cap = max(project.settings.limits.max_body_bytes, BATCH_BYTES)
    documents = decode_body(await request.body(), request.headers.get("content-encoding"), cap)
    if not isinstance(documents, list):
        raise InvalidEvent("the batch must be a JSON array of events")
    if len(documents) > BATCH_EVENTS:
        raise InvalidEvent(f"a batch holds at most {BATCH_EVENTS:,} events, not {len(documents):,}")
    return await _ingest(store, project, documents, principal.name, background)


async def _ingest(
    store: Any, project: Any, documents: list[Any], actor: str, background: BackgroundTasks
) -> dict[str, Any]:
    from trustwell.integrations.openlineage_in.ingest import ingest_documents
    from trustwell.notify.outbox import deliver_due

    summary = await run_in_threadpool(
        lambda: ingest_documents(project, store, documents, actor=actor, deliver=False)
    )
    if summary.incidents:
        background.add_task(deliver_due, store, project.settings)
    return summary.as_dict()


def decode_body(body: bytes, encoding: str | None, cap: int) -> Any:
    """The JSON of a request body, gunzipped first when ``encoding`` says gzip.

    Raises ``InvalidEvent`` (400) for an encoding other than gzip or identity,
    a corrupt gzip stream, text that is not UTF-8 JSON; :class:`BodyTooLarge`
    (413) when the body decompresses to more than ``cap`` bytes.
    """
    from trustwell.integrations.openlineage_in.parse import InvalidEvent

    encoding = (encoding or "identity").strip().lower()
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            # Never more than one byte past the cap: a bomb is stopped, not inflated.
            body = inflater.decompress(body, cap + 1)
        except zlib.error as exc:
            raise InvalidEvent(f"the gzip body cannot be decompressed: {exc}") from None
        if len(body) > cap or inflater.unconsumed_tail:
            raise BodyTooLarge(f"the decompressed body is larger than {_size(cap)}")
        if not inflater.eof:
            raise InvalidEvent("the gzip body is truncated")
    elif encoding != "identity":
        raise InvalidEvent(f"Content-Encoding {encoding!r} is not supported (gzip or none)")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidEvent("the body is not UTF-8 text") from None
    except RecursionError:
        raise InvalidEvent("the body nests deeper than this server reads") from None
    except json.JSONDecodeError as exc:
        raise InvalidEvent(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _size(cap: int) -> str:
    return f"{cap // 1024**2} MiB" if cap % 1024**2 == 0 else f"{cap:,} bytes"
