"""How the demo shows a certificate: its state, as its notice words it, and who heard.

Read-only, for :mod:`trustwell.demo.story` and :mod:`trustwell.demo.story_incident`:
certification is re-evaluated by the runs and incident changes themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustwell.demo.state import Demo, StoryError

if TYPE_CHECKING:
    from trustwell.certification.service import StoredDecision
    from trustwell.store import Store

MART = "marts.weekly_cac"
USE_CASE = "exec_reporting"
CHURN_SCORES = "ml.churn_scores"
CHURN_MODEL = "churn_model"


def show_certification(
    demo: Demo, expected: str, asset: str = MART, use_case: str = USE_CASE
) -> None:
    """Print ``asset``'s state for ``use_case`` (the mart's for the executives by default).

    It must be ``expected``. The line is the notice's own sentence; under it,
    who that notice was queued for.
    """
    from trustwell.certification.service import history

    with demo.store() as store:
        changes = [d for d in history(store, demo.loaded(), asset) if d.use_case == use_case]
        latest = changes[0] if changes else None
        told = _told(store, asset, latest, changes) if latest else ([], "")
    if latest is None or latest.state != expected:
        found = latest.state if latest else "not decided"
        raise StoryError(f"{asset} should be {expected} for {use_case} here, not {found}")
    recipients, line = told
    if not recipients:
        raise StoryError(f"no notice of {asset}'s certification was queued: {line}")
    say = demo.console.print
    say(f"[bold]Certification[/]: {line}", soft_wrap=True)
    say(f"  notice queued for {', '.join(recipients)}", soft_wrap=True, markup=False)


def _told(
    store: Store, asset: str, latest: StoredDecision, changes: list[StoredDecision]
) -> tuple[list[str], str]:
    """Who the notice of ``latest`` went to (owners' addresses or channels first), and its line."""
    import sqlalchemy as sa

    from trustwell.certification.announce import CHANGE_EVENT
    from trustwell.certification.notices import change_text
    from trustwell.store.incident_tables import outbox

    previous = next((d.state for d in changes[1:] if d.state != latest.state), None)
    line = change_text(asset, latest.use_case, latest.state, latest.reasons, previous)
    if line is None:
        return [], f"{asset} is {latest.state} for {latest.use_case}"
    query = (
        sa.select(outbox.c.channel, outbox.c.recipient, outbox.c.payload)
        .where(outbox.c.event == CHANGE_EVENT, outbox.c.created_at == latest.decided_at)
        .order_by(outbox.c.id)
    )
    rows = store.read(lambda conn: list(conn.execute(query)))
    recipients = [
        str(r.recipient or r.channel)
        for r in rows
        if str((r.payload or {}).get("text", "")).split("\n", 1)[0] == line
    ]
    return recipients, line
