"""Reading and writing the stored states of incremental checks (``store/state_tables.py``).

:func:`read_states` gives an asset's :class:`AssetStates` (None before its
first incremental run); :func:`write_states` replaces what changed, inside
the transaction that records the run, so a run that fails to be stored
leaves the previous states whole and consistent with the previous watermark.
Values are kept as the typed JSON of :mod:`trustwell.checks.incremental_merge`;
the key bitmaps of distinct counts (:mod:`trustwell.checks.incremental_bitmap`)
as compressed bytes, rewritten only when a run changed them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.checks.incremental_bitmap import Bitmap
from trustwell.checks.incremental_merge import decode, encode
from trustwell.store.state_tables import (
    incremental_assets,
    incremental_bitmaps,
    incremental_partitions,
)

if TYPE_CHECKING:
    from trustwell.store.database import Store


@dataclass
class PartitionState:
    """One partition's row count, checksum and mergeable states by key."""

    rows: int
    checksum: int | None = None
    states: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssetStates:
    """Everything an incremental run of one asset keeps for the next."""

    spec: str
    watermark: Any
    keys: list[str]
    distinct: dict[str, int]
    #: partition -> its states (a run's new states hold only the ``touched`` ones)
    partitions: dict[str, PartitionState]
    #: partitions written anew by this run (None: all of them, a rebuild)
    touched: set[str] | None = None
    #: distinct-count key -> the bitmap of the keys counted (one integer key, DuckDB)
    bitmaps: dict[str, Bitmap] = field(default_factory=dict)
    #: bitmaps the run left as they were stored (not written again)
    kept_bitmaps: set[str] = field(default_factory=set)


def read_states(store: Store, asset: str) -> AssetStates | None:
    """The stored states of ``asset`` (None when it has none yet)."""

    def work(conn: sa.Connection) -> AssetStates | None:
        head = conn.execute(
            sa.select(incremental_assets).where(incremental_assets.c.asset == asset)
        ).first()
        if head is None:
            return None
        rows = conn.execute(
            sa.select(incremental_partitions).where(incremental_partitions.c.asset == asset)
        )
        partitions = {
            r.partition_key: PartitionState(
                r.row_count,
                int(r.checksum) if r.checksum is not None else None,
                {k: decode(v) for k, v in (r.states or {}).items()},
            )
            for r in rows
        }
        found = conn.execute(
            sa.select(incremental_bitmaps).where(incremental_bitmaps.c.asset == asset)
        )
        bitmaps = {r.state_key: Bitmap.unpack(int(r.low), r.bits) for r in found}
        return AssetStates(
            head.spec,
            decode(head.watermark),
            list(head.state_keys or []),
            {k: int(v) for k, v in (head.distinct_counts or {}).items()},
            partitions,
            bitmaps=bitmaps,
        )

    return store.read(work)


def write_states(
    conn: sa.Connection,
    asset: str,
    states: AssetStates,
    *,
    run_id: str | None,
    at: datetime,
    removed: Collection[str] = (),
) -> None:
    """Store ``states`` for ``asset`` in the caller's transaction (``conn``).

    Only the partitions the run touched are rewritten (all of them after a
    rebuild); ``removed`` names stored partitions that no longer exist.
    """
    head = {
        "spec": states.spec,
        "watermark": encode(states.watermark),
        "state_keys": states.keys,
        "distinct_counts": states.distinct,
        "run_id": run_id,
        "updated_at": at,
    }
    found = conn.execute(
        sa.select(incremental_assets.c.asset).where(incremental_assets.c.asset == asset)
    ).first()
    if found is None:
        conn.execute(incremental_assets.insert().values(asset=asset, **head))
    else:
        conn.execute(
            incremental_assets.update().where(incremental_assets.c.asset == asset).values(**head)
        )
    table = incremental_partitions
    touched = set(states.partitions) if states.touched is None else states.touched
    gone = set(removed) | touched
    if states.touched is None:
        conn.execute(table.delete().where(table.c.asset == asset))
    elif gone:
        for chunk in _chunks(sorted(gone)):
            conn.execute(
                table.delete().where(table.c.asset == asset, table.c.partition_key.in_(chunk))
            )
    rows = [
        {
            "asset": asset,
            "partition_key": key,
            "row_count": part.rows,
            "checksum": str(part.checksum) if part.checksum is not None else None,
            "states": {k: encode(v) for k, v in part.states.items()},
        }
        for key, part in states.partitions.items()
        if key in touched
    ]
    if rows:
        conn.execute(table.insert(), rows)
    _write_bitmaps(conn, asset, states)


def _write_bitmaps(conn: sa.Connection, asset: str, states: AssetStates) -> None:
    """Replace the bitmaps the run changed; drop those it no longer keeps."""
    table = incremental_bitmaps
    kept = sorted(states.kept_bitmaps & set(states.bitmaps))
    conn.execute(table.delete().where(table.c.asset == asset, table.c.state_key.not_in(kept)))
    fresh = [
        {"asset": asset, "state_key": key, "low": str(bitmap.low), "bits": bitmap.pack()}
        for key, bitmap in states.bitmaps.items()
        if key not in kept
    ]
    if fresh:
        conn.execute(table.insert(), fresh)


def _chunks(keys: list[str], size: int = 500) -> list[list[str]]:
    return [keys[i : i + size] for i in range(0, len(keys), size)]
