"""The shape of a check type: one entry says everything about it.

A type is a small class with one instance in :mod:`trustwell.checks.registry`:

- ``model``: its parameters, a Pydantic model whose docstring is the type's
  documentation line (the JSON Schema and ``docs/checks.md`` show it);
- :meth:`~CheckType.metrics`: what it asks the database for (:mod:`~trustwell.checks.metrics`);
- :meth:`~CheckType.evaluate`: metric values in, an :class:`~trustwell.checks.outcome.Outcome`
  out (pure; past results, and the outcomes of the checks named by
  :meth:`~CheckType.reads_checks`, through the
  :class:`~trustwell.checks.context.EvaluationContext`);
- :meth:`~CheckType.judge_spec`: for a type whose evaluation needs only the
  metric values and static parameters, the check as a JSON-serialisable spec
  that :func:`trustwell.checks.judge.judge` evaluates; the default
  ``evaluate`` is that call, so a run from a cached plan and a normal run
  share one evaluation;
- :meth:`~CheckType.followup`: metrics that depend on values already
  computed (``drift``'s bins need both sides' min and max first), asked for
  in further rounds before evaluating;
- :meth:`~CheckType.detail_metrics` and :meth:`~CheckType.details`: what it
  asks for after evaluating, only when the outcome calls for it (offending
  values), and the details made from them;
- :meth:`~CheckType.samples`: the query of its failed-row samples;
- :meth:`~CheckType.columns` (the relation's columns it names, checked before
  anything runs) and :meth:`~CheckType.unit` (of ``value``, for output);
- ``metric``, ``nulls`` and ``empty``: what ``value`` is, how NULLs count and
  what an empty table gives, as ``docs/checks.md`` states them.

Row-level types share :class:`RowLevelType`: a failing-row predicate is all
they need to give.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sqlglot import exp

from trustwell.checks.context import EvaluationContext
from trustwell.checks.judge import allowance_spec, judge
from trustwell.checks.metrics import FAILING, SCOPE, Aggregate, Metric, and_all, count_where
from trustwell.checks.outcome import Outcome
from trustwell.checks.params import Bounded, CheckBase, RowLevel, warn_limits
from trustwell.display import Unit as Unit  # what a check's ``value`` counts (re-exported)

C = TypeVar("C", bound=CheckBase)
R = TypeVar("R", bound=RowLevel)


@dataclass(frozen=True)
class Scope:
    """What one check's metrics are computed over."""

    asset: str
    relation: exp.Expr  # the asset's table, subquery or file scan
    where: exp.Expr | None  # the check's own filter
    dialect: str
    #: another asset's relation by name (``references``); raises LookupError if unknown
    resolve: Callable[[str], exp.Expr]
    pii: frozenset[str] = frozenset()  # the asset's personal-data columns, lower case


def no_other_assets(name: str) -> exp.Expr:
    """The ``resolve`` of a scope without a project (the Python API)."""
    raise LookupError(f"referenced asset {name!r} is not in the project")


class CheckType(ABC, Generic[C]):
    """One built-in check type. Subclasses set the class attributes and override what they need."""

    name: ClassVar[str]
    model: type[C]
    metric: ClassVar[str]  # what ``value`` is
    nulls: ClassVar[str]  # the NULL rule
    empty: ClassVar[str]  # what a check on an empty table (or an empty ``where``) gives
    #: whether an outcome that only warns may ask for :meth:`detail_metrics` (a replayed
    #: run leaves such a warning to the full path, which runs them)
    warn_details: ClassVar[bool] = False

    @property
    def summary(self) -> str:
        """The documentation line: the first line of the model's docstring."""
        return (self.model.__doc__ or "").strip().splitlines()[0]

    def unit(self, check: C) -> Unit:
        """The unit of ``value``: ``rows`` unless the type says otherwise."""
        return "rows"

    def columns(self, check: C) -> list[str]:
        """The relation's columns the check names (each must exist before anything runs)."""
        return check.column_list

    def reads_relation(self, check: C) -> bool:
        """False for checks that query something else (``sql``): no describe, no scope."""
        return True

    def reads_checks(self, check: C) -> list[str]:
        """Other checks of the asset whose outcome it judges (evaluated first; default none)."""
        return []

    @abstractmethod
    def metrics(self, check: C, scope: Scope) -> dict[str, Metric]:
        """The named metrics the check needs."""

    def evaluate(self, check: C, values: Mapping[str, Any], context: EvaluationContext) -> Outcome:
        """Status, value, message and details from the metric values (pure).

        By default the judge on the check's :meth:`judge_spec`; a type without
        one evaluates here itself.
        """
        spec = self.judge_spec(check)
        if spec is None:
            raise TypeError(f"check type {self.name} has no judge spec")
        return judge(spec, values, context.now, context.timezone, context=context)

    def judge_spec(self, check: C) -> dict[str, Any] | None:
        """The check as a JSON-serialisable spec for :func:`~trustwell.checks.judge.judge`.

        None (the default) when the evaluation needs more than the metric
        values and static parameters (history, baselines, other checks, rows
        of a query of its own): such a check is evaluated by ``evaluate`` only.
        """
        return None

    def followup(
        self, check: C, scope: Scope, values: Mapping[str, Any], context: EvaluationContext
    ) -> dict[str, Metric]:
        """Metrics that need ``values`` (those computed so far) first; ``{}`` once all are in."""
        return {}

    def detail_metrics(self, check: C, scope: Scope, outcome: Outcome) -> dict[str, Metric]:
        """Metrics asked for after evaluation, when ``outcome`` calls for them (default none)."""
        return {}

    def details(
        self, check: C, outcome: Outcome, values: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The result's details once the detail metrics are in (default: the outcome's)."""
        return outcome.details

    def samples(self, check: C, scope: Scope, limit: int) -> exp.Query | None:
        """The query of failed-row samples (row-level types), or None."""
        return None


class RowLevelType(CheckType[R]):
    """A type that counts rows meeting a failing-row predicate against an allowance."""

    #: what a failing row is, ``{cols}`` standing for the check's columns
    what: ClassVar[str]
    empty = "passes: 0 failing rows, `failing_fraction` null"

    @abstractmethod
    def predicate(self, check: R) -> exp.Expr:
        """The condition a failing row meets (without the check's ``where``)."""

    def metrics(self, check: R, scope: Scope) -> dict[str, Metric]:
        return {
            FAILING: Aggregate(count_where(and_all(scope.where, self.predicate(check)))),
            SCOPE: Aggregate(count_where(scope.where)),
        }

    def judge_spec(self, check: R) -> dict[str, Any] | None:
        return row_level_spec("failing_rows", self.describe(check), check)

    def describe(self, check: R) -> str:
        """``what`` with the check's columns filled in."""
        return self.what.format(cols=check.columns_label() or "rows")

    def samples(self, check: R, scope: Scope, limit: int) -> exp.Query | None:
        condition = and_all(scope.where, self.predicate(check))
        return exp.select("*").from_(scope.relation.copy()).where(condition).limit(limit)


def row_level_spec(shape: str, what: str, check: RowLevel) -> dict[str, Any]:
    """The judge spec of a row-level check: what a failing row is, and its allowances."""
    fail, warn = check.allowances()
    return {
        "shape": shape,
        "what": what,
        "allowance": allowance_spec(fail),
        "warn": allowance_spec(warn),
    }


def bounds_spec(check: Bounded) -> dict[str, Any]:
    """The bounds part of a bounded check's judge spec: its fail and warn levels."""
    warn_min, warn_max = warn_limits(check.warn)
    return {"min": check.min, "max": check.max, "warn_min": warn_min, "warn_max": warn_max}
