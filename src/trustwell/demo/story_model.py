"""The churn model's thread of the story: its input drifts on the broken morning, and is fixed.

The same night the ad-spend feed fails, the CRM export behind the churn
scoring job starts sending tenure in months; the morning's batch of
``ml.churn_scores`` is scored on those numbers. The model's own checks
(fairness, ROC AUC, F1 per region) still pass on the table: only the
``drift`` check, comparing the batch's ``tenure_days`` with the batches
before it, sees it. It is a problem of its own, so it opens an incident of
its own, and the scores lose their certificate for ``churn_model``; the
scoring job runs again on days during the fix, and the incident's Commander
resolves it. Each function is called from a step of :mod:`trustwell.demo.story`
or :mod:`trustwell.demo.story_incident`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trustwell import clock
from trustwell.demo import folder, scores
from trustwell.demo.certification_facts import CHURN_MODEL, CHURN_SCORES, show_certification
from trustwell.demo.state import Demo, StoryError

if TYPE_CHECKING:
    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.store import Store

#: The check that must catch the drift (the scores' other checks must still pass).
DRIFT_CHECK = "drift:tenure_days"
CAUSE = "upstream-source"
SUMMARY = (
    "The CRM export behind the churn scoring job sent tenure in months instead of days for "
    "one night, so that morning's batch of ml.churn_scores was scored as if every customer "
    "were new. The export was corrected and the batch scored again."
)


def break_scores(demo: Demo) -> None:
    """The scoring job's input goes wrong: this morning's batch scored on tenure in months."""
    moved = scores.break_scoring(demo.root / folder.WAREHOUSE_FILE, demo.now)
    demo.console.print(
        f"The same night, the CRM export behind the churn scoring job started sending tenure "
        f"in months: this morning's {moved.rows} customers in {CHURN_SCORES} were scored on a "
        f"median tenure_days of {moved.median_after:g} (the batch before: "
        f"{moved.median_before:g}).",
        soft_wrap=True,
    )


def show_drift(demo: Demo, report: RunReport) -> None:
    """The drift the broken run caught, how it was measured, and the certificate it took."""
    mine = [r for r in report.results if r.asset == CHURN_SCORES]
    drift = next((r for r in mine if r.check == DRIFT_CHECK), None)
    if drift is None or drift.status != "fail":
        raise StoryError(f"{CHURN_SCORES} {DRIFT_CHECK} should fail here: {drift}")
    others = [f"{r.check}: {r.status}" for r in mine if r is not drift and r.status != "pass"]
    if others:
        raise StoryError(f"only the drift check of {CHURN_SCORES} should fail: {others}")
    demo.console.print(f"{CHURN_SCORES}: {_drift_line(drift)}", soft_wrap=True, markup=False)
    demo.console.print(
        "Its fairness and model checks still pass: the scores look plausible, only their "
        "input moved.",
        soft_wrap=True,
    )
    show_certification(demo, "revoked", CHURN_SCORES, CHURN_MODEL)


def opened_incident(demo: Demo, report: RunReport) -> str:
    """The id of the incident the drift opened in ``report``, printed in one line."""
    from trustwell.incidents.service import get_incident

    with demo.store() as store:
        for entry in report.incidents:
            if entry["action"] != "opened":
                continue
            incident = get_incident(store, str(entry["id"]))
            if incident.root_asset == CHURN_SCORES:
                break
        else:
            raise StoryError(f"the drift of {CHURN_SCORES} opened no incident")
    demo.console.print(
        f"A second problem, unrelated to the feed, has its own incident: [bold]{incident.id}[/] "
        f"{incident.severity} on {CHURN_SCORES} ({incident.title}), Commander "
        f"{incident.commander}.",
        soft_wrap=True,
    )
    return incident.id


def acknowledge_model_incident(demo: Demo, store: Store, ident: str) -> None:
    """The scores' Commander takes their incident on, at the same moment as the feed's."""
    from trustwell.incidents.service import acknowledge

    commander = _commander(store, ident)
    acknowledge(store, demo.loaded(), ident, actor=commander)
    demo.console.print(
        f"{demo.clock_time(clock.now())} {commander} acknowledges {ident} for growth-analytics "
        "and pauses the retention campaign that reads the scores.",
        soft_wrap=True,
    )


def fix_scores(demo: Demo) -> None:
    """The export is corrected and the morning's batch scored again from days."""
    fixed = scores.fix_scoring(demo.root / folder.WAREHOUSE_FILE, demo.now, clock.now())
    demo.console.print(
        f"growth-analytics has the CRM export corrected and scores the morning's {fixed.rows} "
        f"customers again (median tenure_days {fixed.median_after:g}).",
        soft_wrap=True,
    )


def resolve_model_incident(demo: Demo, store: Store, ident: str) -> None:
    """The scores' Commander resolves their incident; the certificate comes back."""
    from trustwell.incidents.service import resolve

    commander = _commander(store, ident)
    resolve(store, demo.loaded(), ident, cause=CAUSE, summary=SUMMARY, actor=commander)
    demo.console.print(
        f"{demo.clock_time(clock.now())} {commander} compares the morning's scores with the "
        f"batch before and resolves {ident}, cause {CAUSE}.",
        soft_wrap=True,
    )


def _commander(store: Store, ident: str) -> str:
    from trustwell.incidents.service import get_incident

    commander = get_incident(store, ident).commander
    if commander is None:
        raise StoryError(f"{ident} has no Commander")
    return commander


def _drift_line(result: CheckResult) -> str:
    """``tenure_days drifted (wasserstein 0.42 > 0.1) — computed in DuckDB from …``."""
    details: dict[str, Any] = result.details or {}
    method, value, limit = details.get("method"), details.get("value"), details.get("threshold")
    if method is None or value is None or limit is None:
        return result.message
    side = "<" if details.get("statistic") == "p_value" else ">"
    bins = details.get("bins")
    counted = len(bins or details.get("categories") or [])
    what = "bins" if bins else "values"
    rows = int(details.get("reference_rows") or 0) + int(details.get("current_rows") or 0)
    return (
        f"tenure_days drifted ({method} {value:.2f} {side} {limit:g}) — computed in DuckDB "
        f"from {2 * counted} aggregates ({counted} {what} × 2 sides, {rows:,} rows), "
        "no rows pulled"
    )
