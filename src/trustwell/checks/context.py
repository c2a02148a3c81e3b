"""What an evaluation may know besides its metric values: the time, past results, baselines.

Evaluation stays pure: a type reads the past through the :class:`EvaluationContext`
it is handed, never from a database itself. ``trustwell run`` gives it the
store's history (:class:`trustwell.checks.service.StoreHistory`); the Python
API, a dry run and a run that is not recorded give it none. The run being evaluated is never part of
its own history (``before`` the run's start).

A type that judges another check's value (``anomaly`` on a ``stat`` check)
reads it from ``checks``: the outcomes of the asset's other checks in this
run, evaluated first.

Baselines (for ``drift``: stored reference distributions, ``trustwell
baseline save``) come from the store on a recorded run
(:class:`trustwell.checks.service.StoreHistory`, reading
:mod:`trustwell.checks.baselines`); every other source answers ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from trustwell.checks.outcome import Outcome


class PastResult(Protocol):
    """One stored result of the same check (``trustwell.store.HistoryEntry`` is one)."""

    @property
    def executed_at(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def details(self) -> dict[str, Any] | None: ...


class HistorySource(Protocol):
    """Where past results come from."""

    def past_results(
        self,
        asset: str,
        check: str,
        *,
        before: datetime,
        limit: int,
        outside_incidents: bool = False,
    ) -> Sequence[PastResult]:
        """The latest ``limit`` results of ``check`` executed before ``before``, oldest first.

        ``outside_incidents`` leaves out results recorded while an incident on
        the asset was open (after its ``occurred_at``, before its resolution;
        drills and dismissed incidents do not count).
        """
        ...


class BaselineSource(Protocol):
    """Where stored drift baselines come from."""

    def baseline(self, asset: str, name: str) -> Mapping[str, Any] | None:
        """The latest version of the baseline ``name`` (checked ``asset`` given), or None."""
        ...


class NoHistory:
    """No past results and no baselines: the Python API, dry runs, unrecorded runs."""

    def past_results(
        self,
        asset: str,
        check: str,
        *,
        before: datetime,
        limit: int,
        outside_incidents: bool = False,
    ) -> Sequence[PastResult]:
        return []

    def baseline(self, asset: str, name: str) -> Mapping[str, Any] | None:
        return None


@dataclass(frozen=True)
class EvaluationContext:
    """What one check's evaluation is given besides its metric values.

    >>> context.history(limit=7)[-1].value       # doctest: +SKIP
    118.0
    """

    now: datetime
    asset: str = ""
    check: str = ""
    timezone: str | None = None  # how to read timestamps without a zone (default UTC)
    source: HistorySource = field(default_factory=NoHistory)
    baselines: BaselineSource = field(default_factory=NoHistory)
    #: outcomes of the asset's other checks in this run (for types that read them)
    checks: Mapping[str, Outcome] = field(default_factory=dict)

    def history(self, limit: int = 100, *, outside_incidents: bool = False) -> Sequence[PastResult]:
        """Past results of this check, oldest first; never the run being evaluated."""
        return self.source.past_results(
            self.asset,
            self.check,
            before=self.now,
            limit=limit,
            outside_incidents=outside_incidents,
        )

    def baseline(self, name: str) -> Mapping[str, Any] | None:
        """The latest stored version of the baseline ``name``, or None (see ``baselines.py``)."""
        return self.baselines.baseline(self.asset, name)
