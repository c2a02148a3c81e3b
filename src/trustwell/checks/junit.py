"""JUnit XML for CI systems: one test suite per asset, one test case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from trustwell.checks.result import RunReport
from trustwell.clock import isoformat


def to_junit(report: RunReport) -> str:
    """Failing checks are ``<failure>``, checks that could not run ``<error>``;
    warnings pass and are noted in ``<system-out>``."""
    root = ET.Element("testsuites", name="trustwell", tests=str(len(report.results)))
    suites: dict[str, ET.Element] = {}
    for result in report.results:
        suite = suites.get(result.asset)
        if suite is None:
            suite = ET.SubElement(
                root, "testsuite", name=result.asset, timestamp=isoformat(report.started_at)
            )
            suites[result.asset] = suite
        case = ET.SubElement(suite, "testcase", classname=result.asset, name=result.check)
        if result.status == "fail":
            ET.SubElement(case, "failure", type=result.type, message=result.message)
        elif result.status == "error":
            ET.SubElement(case, "error", type=result.type, message=result.message)
        elif result.status == "warn":
            ET.SubElement(case, "system-out").text = f"warning: {result.message}"
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites.values())))
    root.set("errors", str(sum(int(s.get("errors", "0")) for s in suites.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
