"""Badge levels and the badge image, pure: certification first, the score without it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from trustwell.certification.badge import Badge, UseCaseState, badge_for
from trustwell.certification.badge_svg import (
    COLOUR,
    FOREGROUND,
    HEIGHT,
    LABEL_COLOUR,
    badge_svg,
)
from trustwell.certification.decide import IncidentEvidence
from trustwell.certification.score import FORMULA_VERSION, Score

SVG = "{http://www.w3.org/2000/svg}"


def score(value: int) -> Score:
    return Score(value, FORMULA_VERSION, ())


CERTIFIED = UseCaseState("exec_reporting", "certified", ("meets every requirement",))
FINANCE = UseCaseState("finance", "certified", ("meets every requirement",))
AT_RISK = UseCaseState("finance", "at_risk", ("freshness: freshness:loaded_at warned",))
REVOKED = UseCaseState(
    "finance", "revoked", ("freshness: freshness:loaded_at failed in run R-2", "owner: none")
)
UNCERTIFIED = UseCaseState("ml", "uncertified", ("drift: the asset has no drift check",))
SEV1_UP = IncidentEvidence("INC-4", "SEV-1", "raw.feed", upstream=True)
SEV2 = IncidentEvidence("INC-5", "SEV-2", "orders")
SEV3_UP = IncidentEvidence("INC-6", "SEV-3", "raw.feed", upstream=True)


@pytest.mark.parametrize(
    ("use_cases", "asked", "expected"),
    [
        (
            [FINANCE, CERTIFIED],
            None,
            Badge("trusted", "Certified for exec_reporting and finance; trust score 40 of 100."),
        ),
        (
            [CERTIFIED, AT_RISK],
            None,
            Badge("limited", "At risk for finance: freshness: freshness:loaded_at warned."),
        ),
        (
            [AT_RISK, REVOKED, CERTIFIED],
            None,
            Badge(
                "untrusted",
                "Revoked for finance: freshness: freshness:loaded_at failed in run R-2"
                " (and 1 more).",
            ),
        ),
        (
            [UNCERTIFIED, CERTIFIED],
            None,
            Badge("untrusted", "Not certified for ml: drift: the asset has no drift check."),
        ),
        # one use case asked for: the others do not count
        (
            [UNCERTIFIED, CERTIFIED],
            "exec_reporting",
            Badge("trusted", "Certified for exec_reporting; trust score 40 of 100."),
        ),
        (
            [CERTIFIED],
            "finance",
            Badge(
                "untrusted",
                "orders does not take part in use case finance, so nothing certifies it for it.",
            ),
        ),
    ],
)
def test_use_cases_decide_the_level(
    use_cases: list[UseCaseState], asked: str | None, expected: Badge
) -> None:
    # a low score and an open incident do not overrule certification
    assert badge_for("orders", use_cases, score(40), [SEV2], asked) == expected


@pytest.mark.parametrize(
    ("value", "incidents", "level", "reason"),
    [
        (80, [], "trusted", "Trust score 80 of 100 and no open incident"),
        (79, [], "limited", "Trust score 79 of 100 is below 80"),
        (50, [], "limited", "Trust score 50 of 100 is below 80"),
        (49, [], "untrusted", "Trust score 49 of 100 is below 50"),
        (95, [SEV3_UP], "limited", "INC-6 (SEV-3) is open upstream (raw.feed)"),
        (95, [SEV3_UP, SEV2], "untrusted", "INC-5 (SEV-2) is open on the asset"),
        (99, [SEV1_UP], "untrusted", "INC-4 (SEV-1) is open upstream (raw.feed)"),
    ],
)
def test_without_use_cases_the_score_and_incidents_decide(
    value: int, incidents: list[IncidentEvidence], level: str, reason: str
) -> None:
    badge = badge_for("orders", [], score(value), incidents)
    assert badge.level == level
    assert badge.reason == f"{reason}; the asset takes part in no use case."


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("level", "text"), [("trusted", "Trusted"), ("limited", "Limited"), ("untrusted", "Untrusted")]
)
def test_the_badge_is_svg_with_its_reason_as_title(level: str, text: str) -> None:
    reason = 'Revoked for <finance> & "ops": INC-1\x01 open'
    root = ET.fromstring(badge_svg(level, reason))  # type: ignore[arg-type]
    assert root.tag == f"{SVG}svg"
    assert root.get("height") == str(HEIGHT) and root.get("role") == "img"
    assert root.get("aria-label") == f"trust: {text}"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == 'Revoked for <finance> & "ops": INC-1 open'
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["trust", text]
    label, message = root.findall(f"{SVG}rect")
    assert message.get("fill") == COLOUR[level] and label.get("fill") == LABEL_COLOUR
    width = int(label.get("width") or 0) + int(message.get("width") or 0)
    assert root.get("width") == str(width)
    for rect, node in zip((label, message), root.iter(f"{SVG}text"), strict=True):
        assert float(node.get("textLength") or 0) < int(rect.get("width") or 0)


def test_colours_have_accessible_contrast_and_width_follows_the_text() -> None:
    for colour in (*COLOUR.values(), LABEL_COLOUR):
        assert contrast(colour, FOREGROUND) >= 4.5, colour
    widths = {
        level: int(ET.fromstring(badge_svg(level, "why")).get("width") or 0)  # type: ignore[arg-type]
        for level in COLOUR
    }
    assert widths["untrusted"] > widths["trusted"] > widths["limited"] > 0


def test_a_script_in_the_reason_stays_text() -> None:
    svg = badge_svg("limited", "</title><script>alert(1)</script>")
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}script"))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "</title><script>alert(1)</script>"
