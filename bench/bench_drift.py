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

- **trustwell with a DuckDB ``memory_limit``** (``--memory-limit``, default
  ``64MB``; ``''`` leaves it out): the same run with the warehouse setting a
  user sets to cap DuckDB's own memory (docs/warehouses.md).

All are timed alternately ``--repeat`` times (medians reported), each child's
peak memory (maximum resident set size) and CPU time read with ``wait4``, the
load average noted after each; the five values of every trustwell variant
must agree with Evidently's (relative 1e-9, or 1e-10 absolute for a distance
near 0: see ``ABS_TOLERANCE``), else the script exits 1.

    .venv/bin/python bench/bench_drift.py                  # 10,000,000 rows, 3 repeats
    .venv/bin/python bench/bench_drift.py --rows 1000000 --repeat 1   # a quick run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
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


def project(data: Path, rows: int, memory_limit: str | None = None) -> Path:
    """The project of the five checks; with ``memory_limit``, its warehouse sets that cap."""
    folder = RESULTS / (f"drift_project_{rows}" + (f"_{memory_limit}" if memory_limit else ""))
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    limit = f", memory_limit: {memory_limit}" if memory_limit else ""
    (folder / "trustwell.yml").write_text(
        "name: drift-bench\nstore: sqlite:///.trustwell/trustwell.db\n"
        f"warehouses:\n  main: {{type: duckdb, path: {data}{limit}}}\n"
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


def timed(command: list[str]) -> tuple[float, int, float, str]:
    """(wall seconds, peak RSS in KiB, CPU seconds, stdout) of one whole process.

    The peak and the CPU time are the child's own, from ``wait4`` (its
    ``ru_maxrss``, user plus system time), so nothing else on the machine counts.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({child.returncode}):\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, stdout


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
    parser.add_argument(
        "--memory-limit",
        default="64MB",
        help="a second trustwell variant with this DuckDB memory_limit ('' for none)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "drift.json")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    python = ensure_venv()
    data = generate(args.rows, args.regenerate)
    run = [sys.executable, "-m", "trustwell", "run", "--format", "json", "--project"]
    variants = {"trustwell": [*run, str(project(data, args.rows))]}
    if args.memory_limit:
        limited = project(data, args.rows, args.memory_limit)
        variants[f"trustwell memory_limit {args.memory_limit}"] = [*run, str(limited)]
    for command in variants.values():
        if not (Path(command[-1]) / ".trustwell" / "trustwell.db").exists():
            timed(command)  # a project's first run creates its store: timed are the runs after
    variants["evidently"] = [str(python), "-c", EVIDENTLY, str(data), ",".join(COLUMNS)]
    runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in variants}
    values: dict[str, dict[str, float]] = {}
    loads: list[float] = []
    for index in range(args.repeat):
        for name, command in variants.items():
            wall, peak, cpu, stdout = timed(command)
            loads.append(os.getloadavg()[0])
            runs[name].append((wall, peak, cpu))
            found = (
                json.loads(stdout.strip().splitlines()[-1])  # Evidently may print more
                if name == "evidently"
                else trustwell_values(stdout)
            )
            values[name] = {c: float(found[c]) for c in COLUMNS}
            print(
                f"run {index + 1} {name:30} {wall:7.2f} s  {cpu:7.2f} s CPU"
                f"  {peak / 1024:8.0f} MiB  (load {loads[-1]:.2f})",
                flush=True,
            )
    report: dict[str, Any] = {
        "rows": args.rows,
        "cpus": os.cpu_count(),
        "columns": list(COLUMNS),
        "load_average": {"min": min(loads), "max": max(loads)},
        "values": values,
        "variants": {
            name: {
                "seconds_median": statistics.median(w for w, _, _ in found),
                "cpu_seconds_median": statistics.median(c for _, _, c in found),
                "peak_mib_median": statistics.median(p for _, p, _ in found) / 1024,
            }
            for name, found in runs.items()
        },
    }
    theirs = report["variants"]["evidently"]
    print(
        f"\n{args.rows:,} rows, 5 drift checks, whole processes, medians of {args.repeat}"
        f" (load average {min(loads):.2f}-{max(loads):.2f}):"
    )
    mismatched = []
    for name, found in report["variants"].items():
        print(
            f"  {name:32} {found['seconds_median']:7.2f} s  {found['cpu_seconds_median']:7.2f} s"
            f" CPU  {found['peak_mib_median']:8.0f} MiB peak"
        )
        if name == "evidently":
            continue
        found["speedup"] = theirs["seconds_median"] / found["seconds_median"]
        found["memory_ratio"] = theirs["peak_mib_median"] / found["peak_mib_median"]
        print(
            f"    {found['speedup']:.1f}x faster, {found['memory_ratio']:.1f}x less memory"
            " than Evidently"
        )
        for column in COLUMNS:
            a, b = values[name][column], values["evidently"][column]
            same = math.isclose(a, b, rel_tol=1e-9, abs_tol=ABS_TOLERANCE)
            print(f"    {column:12} {a:.12g}  Evidently {b:.12g}  {'equal' if same else 'DIFFER'}")
            if not same:
                mismatched.append((name, column))
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
