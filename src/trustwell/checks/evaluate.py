"""Turning metric values into a status and a message. Pure: no I/O.

Each type's entry evaluates its own checks (:meth:`CheckType.evaluate
<trustwell.checks.types.base.CheckType.evaluate>`); this is the one call the
runner and the tests make. The parameters of a check define its fail level;
``warn`` (same keys) a level that only warns. A check on an empty table
passes, except ``row_count`` and ``freshness`` (each type's ``empty`` says
what it reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from trustwell.checks.context import EvaluationContext
from trustwell.checks.outcome import Outcome
from trustwell.checks.params import CheckBase
from trustwell.checks.registry import type_of


def evaluate(
    check: CheckBase,
    metrics: Mapping[str, Any],
    now: datetime,
    zone: str | None = None,
    *,
    context: EvaluationContext | None = None,
) -> Outcome:
    """Status of a check from the metric values its statements returned.

    >>> evaluate(not_null_email, {"failing": 3, "scope": 200}, now).message   # doctest: +SKIP
    '3 rows with NULL in email (1.50% of 200); allowed 0'
    """
    if context is None:
        context = EvaluationContext(now=now, check=check.display_name, timezone=zone)
    return type_of(check).evaluate(check, metrics, context)
