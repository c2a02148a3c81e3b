"""``trustwell.validate``: the same checks on a data frame inside a pipeline.

Data frames and Arrow tables are scanned by DuckDB in place (no copy where
DuckDB can read the memory directly); a DuckDB relation is checked on its own
connection. The check definitions are exactly those of ``assets/*.yml``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlglot import exp

from trustwell.checks.result import CheckResult, worst
from trustwell.checks.run import AssetRun, check_asset
from trustwell.checks.spec import Check, CheckBase
from trustwell.config.models import Asset
from trustwell.engines.base import Column, Engine, EngineError, QueryResult, normalize_type

_VIEW = "_trustwell_data"


@dataclass(frozen=True)
class Validation:
    """The results of :func:`validate`, iterable like a list of CheckResult."""

    name: str
    results: list[CheckResult]

    @property
    def status(self) -> str:
        return worst([r.status for r in self.results])

    @property
    def passed(self) -> bool:
        """True when nothing failed or errored (warnings allowed)."""
        return self.status in ("pass", "warn")

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.status in ("fail", "error")]

    def summary(self) -> str:
        lines = [f"{self.name}: {len(self.failures)} of {len(self.results)} checks failed"]
        lines += [f"  {r.status.upper()} {r.check}: {r.message}" for r in self.failures]
        return "\n".join(lines)

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


class ValidationFailed(AssertionError):
    """Raised by ``validate(..., raise_on_fail=True)``; the message lists the failures."""

    def __init__(self, validation: Validation) -> None:
        self.validation = validation
        super().__init__(validation.summary())


_CHECK = TypeAdapter(Check)


def validate(
    data: Any,
    checks: Sequence[Mapping[str, Any] | CheckBase],
    *,
    name: str = "data",
    pii: Sequence[str] = (),
    raise_on_fail: bool = False,
) -> Validation:
    """Run checks on a pandas/Polars data frame, an Arrow table or a DuckDB relation.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": [1, 2, 2]})
    >>> validate(frame, checks=[{"type": "unique", "column": "id"}]).status
    'fail'
    """
    specs = [c if isinstance(c, CheckBase) else _parse(c, i) for i, c in enumerate(checks)]
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        # Results, filters and metrics are keyed by check name, as in a project file.
        if spec.display_name in seen:
            raise ValueError(
                f"checks[{i}]: duplicate check name '{spec.display_name}':"
                " set 'name:' on one of them"
            )
        seen.add(spec.display_name)
    asset = Asset(name=name, table=_VIEW, pii=list(pii), checks=specs)
    engine = _engine_for(data)
    try:
        results = check_asset(AssetRun(engine=engine, asset=asset))
    finally:
        engine.close()
    validation = Validation(name, results)
    if raise_on_fail and not validation.passed:
        raise ValidationFailed(validation)
    return validation


def _parse(definition: Mapping[str, Any], index: int) -> CheckBase:
    try:
        check: CheckBase = _CHECK.validate_python(dict(definition))
    except ValidationError as exc:
        raise ValueError(f"checks[{index}] is invalid: {exc}") from None
    if check.type == "references":
        raise ValueError(f"checks[{index}]: references needs a project; use trustwell run")
    return check


def _engine_for(data: Any) -> Engine:
    import duckdb

    from trustwell.engines.duckdb import DuckDBEngine

    if isinstance(data, duckdb.DuckDBPyRelation):
        return _RelationEngine(data)
    connection = duckdb.connect()
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        data = data.to_arrow()  # zero-copy for most column types
    elif module not in ("pandas", "pyarrow"):
        connection.close()
        raise TypeError(
            f"validate() takes a pandas or Polars DataFrame, an Arrow table or a DuckDB "
            f"relation, not {type(data).__name__}"
        )
    connection.register(_VIEW, data)
    # Owned, so the engine locks it down now that the frame is registered: no file
    # access at all, the configuration locked, each statement read-only.
    return DuckDBEngine(connection=connection, owns_connection=True)


class _RelationEngine(Engine):
    """Runs queries on a DuckDB relation's own connection, the relation named as a view.

    The connection is the caller's: trustwell leaves its settings alone, so the
    read-only validator (at compile time) is what keeps its data safe here.
    """

    dialect = "duckdb"

    def __init__(self, relation: Any) -> None:
        self.relation = relation

    def execute(self, sql: str) -> QueryResult:
        import duckdb

        try:
            result = self.relation.query(_VIEW, sql)
            columns = list(result.columns)
            return QueryResult(columns, [tuple(r) for r in result.fetchall()])
        except duckdb.Error as exc:
            raise EngineError(str(exc).strip()) from exc

    def describe(self, relation: exp.Expr) -> list[Column]:
        return [
            Column(name, str(kind), normalize_type(str(kind)))
            for name, kind in zip(self.relation.columns, self.relation.types, strict=True)
        ]
