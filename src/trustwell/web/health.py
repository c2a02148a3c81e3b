"""``/healthz``: is this process able to serve, and is any delivery channel down?

Load balancers and orchestrators poll it, so its status code answers one
question only: can *this process* serve? It is 503 when the store cannot be
read (the process is useless until it can) and 200 otherwise. A channel that
has been failing for longer than its ``alert_after`` makes the body say
``"status": "degraded"`` and lists it, but stays 200: Slack being down is not
a reason to take every trustwell process out of rotation (they would all
answer the same) or to restart them. Alert on the body, or better on
``trustwell_channel_alerting`` in ``/metrics``.

No authentication, like ``/metrics``: the body names channels and times,
never an error text, an address or a URL (``trustwell outbox`` shows those
to admins).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from trustwell import clock

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """``{"status": "ok"|"degraded"|"error", "store": …, "channels_failing": […]}``."""
    import sqlalchemy as sa

    from trustwell.notify.health import channel_states
    from trustwell.notify.outbox import outbox_channels
    from trustwell.store.database import StoreError

    project: Project = request.app.state.project
    store: Store = request.app.state.store
    now = clock.now()
    try:
        states = channel_states(store, outbox_channels(project.settings), now)
    except (sa.exc.SQLAlchemyError, StoreError) as exc:
        log.error("healthz: the store %s cannot be read: %s", store.url, type(exc).__name__)
        body: dict[str, Any] = {"status": "error", "store": "unavailable", "channels_failing": []}
        return JSONResponse(body, status_code=503)
    failing = [
        {
            "channel": state.channel,
            "failing_since": clock.isoformat(state.failing_since),
            "failing_seconds": int(state.failing_for.total_seconds()),
            "consecutive_failures": state.consecutive_failures,
            "alert_after_seconds": int(state.alert_after.total_seconds()),
        }
        for state in states
        if state.alerting and state.failing_since is not None
    ]
    body = {"status": "degraded" if failing else "ok", "store": "ok", "channels_failing": failing}
    return JSONResponse(body, status_code=200)
