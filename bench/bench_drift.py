"""Drift at warehouse scale: trustwell in DuckDB against Evidently in pandas, same rows.

Issue 11 §6. One DuckDB table of ``--rows`` rows (half ``reference``, half
``current``, the current half shifted) and five drift checks on it: two float
columns, an integer column and two text columns, each method as Evidently
picks it by default (normed Wasserstein for numeric columns, Jensen-Shannon
for text ones, both sides over 1,000 rows).

- **trustwell**: ``python -m trustwell run`` of a project with the five
  ``drift`` checks, a whole process: the statistics come from aggregates
  DuckDB returns; no row leaves the database.
- **Evidently 0.7**: the way its users run it: the same rows read from the
  same DuckDB file into pandas, then ``Report([DataDriftPreset()])``, a whole
  process too, in the bench's own virtualenv (``bench/results/venv-evidently``,
  made on first use from PyPI: Evidently 0.7 with pandas 2, which Evidently
  0.7 needs; the project's venv has pandas 3).

Both are timed alternately ``--repeat`` times (medians reported) under
``/usr/bin/time -v`` for their peak memory (maximum resident set size), and
their five values must agree (relative 1e-9, or 1e-10 absolute for a distance
near 0: see ``ABS_TOLERANCE``), else the script exits 1.

    .venv/bin/python bench/bench_drift.py                  # 10,000,000 rows, 3 repeats
    .venv/bin/python bench/bench_drift.py --rows 1000000 --repeat 1   # a quick run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
VENV = RESULTS / "venv-evidently"
COLUMNS = ("amount", "score", "tenure_days", "plan", "country")
#: Evidently sums a text column's category shares in the order of a Python ``set``, which
#: changes with ``PYTHONHASHSEED``: its own Jensen-Shannon distance of two nearly equal
#: distributions differs between its runs in the 10th digit (0.00041802766925 and
#: 0.00041802766929 at 200,000 rows); near 0 (4e-6 at 10M rows) the square root makes
#: that a few 1e-12 absolute. Values agree to 1e-9 relative or 1e-10 absolute.
ABS_TOLERANCE = 1e-10

GENERATE = """
CREATE OR REPLACE TABLE events AS
SELECT
  i AS id,
  CASE WHEN i % 2 = 0 THEN 'reference' ELSE 'current' END AS period,
  -- an approximately normal amount (sum of four uniforms); the current half 6% higher
  round((hash(i, 1) % 1000 + hash(i, 2) % 1000 + hash(i, 3) % 1000 + hash(i, 4) % 1000) / 40.0
        * CASE WHEN i % 2 = 1 THEN 1.06 ELSE 1.0 END, 2) AS amount,
  (hash(i, 5) % 100000) / 100000.0 AS score,
  CAST(hash(i, 6) % CASE WHEN i % 2 = 1 THEN 1500 ELSE 2000 END AS INTEGER) AS tenure_days,
  CASE WHEN hash(i, 7) % 100 < CASE WHEN i % 2 = 1 THEN 40 ELSE 55 END THEN 'basic'
       WHEN hash(i, 7) % 100 < 85 THEN 'plus' ELSE 'pro' END AS plan,
  ['DE', 'DE', 'FR', 'NL', 'GB', 'US', 'ES', 'IT'][CAST(hash(i, 8) % 8 AS BIGINT) + 1] AS country
FROM range({rows}) t(i)
"""

EVIDENTLY = """
import json, sys, warnings
warnings.simplefilter("ignore")
import duckdb
from evidently import Report
from evidently.presets import DataDriftPreset

path, columns = sys.argv[1], sys.argv[2].split(",")
con = duckdb.connect(path, read_only=True)
select = f"SELECT {', '.join(columns)} FROM events WHERE period = ?"
reference = con.execute(select, ["reference"]).df()
current = con.execute(select, ["current"]).df()
snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
values = {m["config"]["column"]: m["value"] for m in snapshot.dict()["metrics"]
          if m["config"]["type"].endswith("ValueDrift")}
print(json.dumps(values))
"""


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"making {VENV} (Evidently 0.7, pandas 2) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q",
             "evidently>=0.7,<0.8", "pandas>=2,<3", "duckdb>=1.1"],
            check=True,
        )  # fmt: skip
    return python


def generate(rows: int, regenerate: bool) -> Path:
    import duckdb

    path = RESULTS / f"drift_{rows}.duckdb"
    if path.exists() and not regenerate:
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        con.execute(GENERATE.format(rows=int(rows)))
    finally:
        con.close()
    partial.replace(path)  # a run stopped half-way leaves no file that looks complete
    return path


def project(data: Path, rows: int) -> Path:
    folder = RESULTS / f"drift_project_{rows}"
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    (folder / "trustwell.yml").write_text(
        "name: drift-bench\nstore: sqlite:///.trustwell/trustwell.db\n"
        f"warehouses:\n  main: {{type: duckdb, path: {data}}}\n"
    )
    checks = "".join(
        f"      - {{type: drift, column: {c}, where: \"period = 'current'\","
        f" reference: {{where: \"period = 'reference'\"}}}}\n"
        for c in COLUMNS
    )
    (folder / "assets" / "events.yml").write_text(
        f"assets:\n  - name: events\n    checks:\n{checks}"
    )
    return folder


def timed(command: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KiB, stdout) of one whole process."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert peak, done.stderr[-2000:]
    return wall, int(peak.group(1)), done.stdout


def trustwell_values(stdout: str) -> dict[str, float]:
    """trustwell's five values by column (its check names are ``drift:COLUMN``)."""
    document: dict[str, Any] = json.loads(stdout)
    out = {}
    for r in document["results"]:
        assert r["status"] != "error", r["message"]
        out[r["check"].split(":", 1)[1]] = r["value"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "drift.json")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    python = ensure_venv()
    data = generate(args.rows, args.regenerate)
    folder = project(data, args.rows)
    ours = [sys.executable, "-m", "trustwell", "run", "--project", str(folder), "--format", "json"]
    theirs = [str(python), "-c", EVIDENTLY, str(data), ",".join(COLUMNS)]
    env_note = os.cpu_count()
    runs: dict[str, list[tuple[float, int]]] = {"trustwell": [], "evidently": []}
    values: dict[str, dict[str, float]] = {}
    for index in range(args.repeat):
        for name, command in (("trustwell", ours), ("evidently", theirs)):
            wall, peak, stdout = timed(command)
            runs[name].append((wall, peak))
            found = (
                trustwell_values(stdout)
                if name == "trustwell"
                else json.loads(stdout.strip().splitlines()[-1])  # Evidently may print more
            )
            values[name] = {c: float(found[c]) for c in COLUMNS}
            print(f"run {index + 1} {name:9} {wall:7.2f} s  {peak / 1024:8.0f} MiB", flush=True)
    report = {
        "rows": args.rows,
        "cpus": env_note,
        "columns": list(COLUMNS),
        "values": values,
        **{
            name: {
                "seconds_median": statistics.median(w for w, _ in found),
                "peak_mib_median": statistics.median(p for _, p in found) / 1024,
            }
            for name, found in runs.items()
        },
    }
    ours_s, theirs_s = report["trustwell"]["seconds_median"], report["evidently"]["seconds_median"]
    ours_m, theirs_m = (
        report["trustwell"]["peak_mib_median"],
        report["evidently"]["peak_mib_median"],
    )
    report["speedup"] = theirs_s / ours_s
    report["memory_ratio"] = theirs_m / ours_m
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{args.rows:,} rows, 5 drift checks, whole processes, medians of {args.repeat}:")
    print(f"  trustwell (DuckDB aggregates)  {ours_s:7.2f} s  {ours_m:8.0f} MiB peak")
    print(f"  Evidently 0.7 (pandas)         {theirs_s:7.2f} s  {theirs_m:8.0f} MiB peak")
    print(
        f"  trustwell is {report['speedup']:.1f}x faster, {report['memory_ratio']:.1f}x less memory"
    )
    mismatched = []
    for column in COLUMNS:
        a, b = values["trustwell"][column], values["evidently"][column]
        same = math.isclose(a, b, rel_tol=1e-9, abs_tol=ABS_TOLERANCE)
        print(
            f"  {column:12} trustwell {a:.12g}  Evidently {b:.12g}  {'equal' if same else 'DIFFER'}"
        )
        if not same:
            mismatched.append(column)
    print(f"wrote {args.out}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
