"""Recording external results: a run of their own, and their failures as incident signals.

:func:`record_external` is the one entry point every importer calls (``trustwell
import gx-results`` today; dbt run results and OpenLineage
``dataQualityAssertions`` later). The results become a run in the store, like a
``trustwell run`` (so history, the status page and the metrics see them), and a
failing one is signal (d) of SPEC section 3: it opens or joins an incident
through the same grouping as a failing check, with detection source
``external``. Detection by another tool is still detection by the data team:
SPEC's internal-detection share counts everything but ``report``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from trustwell import clock
from trustwell.checks.result import RunReport
from trustwell.config.errors import nearest_names_hint
from trustwell.errors import Invalid
from trustwell.integrations.results import (
    ORIGINS,
    ExternalResult,
    Origin,
    duplicate_checks,
    problems_of,
    to_check_result,
)

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

#: The incidents' detection source of every external result (SPEC section 3).
DETECTION_SOURCE = "external"


class UnknownAsset(Invalid):
    """An external result names an asset the project does not declare (exit code 2)."""


class InvalidExternalResult(Invalid):
    """An external result cannot be stored as given (exit code 2); nothing was recorded."""


def check_results(project: Project, origin: str, results: Sequence[ExternalResult]) -> None:
    """Refuse, before anything is written, what :func:`record_external` could not store.

    Every asset must be declared, no result may reuse the name of a declared
    check of its asset (their histories would mix) and one import holds one
    result per check.
    """
    if origin not in ORIGINS:
        hint = nearest_names_hint(origin, ORIGINS)
        raise InvalidExternalResult(f"unknown origin '{origin}'{hint}")
    if not results:
        raise InvalidExternalResult(f"no result to record from {origin}")
    known = {a.name: a for a in project.assets}
    for result in results:
        problems = problems_of(result)
        if problems:
            raise InvalidExternalResult(f"{result.asset} {result.check}: {'; '.join(problems)}")
        asset = known.get(result.asset)
        if asset is None:
            hint = nearest_names_hint(result.asset, known)
            raise UnknownAsset(f"unknown asset '{result.asset}'{hint}")
        if any(c.display_name == result.check for c in asset.checks):
            raise InvalidExternalResult(
                f"{result.asset} declares a check named '{result.check}': a result from "
                f"{origin} needs a name of its own"
            )
    twice = duplicate_checks(results)
    if twice:
        name, check = twice[0]
        raise InvalidExternalResult(f"{name} {check}: given more than once in one import")


def record_external(
    project: Project,
    store: Store,
    origin: Origin,
    results: Sequence[ExternalResult],
    *,
    actor: str | None = None,
    deliver: bool = True,
) -> RunReport:
    """Store ``results`` as one run (trigger ``import:ORIGIN``) and respond to failures.

    All or nothing: invalid input raises :class:`UnknownAsset` or
    :class:`InvalidExternalResult` before the store is touched. Returns the
    run's report, its ``incidents`` filled in as ``trustwell run`` fills them.
    ``deliver=False`` leaves the notices queued in the outbox for the caller to
    deliver (the OpenLineage receiver answers first, then delivers).

    >>> report = record_external(project, store, "gx", [ExternalResult(
    ...     asset="shop.orders", check="gx:expect_table_row_count_to_be_between",
    ...     type="expect_table_row_count_to_be_between", status="fail", value=0.0)])
    >>> report.incidents[0]["action"]
    'opened'
    """
    from trustwell.incidents.signals import handle_run
    from trustwell.notify.outbox import deliver_due
    from trustwell.store import record_run

    check_results(project, origin, results)
    now = clock.now()
    report = RunReport(str(uuid.uuid4()), now, now, [to_check_result(r, origin) for r in results])
    record_run(
        store, report, project=project.settings.name, actor=actor, trigger=f"import:{origin}"
    )
    report.incidents = handle_run(store, project, report, source=DETECTION_SOURCE)
    if deliver:
        deliver_due(store, project.settings)
    return report
