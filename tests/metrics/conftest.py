"""A project with teams, asset owners and incidents written straight into its store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trustwell.store import Store, open_store

SETTINGS = """\
name: acme
timezone: America/New_York
teams:
  growth:
    members: [ana]
  finance:
    members: [bo]
"""

ASSETS = """\
assets:
  - name: raw.orders
    owner: growth
  - name: marts.cac
    owner: growth
  - name: raw.payments
    owner: finance
  - name: raw.misc
"""

H = timedelta(hours=1)
#: 02:00 UTC on 1 November is still 31 October in New York.
HALLOWEEN_NIGHT = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
NOV_5 = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)

# (number, severity, status, source, root, drill, occurred, declared, ack, resolved, cause, fps)
ROWS: list[tuple[Any, ...]] = [
    (1, "SEV-1", "closed", "check", "raw.orders", False, HALLOWEEN_NIGHT - H, HALLOWEEN_NIGHT,
     HALLOWEEN_NIGHT + H / 6, HALLOWEEN_NIGHT + 2 * H, "upstream-source", ["fp-orders"]),
    (2, "SEV-2", "resolved", "report", "raw.payments", False, NOV_5 - 4 * H, NOV_5,
     NOV_5 + H / 2, NOV_5 + 3 * H, "late-data", ["fp-pay"]),
    (3, "SEV-1", "investigating", "check", "raw.orders", False, NOV_5 + 2 * H, NOV_5 + 3 * H,
     None, None, None, ["fp-orders", "fp-orders-2"]),
    (4, "SEV-3", "declared", "manual", "raw.misc", False, None, NOV_5 + 4 * H, None, None,
     None, []),
    (5, "SEV-1", "resolved", "check", "raw.orders", True, NOV_5, NOV_5 + H, NOV_5 + 2 * H,
     NOV_5 + 3 * H, "pipeline-bug", ["fp-orders"]),
]  # fmt: skip


def _insert_incidents(root: Path, store_url: str) -> None:
    """Write ROWS with SQLAlchemy Core, as the incident service would have."""
    import sqlalchemy as sa

    from trustwell.store.incident_tables import incident_fingerprints, incidents

    def write(conn: sa.Connection) -> None:
        for number, sev, status, source, root_asset, drill, occ, dec, ack, res, cause, fps in ROWS:
            conn.execute(
                sa.insert(incidents).values(
                    number=number, title=f"problem {number}", severity=sev, status=status,
                    detection_source=source, root_asset=root_asset, drill=drill,
                    occurred_at=occ, declared_at=dec, acknowledged_at=ack, resolved_at=res,
                    cause=cause, escalation_level=0, updated_at=dec,
                )
            )  # fmt: skip
            for fp in fps:
                conn.execute(
                    sa.insert(incident_fingerprints).values(
                        incident=number, fingerprint=fp, asset=root_asset, check_name=None,
                        first_failed_at=dec, last_failed_at=dec,
                    )
                )  # fmt: skip

    store = open_store(store_url, root)
    try:
        store.write(write)
    finally:
        store.close()


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "assets.yml").write_text(ASSETS)
    return tmp_path


@pytest.fixture
def project_with_incidents(project_root: Path) -> Path:
    """The project, with ROWS in its default store (where the commands look)."""
    _insert_incidents(project_root, "sqlite:///.trustwell/trustwell.db")
    return project_root


@pytest.fixture
def store_with_incidents(project_root: Path) -> Iterator[Store]:
    """A store of its own (``s.db``) holding ROWS."""
    url = "sqlite:///" + str(project_root / "s.db")
    _insert_incidents(project_root, url)
    store = open_store(url, project_root)
    try:
        yield store
    finally:
        store.close()
