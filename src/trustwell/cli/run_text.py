"""The text report of ``trustwell run``, as lines (pure: no console, no I/O).

One line per check (status, asset, check, value with its unit, message), a
count, the failing checks again with what a data engineer acts on (message,
value, threshold, sample rows, and with ``--show-sql`` the query behind the
value), then one line per incident the run opened, joined or calmed. Lines are
never wrapped or cut here: the console prints them whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from trustwell.checks.evidence import one_line, sample_table, threshold_text
from trustwell.checks.result import CheckResult, RunReport

if TYPE_CHECKING:
    from trustwell.checks.statements import Statement

STYLES = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "magenta"}
ResultKey = tuple[str, str]  # (asset, check)
INDENT = "  "
ALIGN_UP_TO = 40  # columns padded to at most this width


def result_key(result: CheckResult) -> ResultKey:
    return (result.asset, result.check)


def check_lines(report: RunReport, values: Mapping[ResultKey, str]) -> list[Text]:
    """One aligned line per check and the count line (``5 checks: 2 pass, 3 fail``)."""
    rows = [
        (r.status, r.asset, r.check, values.get(result_key(r), ""), one_line(r.message))
        for r in report.results
    ]
    # Aligned, but a very long name pushes only its own line (never the others).
    widths = [
        max((len(row[i]) for row in rows if len(row[i]) <= ALIGN_UP_TO), default=0)
        for i in range(4)
    ]
    lines = []
    for status, asset, check, value, message in rows:
        line = Text(status.ljust(widths[0]), style=STYLES[status])
        line.append(f"  {asset.ljust(widths[1])}  {check.ljust(widths[2])}  ")
        line.append(f"{value.rjust(widths[3])}  {message}".rstrip())
        lines.append(line)
    counts = {s: sum(1 for r in report.results if r.status == s) for s in STYLES}
    summary = Text(f"{len(report.results)} checks: ")
    shown = [(s, n) for s, n in counts.items() if n]
    for i, (word, count) in enumerate(shown):
        summary.append(f"{count} {word}", style=STYLES[word])
        if i < len(shown) - 1:
            summary.append(", ")
    if not shown:
        summary.append("none")
    lines.append(summary)
    return lines


def failure_lines(
    report: RunReport,
    values: Mapping[ResultKey, str],
    statements: Sequence[Statement] | None = None,
) -> list[Text]:
    """Every failing or erroring check with its evidence; ``statements`` adds its SQL."""
    failing = [r for r in report.results if r.status in ("fail", "error")]
    if not failing:
        return []
    noun = "check" if len(failing) == 1 else "checks"
    lines = [Text(""), Text(f"{len(failing)} failing {noun}:", style="bold")]
    for result in failing:
        lines.append(Text(""))
        head = Text(result.status, style=STYLES[result.status])
        head.append(f" {result.asset} {result.check}: ")
        message = result.message.splitlines() or [""]
        head.append(message[0])
        lines.append(head)
        lines += [Text(INDENT + more) for more in message[1:]]
        facts = []
        if values.get(result_key(result)):
            facts.append(f"value {values[result_key(result)]}")
        if result.threshold:
            facts.append(f"threshold {threshold_text(result.threshold)}")
        if facts:
            lines.append(Text(INDENT + ", ".join(facts)))
        if result.samples:
            lines.append(Text(f"{INDENT}sample rows ({len(result.samples)}):"))
            lines += [Text(INDENT * 2 + row) for row in sample_table(result.samples)]
        if statements is not None:
            queries = queries_of(statements, result)
            if queries:
                lines.append(Text(f"{INDENT}sql:"))
                for sql in queries:
                    lines += [Text(INDENT * 2 + line) for line in sql.splitlines()]
    return lines


def incident_lines(incidents: Iterable[Mapping[str, Any]]) -> list[Text]:
    """``INC-3 opened, SEV-1, commander alice: freshness:loaded_at on raw.ad_spend``."""
    lines = []
    for incident in incidents:
        action = incident["action"]
        verb = "moved to monitoring" if action == "monitoring" else action
        commander = incident.get("commander")
        who = f"commander {commander}" if commander else "no commander"
        line = Text("")
        lines.append(line)
        line.append(incident["id"], style="bold")
        line.append(f" {verb}, {incident['severity']}, {who}")
        checks = signals_text(incident.get("checks") or [])
        if checks:
            line.append(f": {checks}")
            if action == "monitoring":
                line.append(" pass again")
    return [Text(""), *lines] if lines else []


def statement_lines(statements: Iterable[Statement]) -> list[Text]:
    """Every statement, as ``--show-sql`` prints it: a header comment, then the SQL."""
    from trustwell.cli.sql_text import shown_sql  # sqlglot: only when statements are shown

    lines: list[Text] = []
    for statement in statements:
        served = ", ".join(statement.checks) or "is the relation readable? (before isolating)"
        lines.append(Text(f"-- {statement.asset}: {served}", style="dim"))
        lines += [Text(line) for line in shown_sql(statement).splitlines()]
    return lines


def queries_of(statements: Sequence[Statement], result: CheckResult) -> list[str]:
    """The SQL behind one result: its part of the statement that computed it, then its
    own queries (samples, details).

    Only the last planned statement that computed the check is shown: when a shared
    statement failed and was split, the earlier ones are the same columns again, and
    the last is the one whose answer (or error message) the result carries.
    """
    mine = [s for s in statements if s.asset == result.asset and result.check in s.checks]
    planned = [s for s in mine if result.check in s.slots]
    shown = [s for s in mine if result.check not in s.slots or s is planned[-1]]
    from trustwell.cli.sql_text import check_sql, shown_sql

    found = []
    for statement in shown:
        own = statement.checks == (result.check,)
        narrowed = None if own else check_sql(statement, result.check)
        found.append(shown_sql(statement) if narrowed is None else narrowed)
    return found


def signals_text(checks: Iterable[Mapping[str, str]]) -> str:
    """``a, b on raw.x; c on raw.y``: the checks grouped by asset, in order."""
    by_asset: dict[str, list[str]] = {}
    for signal in checks:
        by_asset.setdefault(signal["asset"], []).append(signal["check"])
    return "; ".join(f"{', '.join(names)} on {asset}" for asset, names in by_asset.items())
