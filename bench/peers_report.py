"""How ``bench_peers.py`` reports: the table, and issue 12's targets as met or not."""

from __future__ import annotations

from typing import Any

#: Issue 12: DuckDB's largest size at or below the hand query and ahead of Soda;
#: PostgreSQL at or below the best hand plan; the smallest size within 0.45 s and 1.5x.
TARGETS = {"duckdb_large_x_hand": 1.0, "pg_x_best": 1.0, "small_seconds": 0.45, "small_x_hand": 1.5}


def verdicts(cases: dict[str, dict[str, Any]], sizes: list[int]) -> list[str]:
    """Issue 12's targets, each as met or NOT met, for the cases that ran."""
    lines = []

    def say(ok: bool, text: str) -> None:
        lines.append(f"{'met    ' if ok else 'NOT met'}  {text}")

    large, small = f"duckdb_{max(sizes)}", f"duckdb_{min(sizes)}"
    w = cases[large]["median_wall_seconds"]
    ratio = w["trustwell"] / w["hand"]
    say(ratio <= TARGETS["duckdb_large_x_hand"], f"{large}: trustwell {ratio:.2f}x hand (≤ 1.0x)")
    say(
        w["trustwell"] < w["soda"],
        f"{large}: trustwell {w['trustwell']:.2f}s vs soda {w['soda']:.2f}s (ahead of Soda)",
    )
    w = cases[small]["median_wall_seconds"]
    say(
        w["trustwell"] <= TARGETS["small_seconds"],
        f"{small}: trustwell {w['trustwell']:.3f}s (≤ 0.45s)",
    )
    ratio = w["trustwell"] / w["hand"]
    say(ratio <= TARGETS["small_x_hand"], f"{small}: trustwell {ratio:.2f}x hand (≤ 1.5x)")
    for name, case in cases.items():
        if name.startswith("postgres"):
            w = case["median_wall_seconds"]
            ratio = w["pg_trustwell"] / w["pg_best"]
            say(
                ratio <= TARGETS["pg_x_best"],
                f"{name}: trustwell {ratio:.2f}x the best hand "
                f"plan (≤ 1.0x); soda {w['pg_soda'] / w['pg_best']:.2f}x",
            )
    return lines


def print_table(cases: dict[str, dict[str, Any]]) -> None:
    """Median, min and max wall seconds, ratio to the hand query, CPU seconds and ratio."""
    print(
        f"\n{'case':<18} {'measure':<13} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'x hand':>7} {'cpu s':>7} {'cpu x':>6}"
    )
    print("-" * 80)
    for name, case in cases.items():
        for label, walls in case["wall_seconds"].items():
            print(
                f"{name:<18} {label:<13} {case['median_wall_seconds'][label]:>9.3f} "
                f"{min(walls):>7.3f} {max(walls):>7.3f} {case['ratio_to_hand'][label]:>7.2f} "
                f"{case['median_cpu_seconds'][label]:>7.2f} "
                f"{case['cpu_ratio_to_hand'][label]:>6.2f}"
            )
    print("-" * 80)
