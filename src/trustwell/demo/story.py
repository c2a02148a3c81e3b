"""The demo story, told as a list of steps over one shared :class:`Demo` state.

A healthy warehouse passes its checks; then the ad-spend feed fails silently
(it stops, and replays an old batch) and the mart is rebuilt with a wrong CAC,
while the churn model's morning batch is scored on a broken input
(:mod:`trustwell.demo.story_model`); the checks run again and trustwell shows
what it caught and what it affects. Then the incidents it opened are worked
through to the end
(:mod:`trustwell.demo.story_incident`): response, fix, post-mortem, metrics.
Later features (the status page) add steps to :data:`STEPS`.

>>> demo = tell(Path("trustwell-demo"), Console())   # doctest: +SKIP
>>> demo.runs[-1].status                             # doctest: +SKIP
'fail'
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.demo import folder, pipeline_lineage, scores, story_incident, story_model, warehouse
from trustwell.demo.certification_facts import CHURN_MODEL, CHURN_SCORES, show_certification
from trustwell.demo.state import STORY_SPAN, Demo, Step, StoryError, run_checks

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.checks.result import CheckResult
    from trustwell.config.models import Asset, Project

__all__ = ["STEPS", "STORY_SPAN", "Demo", "Step", "StoryError", "tell"]

# The checks the broken feed must fail; the story is wrong if they do not.
EXPECTED_FAILURES = (
    ("raw.ad_spend", "freshness:loaded_at"),
    ("raw.ad_spend", "unique:date,channel,campaign_id"),
    (CHURN_SCORES, story_model.DRIFT_CHECK),
)
MARKS = {"fail": "[bold red]FAIL[/]", "error": "[magenta]ERROR[/]", "warn": "[yellow]WARN[/]"}


def tell(root: Path, console: Console) -> Demo:
    """Play every step in order into ``root``; raise :class:`StoryError` if one goes wrong.

    The story ends at the current time (``TRUSTWELL_NOW`` when set) and starts
    :data:`STORY_SPAN` earlier; each step runs at its own moment.
    """
    demo = Demo(root=root, console=console)
    for number, step in enumerate(STEPS, start=1):
        console.print()
        console.rule(f"[bold]{number}. {step.title}", align="left")
        with demo.at(step.at):
            step.play(demo)
    console.print(f"\n[dim]Story told in {time.perf_counter() - demo.started:.1f}s.[/]")
    return demo


# --- the steps ------------------------------------------------------------------


def build_pilot(demo: Demo) -> None:
    """Write the project files and the healthy warehouse."""
    from trustwell.config.loader import load_project

    files = folder.write_project_files(demo.root)
    rows = warehouse.build_warehouse(demo.root / folder.WAREHOUSE_FILE, demo.now)
    rows |= scores.build_scores(demo.root / folder.WAREHOUSE_FILE, demo.now)
    demo.project = load_project(demo.root)
    say = demo.console.print
    say(f"Warehouse [bold]{demo.root / folder.WAREHOUSE_FILE}[/] (DuckDB):")
    for table, count in rows.items():
        asset = demo.project.asset(table)
        about = f": {asset.description}" if asset and asset.description else ""
        say(f"  [cyan]{table}[/] {count:,} rows{about}", soft_wrap=True)
    checks = sum(len(a.checks) for a in demo.project.assets)
    listed = ", ".join(str(path.relative_to(demo.root)) for path in files)
    say(
        f"Project files: {listed} ({len(demo.project.assets)} assets, {checks} checks).",
        soft_wrap=True,
    )
    # Lineage as an orchestrator reports it, not declared in YAML.
    with demo.store() as store:
        stored = pipeline_lineage.report_pipeline_lineage(
            demo.project, store, demo.now - timedelta(minutes=12), demo.now - timedelta(minutes=2)
        )
    say(
        f"Lineage: the orchestrator sent {stored} OpenLineage events for job "
        f"[cyan]{pipeline_lineage.JOB}[/]: {pipeline_lineage.OUTPUT} is built from "
        f"{' and '.join(pipeline_lineage.INPUTS)}.",
        soft_wrap=True,
    )


def run_healthy(demo: Demo) -> None:
    """Every check on the healthy warehouse: nothing may fail."""
    report = run_checks(demo)
    broken = [r for r in report.results if r.status in ("fail", "error")]
    if broken:
        raise StoryError("the healthy warehouse failed " + _listing(broken))
    warned = sum(1 for r in report.results if r.status == "warn")
    note = f" ({warned} warning{'s' * (warned != 1)})" if warned else ""
    demo.console.print(f"All good{note}: the weekly business review can trust its numbers.")
    show_certification(demo, "certified")
    show_certification(demo, "certified", CHURN_SCORES, CHURN_MODEL)


def break_feed(demo: Demo) -> None:
    """The silent upstream failure, and the nightly mart rebuild that hides it."""
    broken = warehouse.break_ad_spend_feed(demo.root / folder.WAREHOUSE_FILE, demo.now)
    demo.breakage = broken
    missing = ", ".join(f"{day:%a %d %b}" for day in broken.missing_days)
    say = demo.console.print
    say(
        f"The ad platform's API stopped delivering: no spend since "
        f"{broken.last_loaded_day:%a %d %b} (missing {missing}).",
        soft_wrap=True,
    )
    say(
        f"Its last load also replayed batch {broken.replayed_batch} as "
        f"{broken.replayed_as}: {broken.replayed_rows} rows counted twice.",
        soft_wrap=True,
    )
    say(
        "The nightly pipeline rebuilt marts.weekly_cac from raw without an error. "
        "Nothing crashed; the CAC is simply wrong.",
        soft_wrap=True,
    )
    story_model.break_scores(demo)


def run_broken(demo: Demo) -> None:
    """The same checks again: the feed's failure must be caught at its source."""
    report = run_checks(demo)
    status = {(r.asset, r.check): r.status for r in report.results}
    missed = [f"{a} {c}" for a, c in EXPECTED_FAILURES if status.get((a, c)) != "fail"]
    if missed:
        raise StoryError("the broken feed was not caught by " + ", ".join(missed))
    show_certification(demo, "revoked")  # the incident upstream takes the certificate away
    story_model.show_drift(demo, report)


def summarise(demo: Demo) -> None:
    """What failed or warned, per asset, in plain language."""
    project, report = demo.loaded(), demo.runs[-1]
    say = demo.console.print
    flagged = [r for r in report.results if r.status != "pass"]
    sources, reached = _trouble(demo, project, flagged)
    for asset in [*sources, *reached]:
        say(f"[bold]{asset.name}[/]{_context(asset)}", soft_wrap=True)
        declared = {check.display_name: check for check in asset.checks}
        for result in (r for r in flagged if r.asset == asset.name):
            say(f"  {MARKS[result.status]} {result.check}: {result.message}", soft_wrap=True)
            check = declared.get(result.check)
            if check is not None and check.description:
                say(f"       [dim]{check.description}[/]", soft_wrap=True)
    say("\n[bold]In plain words[/]")
    for asset in sources:
        owner = f", owned by {asset.owner}" if asset.owner else ""
        say(f"The trouble starts at {asset.name}{owner}: that is where to fix it.", soft_wrap=True)
    for asset in reached:
        readers = " and ".join([*asset.consumers, *asset.subscribers]) or "its readers"
        say(
            f"It reaches {asset.name} (tier {asset.tier}), read by {readers}: without "
            "these checks they would have trusted a stale, wrong figure.",
            soft_wrap=True,
        )


STEPS: list[Step] = [
    Step("Build the pilot warehouse", build_pilot),
    Step("Run every check on the healthy warehouse", run_healthy),
    Step("The ad-spend feed fails silently", break_feed),
    Step("Run the checks again", run_broken),
    Step("What trustwell caught", summarise),
    *story_incident.STEPS,
]


# --- helpers --------------------------------------------------------------------


def _listing(results: list[CheckResult]) -> str:
    return "; ".join(f"{r.asset} {r.check}: {r.message}" for r in results)


def _context(asset: Asset | None) -> str:
    """Who owns an asset and who relies on it, in one parenthesis."""
    if asset is None:
        return ""
    parts = [f"owner {asset.owner}" if asset.owner else "no owner", f"tier {asset.tier}"]
    if asset.consumers:
        parts.append("feeds " + ", ".join(asset.consumers))
    if asset.subscribers:
        parts.append("subscribers " + ", ".join(asset.subscribers))
    return " (" + "; ".join(parts) + ")"


def _trouble(
    demo: Demo, project: Project, flagged: list[CheckResult]
) -> tuple[list[Asset], list[Asset]]:
    """Flagged assets split into sources (no flagged upstream) and those the trouble reached.

    Upstream as the lineage graph knows it: the orchestrator's events, not YAML.
    """
    from trustwell.lineage.service import project_graph

    with demo.store() as store:
        graph = project_graph(store, project)
    troubled = {r.asset for r in flagged}
    sources = [
        a
        for a in project.assets
        if a.name in troubled and not set(graph.ancestors(a.name)) & troubled
    ]
    reached = [a for a in project.assets if a.name in troubled and a not in sources]
    # The source whose trouble reaches the most flagged assets first.
    sources.sort(key=lambda a: -len(set(graph.descendants(a.name)) & troubled))
    return sources, reached
