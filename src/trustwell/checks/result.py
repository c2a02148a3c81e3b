"""Computed results: the records every output format and the store are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from trustwell.clock import isoformat
from trustwell.redact import scrub

Status = Literal["pass", "warn", "fail", "error"]
STATUS_ORDER: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2, "error": 3}


def worst(statuses: list[Status]) -> Status:
    """The most serious status (``pass`` for none)."""
    return max(statuses, key=STATUS_ORDER.__getitem__, default="pass")


@dataclass
class CheckResult:
    """One check's outcome in one run (the ``results[]`` item of SPEC section 2)."""

    asset: str
    check: str
    type: str
    status: Status
    value: float | None
    threshold: dict[str, Any]
    failing_fraction: float | None
    message: str
    samples: list[dict[str, Any]] = field(default_factory=list)
    queries: int = 0
    #: what ``value`` counts or measures (its type's registry entry): ``rows``, ``duration``…
    unit: str = "number"
    #: type-specific facts (offending values, schema differences…), stored as JSON
    details: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # Every result is made here, from any engine, error or library: the one
        # place to make sure its message carries no credential.
        self.message = scrub(self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "check": self.check,
            "type": self.type,
            "status": self.status,
            "value": self.value,
            "threshold": self.threshold,
            "failing_fraction": self.failing_fraction,
            "message": self.message,
            "samples": self.samples,
            "queries": self.queries,
            "unit": self.unit,
            "details": self.details,
        }


@dataclass
class RunReport:
    """A whole ``trustwell run``: its results and, later, the incidents it touched."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    results: list[CheckResult]
    incidents: list[dict[str, Any]] = field(default_factory=list)
    #: ``warning: …`` lines for stderr (undelivered OpenLineage events); not in the document
    warnings: list[str] = field(default_factory=list)
    #: what incremental assets did (``restated: 2 partitions of … rescanned``); stderr only
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return worst([r.status for r in self.results])

    @property
    def exit_code(self) -> int:
        """0 when nothing failed or errored (warnings allowed), else 1."""
        return 1 if self.status in ("fail", "error") else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": isoformat(self.started_at),
            "finished_at": isoformat(self.finished_at),
            "status": self.status,
            "results": [r.to_json() for r in self.results],
            "incidents": self.incidents,
        }
