"""``drift``: a column's distribution against a reference, exactly as Evidently 0.7 measures it.

Three rounds of aggregates, each asked for once the one before is in
(:meth:`DriftType.followup`): the relation's columns (numeric or not, from
the describe every run makes), a profile of both sides (rows, distinct
values, min and max: what the default method and the bin edges need), then
the counts the method needs: rows per value, or per Sturges bin. No query
returns rows. The statistics are :mod:`trustwell.checks.drift_stats`'s,
from those counts. A stored baseline (``reference: {baseline: NAME}``)
stands for the reference side: its value counts were saved by ``trustwell
baseline save`` and are read through the evaluation context, so the
reference is not read again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from trustwell.checks import drift_sketch as sketch_stats
from trustwell.checks import drift_stats as stats
from trustwell.checks.context import EvaluationContext
from trustwell.checks.drift_plan import (
    Baseline,
    Plan,
    baseline_of,
    bin_counts_of,
    plan,
    profile,
    tiles_of,
    value_counts_of,
)
from trustwell.checks.drift_sql import (
    CURRENT,
    REFERENCE,
    Side,
    bins_query,
    profile_query,
    tiles_query,
    values_query,
)
from trustwell.checks.metrics import Described, Metric, OwnQuery
from trustwell.checks.outcome import Outcome, fmt
from trustwell.checks.params import CheckBase, Float, Name, _Strict, rule
from trustwell.checks.types.base import CheckType, Scope, Unit
from trustwell.readonly_sql import read_only_condition

if TYPE_CHECKING:
    from trustwell.engines.base import Column

#: Each side may have at most this many distinct values counted exactly.
MAX_DISTINCT = 100_000


class Reference(_Strict):
    """What the current rows are compared with: exactly one of the three keys."""

    asset: Name | None = None  # another asset's column of the same name
    where: str | None = None  # rows of the same asset
    baseline: Name | None = None  # a stored baseline (``trustwell baseline save``)

    @model_validator(mode="after")
    def _exactly_one(self) -> Reference:
        given = [k for k in ("asset", "where", "baseline") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("reference takes exactly one of asset, where or baseline")
        return self


class DriftWarn(_Strict):
    limit: Float = Field(alias="threshold", ge=0)


class Drift(CheckBase):
    """The distribution of `column` has not drifted from `reference` (Evidently 0.7's methods)."""

    type: Literal["drift"]
    column: Name
    reference: Reference
    method: stats.Method | None = None
    limit: Float | None = Field(default=None, alias="threshold", ge=0)
    warn: DriftWarn | None = None

    @model_validator(mode="after")
    def _warn_stricter(self) -> Drift:
        if self.warn is None or self.method is None:
            return self
        fail = self.limit if self.limit is not None else stats.default_threshold(self.method)
        p_value = self.method in stats.P_VALUES
        if (self.warn.limit < fail) if p_value else (self.warn.limit > fail):
            side = "below" if p_value else "above"
            raise rule(
                f"warn.threshold {self.warn.limit:g} is {side} threshold {fail:g}:"
                " a warn level must be stricter than the fail level, or it never warns",
                "warn",
                "threshold",
            )
        return self

    def columns_label(self) -> str:
        return self.column

    @property
    def column_list(self) -> list[str]:
        return [self.column]

    def threshold(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"method": self.method or "auto"}
        if self.limit is not None:
            shown["threshold"] = self.limit
        return shown


class DriftType(CheckType[Drift]):
    name = "drift"
    model = Drift
    metric = (
        "the method's statistic as Evidently 0.7 computes it: `psi`, `jensen_shannon` and"
        " normed `wasserstein` distances, `ks` and `chi_square` p-values (from value and bin"
        " counts the database returns)"
    )
    nulls = "NULL, NaN and infinite values are left out of both sides"
    empty = (
        "passes with value null when the current rows have no value; an empty reference is"
        " an `error`"
    )

    def unit(self, check: Drift) -> Unit:
        return "number"

    def metrics(self, check: Drift, scope: Scope) -> dict[str, Metric]:
        return {"columns": Described()}

    def followup(
        self,
        check: Drift,
        scope: Scope,
        values: Mapping[str, Any],
        context: EvaluationContext,
    ) -> dict[str, Metric]:
        """The profile once the columns are known, then the counts once the profile is in."""
        if "columns" not in values:
            return {}
        numeric = _kind(check, values["columns"])[0]
        sides = _sides(check, scope)
        if "profile" not in values:
            return {"profile": OwnQuery(profile_query(sides, check.column, numeric))}
        if "counts" in values:
            return {}
        chosen = _plan(check, values, context)
        if chosen is None:
            return {}
        if chosen.edges is not None:
            query = bins_query(sides, check.column, chosen.edges)
        elif chosen.tiles is not None:
            query = tiles_query(sides, check.column, chosen.tiles)
        else:
            query = values_query(sides, check.column, numeric)
        return {"counts": OwnQuery(query)}

    def evaluate(
        self, check: Drift, values: Mapping[str, Any], context: EvaluationContext
    ) -> Outcome:
        chosen = _plan(check, values, context)
        if chosen is None:
            return Outcome("pass", None, f"no current values of {check.column} to compare")
        baseline = baseline_of(check.reference.baseline, context)
        method, value, measured = _measure(chosen, values["counts"], baseline)
        limit = check.limit if check.limit is not None else stats.default_threshold(method)
        details: dict[str, Any] = {
            "method": method,
            "statistic": "p_value" if method in stats.P_VALUES else "distance",
            "value": value,
            "threshold": limit,
            "reference": chosen.reference_label,
            "reference_rows": chosen.reference_rows,
            "current_rows": chosen.current_rows,
            **measured,
        }
        label = f"{method} of {check.column}"
        if value is None:
            message = f"{label}: a single category on both sides, nothing to compare"
            return Outcome("pass", None, message, details=details)
        if stats.drifted(method, value, limit):
            side = "below" if method in stats.P_VALUES else "above"
            message = f"{label} is {fmt(value)}, {side} the threshold {fmt(limit)}: drifted"
            return Outcome("fail", value, message, details=details)
        if check.warn is not None and stats.drifted(method, value, check.warn.limit):
            message = f"{label} is {fmt(value)}, past the warn threshold {fmt(check.warn.limit)}"
            return Outcome("warn", value, message, details=details)
        return Outcome("pass", value, f"{label} is {fmt(value)}", details=details)


def _kind(check: Drift, columns: list[Column] | None) -> tuple[bool, bool]:
    """(numeric, integer) from the described column type; dates and times are refused."""
    found = next((c for c in columns or [] if c.name.lower() == check.column.lower()), None)
    kind = found.type if found is not None else None
    if kind in ("date", "timestamp"):
        raise ValueError(f"drift compares numbers or categories; {check.column} is a {kind}")
    return kind in ("integer", "float", "decimal"), kind == "integer"


def _sides(check: Drift, scope: Scope) -> list[Side]:
    sides = [Side(CURRENT, scope.relation, scope.where)]
    reference = check.reference
    if reference.asset is not None:
        sides.append(Side(REFERENCE, scope.resolve(reference.asset), None))
    elif reference.where is not None:
        # Checked at load time too; refused here again before anything runs.
        condition = read_only_condition(reference.where, scope.dialect, what="reference.where")
        sides.append(Side(REFERENCE, scope.relation, condition))
    return sides


def _label(reference: Reference) -> str:
    return f"asset {reference.asset}" if reference.asset else f"where {reference.where}"


def _measure(
    chosen: Plan, rows: Sequence[Mapping[str, Any]], baseline: Baseline | None
) -> tuple[stats.Method, float | None, dict[str, Any]]:
    """The method, its value, and what it was computed on (bins, categories or a sketch)."""
    if chosen.edges is not None:
        method = chosen.resolve({}, {})
        value, listed = stats.compare_bins(
            method, chosen.edges, *bin_counts_of(rows, chosen, baseline)
        )
        return method, value, {"bins": listed}
    if chosen.tiles is not None:
        method = chosen.resolve({}, {})
        reference, current = tiles_of(rows, baseline)
        sketch: dict[str, Any] = {"tiles": chosen.tiles}
        if method == "ks":
            d, value, sketch["ks_statistic_error"] = sketch_stats.ks_sketch(reference, current)
            sketch["ks_statistic"] = d
        else:
            std = chosen.reference_std or 0.0
            value, sketch["value_error"] = sketch_stats.wasserstein_sketch(reference, current, std)
        return method, value, {"sketch": sketch}
    ref, cur = value_counts_of(rows, chosen, baseline)
    method = chosen.resolve(ref, cur)
    value, listed = stats.compare(method, ref, cur, numeric=chosen.numeric, integer=chosen.integer)
    if method == "ks":
        return method, value, {"ks_statistic": stats.ks_statistic(ref, cur)[0], "bins": listed}
    numeric_order = chosen.numeric and method in stats.NUMERIC_ONLY
    return method, value, {("bins" if numeric_order else "categories"): listed}


def _plan(check: Drift, values: Mapping[str, Any], context: EvaluationContext) -> Plan | None:
    numeric, integer = _kind(check, values["columns"])
    found = profile(values["profile"], numeric)
    baseline = baseline_of(check.reference.baseline, context)
    label = _label(check.reference)
    return plan(check.method, check.column, label, found, baseline, numeric, integer, MAX_DISTINCT)
