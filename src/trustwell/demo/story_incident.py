"""The incident part of the demo: what the broken run opened, and working it to the end.

The Commander acknowledges, posts an update with a public text and an ETA and
finds the cause; the feed is repaired and the checks pass again, which moves
the incident to ``monitoring``; the Commander resolves it. Then the drafted
post-mortem and the metrics. The churn scores' own incident is worked
alongside, by its own Commander (:mod:`trustwell.demo.story_model`). Every
step runs at its own moment of the story (see
:class:`~trustwell.demo.state.Demo`), so TTA and TTR read like a real
morning's work.
"""

from __future__ import annotations

import shlex
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text

from trustwell import clock
from trustwell.demo import folder, story_model, warehouse
from trustwell.demo.certification_facts import CHURN_MODEL, CHURN_SCORES, show_certification
from trustwell.demo.incident_facts import (
    facts,
    median,
    notice_text,
    outbox_of,
    show_notices,
    subscriber,
    took,
    without_comment,
)
from trustwell.demo.state import STORY_SPAN, Demo, Step, StoryError, run_checks

if TYPE_CHECKING:
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.store import Store

ACK_AFTER = timedelta(minutes=10)
UPDATE_AFTER = timedelta(minutes=25)
IDENTIFIED_AFTER = timedelta(minutes=40)
ETA_AFTER = timedelta(hours=4)
FIX_AFTER = timedelta(hours=3)
RESOLVE_AFTER = timedelta(hours=3, minutes=20)
POSTMORTEM_AFTER = timedelta(hours=3, minutes=25)
FEED = "raw.ad_spend"
RUNBOOKS = ("third-party-api-failure", "stale-table")  # what the feed's failure should match
CAUSE = "third-party"
SUMMARY = (
    "The ad platform's API stopped delivering spend for two days and its last load replayed "
    "an old batch, so the weekly CAC was too low this week and too high for an earlier one. "
    "The missing days were reloaded, the replayed batch removed and marts.weekly_cac rebuilt; "
    "CAC matches the ad platform's own report again."
)
POSTMORTEM_LINES = 25


def show_incident(demo: Demo) -> None:
    """The feed's incident: severity, roles, runbook, impact, notices; then the model's, briefly.

    The broken run opens two: the feed's first (failing assets are handled
    upstream first), then the one of the churn scores' drift.
    """
    report = demo.runs[-1]
    opened = [i for i in report.incidents if i["action"] == "opened"]
    if len(report.incidents) != 2 or len(opened) != 2:
        raise StoryError(f"the broken run should open two incidents: {report.incidents}")
    demo.incident = str(opened[0]["id"])
    with demo.store() as store:
        incident = _get(store, demo.incident)
        rows = outbox_of(store, incident)
    if incident.root_asset != FEED:
        raise StoryError(
            f"{incident.id} should be the feed's incident, not {incident.root_asset}'s"
        )
    if incident.severity != "SEV-1" or incident.runbook not in RUNBOOKS:
        raise StoryError(f"{incident.id} is {incident.severity} with runbook {incident.runbook}")
    if incident.commander is None:
        raise StoryError(f"{incident.id} has no Commander")
    demo.commander = incident.commander
    say = demo.console.print
    involved = {entry.asset for entry in incident.assets}
    failing = sum(1 for r in report.results if r.status == "fail" and r.asset in involved)
    say(f"[bold]{incident.id}[/] [bold red]{incident.severity}[/] {incident.status}: ", end="")
    say(incident.title, markup=False)
    say(
        f"{failing} failing checks, one problem, one incident: {incident.root_asset} opened it, "
        "the mart's failure joined it as downstream impact.",
        soft_wrap=True,
    )
    for label, text in facts(demo, incident):
        say(f"  {label:<10} {text}", soft_wrap=True, markup=False)
    show_notices(demo, incident, rows)
    demo.model_incident = story_model.opened_incident(demo, report)


def respond(demo: Demo) -> None:
    """Acknowledge, tell the stakeholders with a public text and an ETA, find the cause."""
    from trustwell.incidents.service import acknowledge, post_update, set_status

    project, ident, commander = demo.loaded(), demo.opened(), _commander(demo)
    say = demo.console.print
    with demo.store() as store:
        acked = acknowledge(store, project, ident, actor=commander)
        after = took(acked.declared_at, acked.acknowledged_at)
        policy = project.settings.response.get(acked.severity)
        within = policy.ack_within if policy else None
        limit = f" ({acked.severity} asks within {within})" if within else ""
        say(f"{_at(demo)} {commander} acknowledges {ident}, {after} after it opened{limit}.")
        story_model.acknowledge_model_incident(demo, store, _model_incident(demo))
        with demo.at(UPDATE_AFTER):
            eta = demo.now + ETA_AFTER
            public = (
                "This week's ad spend is missing from the weekly CAC and one day is counted "
                f"twice. We are reloading it; correct figures expected by {demo.clock_time(eta)}."
            )
            internal = (
                f"Runbook {acked.runbook}: the ad platform's API has delivered nothing for two "
                "days and its last load replayed an old batch. Reloading from the API."
            )
            update = post_update(
                store, project, ident, message=internal, public=public, eta=eta, actor=commander
            )
            say(f"{_at(demo)} {commander} posts an update.")
            say(f"  internal: {internal}", soft_wrap=True, markup=False)
            say(f"  public:   {public}", soft_wrap=True, markup=False)
            told = notice_text(store, update, "incident.updated", subscriber(demo, update))
            if told:
                say(f"  {told[0]} reads: {told[2]}", soft_wrap=True, markup=False)
        with demo.at(IDENTIFIED_AFTER):
            set_status(store, project, ident, "identified", actor=commander)
            say(
                f"{_at(demo)} {commander} marks the cause identified: the third-party API, "
                "not our pipeline.",
                soft_wrap=True,
            )


def fix(demo: Demo) -> None:
    """Repair the feed, run the checks (the incident moves to monitoring), resolve."""
    from trustwell.incidents.service import resolve

    project, ident, commander = demo.loaded(), demo.opened(), _commander(demo)
    say = demo.console.print
    fixed = warehouse.fix_ad_spend_feed(demo.root / folder.WAREHOUSE_FILE, demo.now, clock.now())
    days = ", ".join(f"{day:%a %d %b}" for day in fixed.reloaded_days)
    say(
        f"{_at(demo)} data-platform reloads {days} from the ad platform ({fixed.reloaded_rows} "
        f"rows), removes the replayed batch {fixed.removed_batch} ({fixed.removed_rows} rows) "
        "and rebuilds marts.weekly_cac.",
        soft_wrap=True,
    )
    story_model.fix_scores(demo)
    say("The checks run again:")
    report = run_checks(demo, table=False)
    broken = [f"{r.asset} {r.check}" for r in report.results if r.status in ("fail", "error")]
    calmed = {str(i["id"]) for i in report.incidents if i["action"] == "monitoring"}
    both = {ident, _model_incident(demo)}
    if broken or calmed != both:
        raise StoryError(f"the repaired data still fails {broken} or {both - calmed} stayed")
    say(
        f"{' and '.join(sorted(both))} move to [bold]monitoring[/], never straight to resolved: "
        "a person confirms the data is fixed and backfilled.",
        soft_wrap=True,
    )
    with demo.store() as store, demo.at(RESOLVE_AFTER):
        resolved = resolve(store, project, ident, cause=CAUSE, summary=SUMMARY, actor=commander)
        say(
            f"{_at(demo)} {commander} compares this week's CAC with the ad platform's own "
            f"report and resolves {ident}, cause {CAUSE}:",
            soft_wrap=True,
        )
        say(f"  {SUMMARY}", soft_wrap=True, markup=False)
        story_model.resolve_model_incident(demo, store, _model_incident(demo))
    moves = [e.data or {} for e in resolved.timeline if e.kind == "status"]
    path = ["declared", *(str(move.get("to")) for move in moves)]
    if path[-1] != "resolved":
        raise StoryError(f"{ident} ended {path[-1]}, not resolved")
    say("Status path: " + " → ".join(path))
    # Resolving re-evaluated them: the fresh run passed and no incident is open any more.
    show_certification(demo, "certified")
    show_certification(demo, "certified", CHURN_SCORES, CHURN_MODEL)


def postmortem(demo: Demo) -> None:
    """The blameless post-mortem trustwell drafts from the timeline."""
    from trustwell.incidents.postmortem import create_or_update_draft

    project, ident = demo.loaded(), demo.opened()
    with demo.store() as store:
        path = create_or_update_draft(store, project, ident, actor=_commander(demo))
    say = demo.console.print
    say(
        f"Drafted [bold]{escape(str(path))}[/] from the timeline: the figures are filled in, "
        f"the team writes the TODO lines, then `trustwell postmortem {ident} --complete`.",
        soft_wrap=True,
    )
    body = [line for line in without_comment(path.read_text(encoding="utf-8")) if line]
    cut = next((i for i, line in enumerate(body) if line.startswith("### ")), len(body))
    shown = min(cut, POSTMORTEM_LINES)
    for line in body[:shown]:
        say(Text.assemble(("  │ ", "dim"), line), soft_wrap=True)
    later = [line.lstrip("# ").lower() for line in body[shown:] if line.startswith("#")]
    say(Text(f"  │ … {len(body) - shown} more lines: {', '.join(later)}", "dim"), soft_wrap=True)


def metrics(demo: Demo) -> None:
    """What the incident adds to the team's figures (``trustwell metrics``)."""
    from trustwell.metrics.service import incident_metrics

    with demo.store() as store:
        figures = incident_metrics(store, demo.loaded())
    if figures["incidents"] != 2:
        raise StoryError(f"the metrics count {figures['incidents']} incidents, not 2")
    sources = ", ".join(f"{k}: {n}" for k, n in figures["detection_sources"].items() if n)
    share = figures["internal_detection_share"]
    rows = [
        ("Incidents", str(figures["incidents"])),
        ("TTD", f"{median(figures['ttd']):<8} from the data going bad to the incident"),
        ("TTA", f"{median(figures['tta']):<8} from the incident to its acknowledgement"),
        ("TTR", f"{median(figures['ttr']):<8} from the incident to its resolution"),
        ("Detected by", sources),
        ("Internal", f"{share:.0%} found by trustwell, not reported by a stakeholder"),
    ]
    for label, text in rows:
        demo.console.print(f"  {label:<12} {text}", soft_wrap=True, markup=False)
    demo.console.print("Median and p90 per severity, team and month: trustwell metrics.")


def where_next(demo: Demo) -> None:
    """The commands to explore what the story left behind."""
    where, ident = shlex.quote(str(demo.root)), demo.opened()
    commands = [
        (f"trustwell incident show {ident}", "the incident and its timeline"),
        ("trustwell outbox", "the queued notices"),
        ("trustwell metrics", "TTD, TTA, TTR"),
        (f"trustwell postmortem {ident}", "refresh the draft; --complete once written"),
        ("trustwell run", "run the checks again"),
        ("trustwell history raw.ad_spend", "every result of the feed's checks"),
        ("trustwell certify --explain", "every certificate and why"),
    ]
    lines = [(f"  {command} --project {where}", what) for command, what in commands]
    width = max(len(line) for line, _ in lines)
    for line, what in lines:
        demo.console.print(
            Text.assemble(f"{line:<{width}}", (f"  # {what}", "dim")), soft_wrap=True
        )
    demo.console.print(f"  the checks themselves: {demo.root / 'assets'}", soft_wrap=True)


STEPS = [
    Step("The incident trustwell opened", show_incident),
    Step("The response", respond, at=ACK_AFTER),
    Step("The fix", fix, at=FIX_AFTER),
    Step("The drafted post-mortem", postmortem, at=POSTMORTEM_AFTER),
    Step("The metrics", metrics, at=STORY_SPAN),
    Step("Where to go next", where_next, at=STORY_SPAN),
]


# --- helpers --------------------------------------------------------------------


def _get(store: Store, ident: str) -> IncidentSnapshot:
    from trustwell.incidents.service import get_incident

    return get_incident(store, ident)


def _commander(demo: Demo) -> str:
    if demo.commander is None:
        raise StoryError("the incident has no Commander")
    return demo.commander


def _model_incident(demo: Demo) -> str:
    if demo.model_incident is None:
        raise StoryError("the churn scores' drift opened no incident")
    return demo.model_incident


def _at(demo: Demo) -> str:
    return f"[cyan]{demo.clock_time(clock.now())}[/]"
