"""``/metrics``: Prometheus text exposition (format 0.0.4), written by hand.

Gauges read from the store at scrape time, so every process serving one
store reports the same figures (no per-process counters to add up):

- ``trustwell_check_results{status}``: checks by the status of their latest result;
- ``trustwell_open_incidents{severity}``: open incidents (drills left out);
- ``trustwell_outbox_backlog``: messages waiting to be delivered;
- ``trustwell_deliveries_failed_total``: messages that gave up (``dead``);
  a gauge despite the name, because ``trustwell outbox --retry`` requeues them;
- ``trustwell_assets{state}``: assets by their status-page state;
- ``trustwell_outbox_pending{channel}`` and ``trustwell_outbox_dead{channel}``:
  the two figures above per channel;
- ``trustwell_channel_failing_seconds{channel}``: how long a channel has been
  failing (0 while it delivers), and ``trustwell_channel_alerting{channel}``:
  1 once that is longer than the channel's ``alert_after`` (an alert rule
  ``trustwell_channel_alerting == 1`` then honours each channel's threshold).

No authentication: the figures are counts and durations, never texts; the only
names are those of channels, severities, states and statuses. Every label value
is always present (zero included) so a dashboard sees a series go to 0.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Project
    from trustwell.store import Store

router = APIRouter()

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
CHECK_STATUSES = ("pass", "warn", "fail", "error")
_MEANING = {"pending": "waiting to be delivered", "dead": "given up on (dead)"}


class PrometheusResponse(PlainTextResponse):
    media_type = CONTENT_TYPE


@router.get("/metrics", response_class=PrometheusResponse, tags=["metrics"])
def prometheus_metrics(request: Request) -> PrometheusResponse:
    """Check results, open incidents, outbox backlog and asset states, for Prometheus."""
    project: Project = request.app.state.project
    store: Store = request.app.state.store
    return PrometheusResponse(render(store, project), media_type=CONTENT_TYPE)


def render(store: Store, project: Project) -> str:
    """The exposition text of ``project``'s store."""
    from trustwell import clock
    from trustwell.incidents.model import SEVERITIES
    from trustwell.notify.health import channel_states
    from trustwell.notify.outbox import outbox_channels
    from trustwell.status.state import STATES, asset_states

    checks, incidents, outbox, per_channel = store.read(_counts)
    health = channel_states(store, outbox_channels(project.settings), clock.now())
    states = Counter(s.state for s in asset_states(store, project))
    lines: list[str] = []
    _family(
        lines,
        "trustwell_check_results",
        "Checks by the status of their latest result.",
        [(f'status="{s}"', checks[s]) for s in CHECK_STATUSES],
    )
    _family(
        lines,
        "trustwell_open_incidents",
        "Open incidents by severity (drills excluded).",
        [(f'severity="{s}"', incidents[s]) for s in SEVERITIES],
    )
    _family(
        lines,
        "trustwell_outbox_backlog",
        "Outgoing messages waiting to be delivered.",
        [("", outbox["pending"])],
    )
    _family(
        lines,
        "trustwell_deliveries_failed_total",
        "Outgoing messages that gave up after every retry (dead).",
        [("", outbox["dead"])],
    )
    _family(
        lines,
        "trustwell_assets",
        "Assets by status-page state.",
        [(f'state="{s}"', states[s]) for s in STATES],
    )
    channels = sorted({h.channel for h in health} | {c for c, _ in per_channel})
    for status in ("pending", "dead"):
        _family(
            lines,
            f"trustwell_outbox_{status}",
            f"Outgoing messages {_MEANING[status]}, by channel.",
            [(_label("channel", c), per_channel[(c, status)]) for c in channels],
        )
    _family(
        lines,
        "trustwell_channel_failing_seconds",
        "Seconds since the channel's first failure after its last success (0 while healthy).",
        [(_label("channel", h.channel), int(h.failing_for.total_seconds())) for h in health],
    )
    _family(
        lines,
        "trustwell_channel_alerting",
        "1 when the channel has been failing for longer than its alert_after.",
        [(_label("channel", h.channel), int(h.alerting)) for h in health],
    )
    return "\n".join(lines) + "\n"


def _label(name: str, value: str) -> str:
    """``name="value"`` with the exposition format's escapes (a channel name is free text)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}="{escaped}"'


def _family(lines: list[str], name: str, help_: str, samples: list[tuple[str, int]]) -> None:
    lines.append(f"# HELP {name} {help_}")
    lines.append(f"# TYPE {name} gauge")
    for labels, value in samples:
        lines.append(f"{name}{{{labels}}} {value}" if labels else f"{name} {value}")


def _counts(
    conn: sa.Connection,
) -> tuple[Counter[str], Counter[str], Counter[str], Counter[tuple[str, str]]]:
    import sqlalchemy as sa

    from trustwell.incidents.model import OPEN_STATES
    from trustwell.store.incident_tables import incidents, outbox
    from trustwell.store.tables import checks, results

    latest = conn.execute(
        sa.select(checks.c.id, results.c.status)
        .join(
            results,
            sa.and_(results.c.check_id == checks.c.id, results.c.executed_at == checks.c.last_seen),
        )
        .order_by(results.c.id)
    )
    by_check = {row.id: row.status for row in latest}  # the newest row of a check wins
    open_incidents = conn.execute(
        sa.select(incidents.c.severity, sa.func.count())
        .where(incidents.c.status.in_([s.value for s in OPEN_STATES]), incidents.c.drill.is_(False))
        .group_by(incidents.c.severity)
    )
    messages = conn.execute(
        sa.select(outbox.c.channel, outbox.c.status, sa.func.count())
        .where(outbox.c.status.in_(("pending", "dead")))
        .group_by(outbox.c.channel, outbox.c.status)
    )
    per_channel = Counter({(str(c), str(s)): int(n) for c, s, n in messages})
    totals: Counter[str] = Counter()
    for (_, status), count in per_channel.items():
        totals[status] += count
    return (
        Counter(by_check.values()),
        Counter({str(k): int(v) for k, v in open_incidents}),
        totals,
        per_channel,
    )
