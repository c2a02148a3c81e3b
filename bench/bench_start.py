"""Benchmark: what a whole ``trustwell`` process costs, against the bare query.

``bench_run.py`` measures the engine; this measures what a user waits for:
interpreter start-up, imports, project loading, the store, the query and the
output, each command a fresh process. Timed, interleaved (the order rotates
every round, so that load from elsewhere on the machine hits every side
alike), after one warm-up each:

  help  ``python -m trustwell --help``
  run   ``python -m trustwell run --project DIR --format json``: the 12 standard
        checks of ``bench_run.py`` on its synthetic ``orders`` table, stored in
        the project's SQLite store; after the warm-up, replayed from the plan
        the warm-up kept (trustwell.quickrun), as every later run of an
        unchanged project is
  run_text  the same run with the default text report (Rich) instead of JSON
  run_full  the same with ``TRUSTWELL_QUICK_RUN=0``: a first run, or the
        first after an edit
  hand  ``python -c``: import duckdb, connect read-only, run the hand-written
        single-scan query of the same 12 aggregates, print the row
  bare  ``python -c pass``: the interpreter alone

With ``--baseline REV`` the same two trustwell commands are also timed from
the ``src/`` of git revision REV (extracted with ``git archive``), in the same
rounds: before and after under the same load. Figures go to
bench/results/start.json.

    .venv/bin/python bench/bench_start.py                     # 1M rows, 11 rounds
    .venv/bin/python bench/bench_start.py --baseline main --repeat 15
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import bench_run
from bench_run import HAND_SQL, NOW, RESULTS, generate, write_project

REPO = Path(__file__).resolve().parent.parent
HELP_TARGET = 0.10  # seconds, whole process
RUN_TARGET = 0.45  # seconds, whole process
RUN_RATIO_TARGET = 1.5  # run / hand

HAND_SCRIPT = f"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET TimeZone = 'UTC'")
con.execute("SET threads = " + sys.argv[2])
row = con.execute({HAND_SQL!r}).fetchone()
con.close()
print(len(row))
"""


def extract(revision: str) -> Path:
    """``src/`` of ``revision`` in bench/results/baseline-<commit>/ (made once)."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = RESULTS / f"baseline-{commit[:12]}"
    if not (target / "src" / "trustwell").is_dir():
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit, "src"],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target / "src"


def environment(src: Path) -> dict[str, str]:
    """The child's environment: ``src`` first, the run pinned, bytecode cached.

    An installed trustwell has compiled bytecode; ``PYTHONDONTWRITEBYTECODE``
    in the caller's environment would make every process compile every
    module again, which is not what a user waits for.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(src), TRUSTWELL_NOW=NOW, NO_COLOR="1", TERM="dumb")
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system of the child) seconds of one process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def check_run(stdout: str, label: str) -> None:
    """The run must be what bench_run.py measures: 12 passing checks, one query each."""
    if label.startswith("run_text"):  # the text report says only how many passed
        if not stdout.rstrip().endswith("12 checks: 12 pass"):
            raise SystemExit(f"{label}: expected 12 passing checks, got {stdout}")
        return
    results = json.loads(stdout)["results"]
    wrong = [r["check"] for r in results if r["status"] != "pass" or r["queries"] != 1]
    if len(results) != 12 or wrong:
        raise SystemExit(f"{label}: expected 12 passing checks of 1 query, got {results}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of orders")
    parser.add_argument("--repeat", type=int, default=11, help="timed rounds (median)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads")
    parser.add_argument("--baseline", metavar="REV", help="also time trustwell at git REV")
    parser.add_argument("--out", type=Path, default=RESULTS / "start.json")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1 or args.threads < 1:
        parser.error("--rows, --repeat and --threads must be positive")

    RESULTS.mkdir(parents=True, exist_ok=True)
    db_path = RESULTS / f"orders_{args.rows}.duckdb"
    project_dir = RESULTS / f"start_project_{args.rows}"
    generate(db_path, args.rows, threads=args.threads, force=False)
    write_project(project_dir, db_path, args.threads)
    python = sys.executable
    trees = {"": REPO / "src"}
    if args.baseline:
        trees[" @" + args.baseline] = extract(args.baseline)

    measures: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare": ([python, "-c", "pass"], environment(REPO / "src")),
        "hand": ([python, "-c", HAND_SCRIPT, str(db_path), str(args.threads)], os.environ.copy()),
    }
    for suffix, src in trees.items():
        env = environment(src)
        # Each tree its own copy of the project: a plan kept by one tree's code is stale
        # for the other's (its digest covers trustwell's modules), so sharing one project
        # would make every run of either tree the first after a change.
        tree_dir = project_dir.with_name(project_dir.name + suffix.replace(" @", "-at-"))
        if suffix:
            write_project(tree_dir, db_path, args.threads)
        run_args = ["run", "--project", str(tree_dir), "--format", "json"]
        measures["help" + suffix] = ([python, "-m", "trustwell", "--help"], env)
        measures["run" + suffix] = ([python, "-m", "trustwell", *run_args], env)
        # The default format, the text report (Rich): what a person at a terminal waits for.
        measures["run_text" + suffix] = ([python, "-m", "trustwell", *run_args[:3]], env)
        # The full path: a first run, or the first after an edit (no kept plan replayed).
        full_env = {**env, "TRUSTWELL_QUICK_RUN": "0"}
        measures["run_full" + suffix] = ([python, "-m", "trustwell", *run_args], full_env)

    print(f"start-up benchmark: {args.rows:,} rows, {args.repeat} rounds, {python}", flush=True)
    for name, (command, env) in measures.items():  # warm-up: bytecode, page cache, store
        _, _, out = timed(command, env)
        if name.startswith("run"):
            check_run(out, name)

    names = list(measures)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_ in range(args.repeat):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            command, env = measures[name]
            wall, cpu, out = timed(command, env)
            if name.startswith("run"):
                check_run(out, name)
            samples[name].append((wall, cpu))
        line = "  ".join(f"{n} {samples[n][-1][0]:.3f}" for n in names)
        print(f"round {round_ + 1}/{args.repeat}: {line}", flush=True)

    wall = {n: statistics.median(w for w, _ in s) for n, s in samples.items()}
    cpu = {n: statistics.median(c for _, c in s) for n, s in samples.items()}
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "command": " ".join([".venv/bin/python", "bench/bench_start.py", *sys.argv[1:]]),
        "rows": args.rows,
        "repeat": args.repeat,
        "threads": args.threads,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "wall_seconds": {n: [w for w, _ in s] for n, s in samples.items()},
        "cpu_seconds": {n: [c for _, c in s] for n, s in samples.items()},
        "median_wall_seconds": wall,
        "median_cpu_seconds": cpu,
        "ratio_to_hand": {n: wall[n] / wall["hand"] for n in names},
        "cpu_ratio_to_hand": {n: cpu[n] / cpu["hand"] for n in names},
        "targets": {"help": HELP_TARGET, "run": RUN_TARGET, "run_ratio": RUN_RATIO_TARGET},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    print()
    print(f"{'measure':<22} {'median s':>9} {'min s':>7} {'max s':>7} {'x hand':>7} {'cpu s':>7}")
    print("-" * 64)
    for n in names:
        walls = [w for w, _ in samples[n]]
        print(
            f"{n:<22} {wall[n]:>9.3f} {min(walls):>7.3f} {max(walls):>7.3f} "
            f"{wall[n] / wall['hand']:>7.2f} {cpu[n]:>7.2f}"
        )
    print("-" * 64)
    print(
        f"help {wall['help']:.3f}s (target {HELP_TARGET}s); run {wall['run']:.3f}s = "
        f"{wall['run'] / wall['hand']:.2f}x the bare query (targets {RUN_TARGET}s, "
        f"{RUN_RATIO_TARGET}x); full path {wall['run_full']:.3f}s = "
        f"{wall['run_full'] / wall['hand']:.2f}x; load average {os.getloadavg()[0]:.1f}"
    )
    for suffix in trees:
        if suffix:
            print(
                f"baseline{suffix}: help {wall['help' + suffix]:.3f}s, run "
                f"{wall['run' + suffix]:.3f}s = {wall['run' + suffix] / wall['hand']:.2f}x"
            )
    print(f"wrote {bench_run._show(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
