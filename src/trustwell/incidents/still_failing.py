"""One timeline entry per incident and check while the check keeps failing.

A check re-run every hour would otherwise add an entry per run and bury the
timeline (and the post-mortem) under "still failing". The first re-run adds
one ``still_failing`` entry for that check; later ones update it in place
(its time, run count and latest message), so the entry always reads as now:
``not_null:id on raw.orders still failing: 14 runs since 09:00 (latest: …)``.
No migration: the count and the start live in the entry's ``data``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trustwell.clock import clock_time, isoformat, parse_timestamp
from trustwell.store.incident_tables import incident_fingerprints, timeline

KIND = "still_failing"


def still_failing_text(
    asset: str, check: str, runs: int, since: datetime, now: datetime, timezone: str, latest: str
) -> str:
    """``c on a still failing: 14 runs since 09:00 (latest: <message>)``; pure."""
    return (
        f"{check} on {asset} still failing: {runs} run{'' if runs == 1 else 's'} since "
        f"{clock_time(since, now, timezone)}" + (f" (latest: {latest})" if latest else "")
    )


def entry_key(data: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """What one still-failing entry is about: (asset, check), or for an entry
    written before one entry per check was kept, (asset, *checks)."""
    if not data or "asset" not in data:
        return None
    if "check" in data:
        return (str(data["asset"]), str(data["check"]))
    return (str(data["asset"]), *map(str, data.get("checks") or []))


def latest_per_check(entries: Iterable[Any]) -> list[Any]:
    """Timeline entries (in order) with each check's still-failing entry shown
    once, the latest; a store written by an older version may hold several."""
    entries = list(entries)
    last: dict[tuple[str, ...], int] = {}
    for index, entry in enumerate(entries):
        key = entry_key(entry.data) if entry.kind == KIND else None
        if key is not None:
            last[key] = index
    kept = set(last.values())
    return [
        e for i, e in enumerate(entries) if e.kind != KIND or entry_key(e.data) is None or i in kept
    ]


def keep_current(
    conn: sa.Connection,
    number: int,
    *,
    asset: str,
    check: str,
    value: float | None,
    message: str,
    now: datetime,
    timezone: str,
    actor: str,
) -> None:
    """Add the check's still-failing entry on its first re-run, else update it."""
    rows = conn.execute(
        sa.select(timeline.c.id, timeline.c.data).where(
            timeline.c.incident == number, timeline.c.kind == KIND
        )
    ).all()
    existing = next((r for r in rows if entry_key(r.data) == (asset, check)), None)
    first_failed, last_passed = _fingerprint_times(conn, number, asset, check)
    if existing is None:
        runs = 2  # the run that opened or joined the incident, and this one
        since = first_failed or now
    else:
        runs = int(existing.data.get("runs", 1)) + 1
        since = parse_timestamp(str(existing.data["since"]))
    if last_passed is not None and last_passed > since:
        # It passed in between (the incident went to monitoring): a new streak.
        runs, since = 1, now
    data = {
        "asset": asset,
        "check": check,
        "runs": runs,
        "since": isoformat(since),
        "value": value,
        "message": message,
    }
    text = still_failing_text(asset, check, runs, since, now, timezone, message)
    if existing is None:
        conn.execute(
            timeline.insert().values(
                incident=number, at=now, actor=actor, kind=KIND, text=text, data=data
            )
        )
    else:
        conn.execute(
            timeline.update()
            .where(timeline.c.id == existing.id)
            .values(at=now, text=text, data=data)
        )


def _fingerprint_times(
    conn: sa.Connection, number: int, asset: str, check: str
) -> tuple[datetime | None, datetime | None]:
    """When the check first failed for this incident, and last passed."""
    row = conn.execute(
        sa.select(
            incident_fingerprints.c.first_failed_at, incident_fingerprints.c.last_passed_at
        ).where(
            incident_fingerprints.c.incident == number,
            incident_fingerprints.c.asset == asset,
            incident_fingerprints.c.check_name == check,
        )
    ).first()
    return (row.first_failed_at, row.last_passed_at) if row is not None else (None, None)
