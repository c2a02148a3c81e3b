"""JUnit XML for CI systems: one test suite per asset, one test case per check.

What GitLab, Jenkins and GitHub's test reporters read: ``testsuite`` with
``tests``/``failures``/``errors``/``time``, ``testcase`` with
``name``/``classname``/``time``, ``failure``/``error`` with ``message`` and
``type`` and, as its text, the evidence: value, threshold and sample rows.

Times are measured: each statement's duration is shared evenly by the checks
it computes (the asset's one aggregate statement by all of its aggregate
checks), and a check's own queries (samples, ``references``, ``sql``,
``schema``) count for it alone; a suite's time is the sum of its cases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from trustwell.checks.evidence import sample_table, threshold_text
from trustwell.checks.result import CheckResult, RunReport
from trustwell.checks.statements import Statement
from trustwell.clock import isoformat

CaseKey = tuple[str, str]  # (asset, check)


def check_seconds(statements: Iterable[Statement]) -> dict[CaseKey, float]:
    """Seconds per check: every statement's time shared by the checks it served."""
    seconds: dict[CaseKey, float] = {}
    for statement in statements:
        if statement.seconds is None or not statement.checks:
            continue
        share = statement.seconds / len(statement.checks)
        for check in statement.checks:
            key = (statement.asset, check)
            seconds[key] = seconds.get(key, 0.0) + share
    return seconds


def to_junit(
    report: RunReport,
    *,
    values: Mapping[CaseKey, str] | None = None,
    seconds: Mapping[CaseKey, float] | None = None,
) -> str:
    """Failing checks are ``<failure>``, checks that could not run ``<error>``;
    warnings pass and are noted in ``<system-out>``. ``values`` are the values
    as written for people (with their unit), ``seconds`` from :func:`check_seconds`.
    """
    values = values or {}
    seconds = seconds or {}
    root = ET.Element("testsuites", name="trustwell", tests=str(len(report.results)))
    suites: dict[str, ET.Element] = {}
    for result in report.results:
        suite = suites.get(result.asset)
        if suite is None:
            suite = ET.SubElement(
                root, "testsuite", name=result.asset, timestamp=isoformat(report.started_at)
            )
            suites[result.asset] = suite
        key = (result.asset, result.check)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=result.asset,
            name=result.check,
            time=_seconds(seconds.get(key, 0.0)),
        )
        if result.status in ("fail", "error"):
            tag = "failure" if result.status == "fail" else "error"
            element = ET.SubElement(case, tag, type=result.type, message=result.message)
            element.text = evidence(result, values.get(key))
        elif result.status == "warn":
            ET.SubElement(case, "system-out").text = f"warning: {result.message}"
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
        suite.set("time", _seconds(sum(float(c.get("time", "0")) for c in cases)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites.values())))
    root.set("errors", str(sum(int(s.get("errors", "0")) for s in suites.values())))
    root.set("time", _seconds(sum(float(s.get("time", "0")) for s in suites.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def evidence(result: CheckResult, value: str | None = None) -> str:
    """The text of a ``<failure>``: message, value, threshold and sample rows."""
    lines = [result.message]
    if result.value is not None:
        raw = f"{result.value:g}"
        lines.append(f"value: {value} ({raw})" if value and value != raw else f"value: {raw}")
    if result.threshold:
        lines.append(f"threshold: {threshold_text(result.threshold)}")
    if result.samples:
        lines.append(f"sample rows ({len(result.samples)}):")
        lines += [f"  {row}" for row in sample_table(result.samples)]
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f}"
