"""The trust score, pure: hand-computed scores, and every signal moving it."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from trustwell.certification.decide import (
    CheckEvidence,
    Evidence,
    IncidentEvidence,
    PassRate,
    SloEvidence,
)
from trustwell.certification.score import FORMULA_VERSION, SIGNALS, trust_score

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
AN_HOUR_AGO = NOW - timedelta(hours=1)
WINDOW = timedelta(days=28)
DOCS = Path(__file__).parents[2] / "docs" / "trust-score.md"


def check(name: str, kind: str, status: str | None = "pass") -> CheckEvidence:
    at = AN_HOUR_AGO if status else None
    return CheckEvidence(check=name, type=kind, status=status, at=at)  # type: ignore[arg-type]


FRESH = check("freshness:loaded_at", "freshness")
UNIQUE = check("unique:id", "unique")

#: 98: pass rate 0.9 (0.18), everything else whole (0.20 + 0.10 + 0.10 + 0.20 + 0.10 + 0.10).
HEALTHY = Evidence(
    asset="orders",
    now=NOW,
    checks=(FRESH, UNIQUE),
    lineage_known=True,
    owner="data-platform",
    description="Orders as loaded",
    slos=(SloEvidence("fresh", met=True),),
    pass_rates={WINDOW: PassRate(passed=9, total=10)},
)


def part(evidence: Evidence, signal: str) -> tuple[float, str]:
    (found,) = [p for p in trust_score(evidence).parts if p.signal == signal]
    return found.value, found.detail


def test_weights_sum_to_one_and_every_part_is_shown() -> None:
    assert math.isclose(sum(weight for _, weight, _ in SIGNALS), 1.0)
    score = trust_score(HEALTHY)
    assert score.formula_version == FORMULA_VERSION == "1"
    assert [p.signal for p in score.parts] == [s for s, _, _ in SIGNALS]
    assert score.value == 98
    assert part(HEALTHY, "pass_rate") == (
        0.9,
        "9 of 10 check results passed in the last 28 days",
    )


def test_an_asset_without_evidence_scores_only_for_having_no_open_incident() -> None:
    score = trust_score(Evidence("bare", NOW))
    assert score.value == 20
    zero = {p.signal for p in score.parts if p.value == 0}
    assert zero == {s for s, _, _ in SIGNALS} - {"incidents"}
    no_data = [p.detail for p in score.parts if p.detail.startswith("no data")]
    assert len(no_data) == 5 and all("counts as 0" in d for d in no_data)


SEV = {
    "SEV-1 here": IncidentEvidence("INC-1", "SEV-1", "orders"),
    "SEV-3 here": IncidentEvidence("INC-2", "SEV-3", "orders"),
    "SEV-3 again": IncidentEvidence("INC-3", "SEV-3", "orders"),
    "SEV-2 upstream": IncidentEvidence("INC-4", "SEV-2", "raw.shop", upstream=True),
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # pass rate 0.5: 0.2 · 0.5 = 0.10 instead of 0.18
        ({"pass_rates": {WINDOW: PassRate(5, 10)}}, 90),
        ({"pass_rates": {}}, 80),
        ({"pass_rates": {WINDOW: PassRate(0, 0)}}, 80),
        # a 7-day rate is not the score's window
        ({"pass_rates": {timedelta(days=7): PassRate(9, 10)}}, 80),
        # freshness warns: latest (0.5 + 1) / 2 → 0.15, freshness 0.5 → 0.05
        ({"checks": (check("freshness:loaded_at", "freshness", "warn"), UNIQUE)}, 88),
        # unique fails: latest 0.5 → 0.10; freshness still whole
        ({"checks": (FRESH, check("unique:id", "unique", "fail"))}, 88),
        ({"checks": (FRESH, check("unique:id", "unique", "error"))}, 88),
        # a third check never ran: latest 2/3 → 0.1333
        ({"checks": (FRESH, UNIQUE, check("row_count", "row_count", None))}, 91),
        # no freshness check: 0 of 0.10
        ({"checks": (UNIQUE,)}, 88),
        ({"slos": (SloEvidence("fresh", met=False),)}, 88),
        ({"slos": (SloEvidence("fresh", met=True, burning_fast=True),)}, 93),
        ({"slos": (SloEvidence("a", met=True), SloEvidence("b", met=False))}, 93),
        ({"slos": ()}, 88),
        ({"open_incidents": (SEV["SEV-1 here"],)}, 78),
        ({"open_incidents": (SEV["SEV-3 here"],)}, 92),  # 0.7 · 0.2 = 0.14
        ({"open_incidents": (SEV["SEV-3 here"], SEV["SEV-3 again"])}, 88),  # 0.49: 87.8
        ({"open_incidents": (SEV["SEV-2 upstream"],)}, 92),  # upstream 0.4 · 0.1
        # unknown lineage: lineage 0 and upstream health 0
        ({"lineage_known": False}, 84),
        ({"owner": None}, 95),
        ({"owner": "   "}, 95),
        ({"description": None}, 95),
    ],
)
def test_each_signal_moves_the_score(change: dict[str, object], expected: int) -> None:
    assert trust_score(replace(HEALTHY, **change)).value == expected  # type: ignore[arg-type]


def test_details_say_what_was_counted() -> None:
    mixed = replace(
        HEALTHY,
        checks=(FRESH, check("unique:id", "unique", "fail"), check("row_count", "row_count", None)),
        open_incidents=(SEV["SEV-3 here"], SEV["SEV-2 upstream"]),
        slos=(SloEvidence("a", met=True, burning_fast=True), SloEvidence("b", met=False)),
    )
    assert part(mixed, "latest_checks")[1] == (
        "latest results of 3 checks: 1 passed, 1 failed, 1 never ran"
    )
    assert part(mixed, "incidents") == (pytest.approx(0.7), "open on the asset: INC-2 (SEV-3)")
    assert part(mixed, "upstream_health") == (pytest.approx(0.4), "open upstream: INC-4 (SEV-2)")
    assert part(mixed, "slos") == (0.25, "burning fast: a; missed: b")
    unknown = replace(HEALTHY, lineage_known=False, open_incidents=(SEV["SEV-2 upstream"],))
    assert part(unknown, "upstream_health")[0] == 0.0
    assert part(unknown, "upstream_health")[1].startswith("no data")


def test_halves_round_up() -> None:
    # 0.2 · 37/40 + 0.8 = 0.985: 98.5 is 99 (round() would say 98)
    assert trust_score(replace(HEALTHY, pass_rates={WINDOW: PassRate(37, 40)})).value == 99


def test_the_published_formula_is_the_one_computed() -> None:
    text = DOCS.read_text()
    assert f"formula version **{FORMULA_VERSION}**" in text
    rows = dict(re.findall(r"^\| `(\w+)` \| (0\.\d+) \|", text, flags=re.MULTILINE))
    assert {s: float(w) for s, w in rows.items()} == {s: w for s, w, _ in SIGNALS}
