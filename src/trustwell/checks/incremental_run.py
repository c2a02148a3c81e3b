"""Wiring ``incremental:`` assets into a run: their hooks, their notes, their stored states.

:class:`IncrementalRun` is created once per ``trustwell run`` by
:func:`trustwell.checks.service.run_project`. It reads an asset's stored
states when the asset is about to run (:meth:`IncrementalRun.hook`), and
after the checks it gives the writes that store every asset's new states in
the run's transaction (:meth:`IncrementalRun.writes`) and the lines the run
tells (:meth:`IncrementalRun.notes`: restatements, fallbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.checks.compile import relation_for
from trustwell.checks.incremental import IncrementalAsset
from trustwell.store.states import AssetStates, PartitionState

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Asset
    from trustwell.engines.base import Engine
    from trustwell.store.database import Store

#: Engines whose incremental statements the conformance suite has not run: full scans there.
UNSUPPORTED = ("spark",)


@dataclass
class IncrementalRun:
    """The incremental assets of one run and what each will store."""

    store: Store | None
    full: bool = False
    dry_run: bool = False
    assets: list[IncrementalAsset] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    #: stored states read ahead (:meth:`preload`), taken by :meth:`hook`
    preloaded: dict[str, AssetStates | None] = field(default_factory=dict)

    def will_read(self, assets: list[Asset]) -> bool:
        """Whether :meth:`hook` will read stored states for some of ``assets``."""
        return self.store is not None and any(a.incremental is not None for a in assets)

    def preload(self, assets: list[Asset]) -> None:
        """Read the stored states of ``assets`` now (while their warehouse opens)."""
        from trustwell.store.states import read_states

        if self.store is None:
            return
        for asset in assets:
            if asset.incremental is not None:
                self.preloaded[asset.name] = read_states(self.store, asset.name)

    def hook(self, asset: Asset, engine: Engine, root: Path) -> IncrementalAsset | None:
        """The hook that runs ``asset``'s statements incrementally (None: a plain full run)."""
        if asset.incremental is None or self.store is None:
            return None
        if engine.dialect in UNSUPPORTED:
            self.fallbacks.append(
                f"incremental: {asset.name} is scanned in full ({engine.dialect} does not"
                " run incremental checks yet)"
            )
            return None
        from trustwell.store.states import read_states

        try:
            relation = relation_for(asset, engine, root)
        except ValueError:
            return None  # the run reports the relation's error on every check
        if asset.name in self.preloaded:
            stored = self.preloaded.pop(asset.name)
        else:
            stored = read_states(self.store, asset.name)
        hook = IncrementalAsset(
            asset.name,
            asset.incremental,
            relation,
            engine,
            stored,
            full=self.full,
            dry_run=self.dry_run,
        )
        self.assets.append(hook)
        return hook

    def notes(self) -> list[str]:
        """What the run tells about its incremental assets (restatements, fallbacks)."""
        return [n for a in self.assets for n in told(a)] + self.fallbacks

    def writes(self, run_id: str, at: datetime) -> list[Callable[[sa.Connection], None]]:
        """The writes of every asset's new states, for the transaction that records the run."""
        from trustwell.store.states import write_states

        found: list[Callable[[sa.Connection], None]] = []
        for hook in self.assets:
            states = new_states(hook)
            if states is None:
                continue

            def write(
                conn: sa.Connection, hook: IncrementalAsset = hook, states: AssetStates = states
            ) -> None:
                write_states(conn, hook.asset, states, run_id=run_id, at=at, removed=removed(hook))

            found.append(write)
        return found


def told(hook: IncrementalAsset) -> list[str]:
    """The run's lines about one asset: restatements, checks computed in full."""
    if not hook.in_full:
        return list(hook.notes)
    shown = ", ".join(sorted(hook.in_full))
    return [*hook.notes, f"incremental: {hook.asset}: computed in full: {shown}"]


def new_states(hook: IncrementalAsset) -> AssetStates | None:
    """What to store for the next run (None when nothing was computed incrementally).

    Its ``partitions`` are those :func:`~trustwell.store.states.write_states`
    writes: the ``touched`` ones (every partition after a rebuild).
    """
    if not hook.prepared:
        return None
    stored = hook.stored
    watermark = hook.high
    if watermark is None and stored is not None and not hook.rebuild:
        watermark = stored.watermark
    before = stored.partitions if stored is not None else {}
    recounted = {
        k
        for k, c in hook.counts.items()
        if k not in before or (before[k].rows, before[k].checksum) != (c.rows, c.checksum)
    }
    whole = hook.rebuild or hook.widened  # every partition rewritten
    touched = None if whole else (hook.scanned | set(hook.changed) | recounted)
    # Only the partitions written: the others keep their stored rows, and a
    # 1% append touches a handful of a year's 365 (no copy of the rest's states).
    partitions = {
        key: PartitionState(
            count.rows,
            count.checksum,
            {k: v for k, v in hook.work.get(key, {}).items() if k in hook.done},
        )
        for key, count in hook.counts.items()
        if touched is None or key in touched
    }
    return AssetStates(
        hook.config.spec(),
        watermark,
        sorted(hook.done),
        dict(hook.distinct),
        partitions,
        touched=touched,
        bitmaps=dict(hook.bitmaps),
        kept_bitmaps=set(hook.kept_bitmaps),
    )


def removed(hook: IncrementalAsset) -> set[str]:
    """Stored partitions that no longer exist."""
    if hook.stored is None:
        return set()
    return set(hook.stored.partitions) - set(hook.counts)
