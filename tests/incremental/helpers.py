"""Running one asset incrementally (with stored states) and in full, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance.data import NOW
from trustwell.checks.incremental_run import IncrementalRun
from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine
from trustwell.store.database import Store


@dataclass
class Ran:
    results: list[CheckResult]
    sql: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def restated(self) -> list[str]:
        """The run's restatement lines."""
        return [n for n in self.notes if n.startswith("restated:")]


def asset(checks: Sequence[dict[str, Any]], name: str = "orders", **incremental: Any) -> Asset:
    """An asset on the ``orders`` table with ``checks``, incremental on ``created_at``."""
    named = [{"name": f"c{i}", **c} for i, c in enumerate(checks)]
    spec = {"column": "created_at", **incremental}
    fields = {"name": name, "table": "orders", "checks": named, "incremental": spec}
    return Asset.model_validate(fields)


def run(engine: Engine, subject: Asset, store: Store | None, *, full: bool = False) -> Ran:
    """One run of ``subject``; with a store, incremental, its new states stored after it."""
    sql: list[str] = []
    target = Asset(name="customers")
    incremental = IncrementalRun(store, full=full)
    hook = incremental.hook(subject, engine, Path(".")) if store is not None else None
    results = check_asset(
        AssetRun(
            engine=engine,
            asset=subject,
            assets={"orders": subject, "customers": target},
            now=parse_timestamp(NOW),
            on_sql=lambda s: sql.append(s.sql),
            incremental=hook,
        )
    )
    if store is not None:
        writes = incremental.writes("run", parse_timestamp(NOW))
        store.write(lambda conn: [w(conn) for w in writes])
    return Ran(results, sql, incremental.notes())


def outcome(result: CheckResult) -> tuple[Any, ...]:
    """What must be the same as a full run's: status, value, fraction, message.

    A mean merged as sum / count may differ from the engine's AVG in the last
    bit of a float, so numbers compare to 12 significant digits.
    """
    value = result.value
    number = pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
    return (result.check, result.status, number, result.failing_fraction, result.message)


def assert_same(incremental: Ran, full: Ran) -> None:
    assert [outcome(r) for r in incremental.results] == [outcome(r) for r in full.results]


def rounded(value: Any) -> Any:
    """``value`` with every float to 12 significant digits (details hold merged sums)."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value
