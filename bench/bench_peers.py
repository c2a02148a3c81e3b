"""Benchmark: trustwell against its peer, Soda Core v4, and the hand-written query.

The 12 standard checks of ``bench_run.py`` on its synthetic ``orders`` table,
every measure a whole process (start-up, imports, connecting, the queries,
the output), timed in the same run, alternating, the order rotated each
round, after one warm-up each:

  DuckDB, per ``--sizes`` (default 1M and 20M rows, one file per size):
    hand       ``python -c``: the single-scan query ``bench_run.HAND_SQL``
    trustwell  ``python -m trustwell run --format json`` of the 12 checks, as a
               user runs it again and again: after the warm-up, from the plan
               the warm-up kept (trustwell.quickrun)
    trustwell_full  the same with ``TRUSTWELL_QUICK_RUN=0``: a first run, or
               the first after an edit (the whole configuration, planning
               and SQLAlchemy)
    soda       ``soda contract verify`` of the same checks as a Soda contract
    hand_bitmap  not a target: the hand query with its two distinct counts
               typed as DuckDB bitmaps, the idiom trustwell plans for them
  PostgreSQL, 10M rows (``--pg-rows``; ``--no-pg`` leaves it out), the same
  table copied into a server of the bench's own (``peers_pg.py``):
    pg_hand    the single scan; pg_best, the best hand plan (each distinct
    count in its own subquery); pg_trustwell; pg_soda

The warm-up runs are also the check: trustwell's 12 values and Soda's must
equal what the hand-written query computes (a mismatch is printed loudly and
the bench exits 1). Prints wall medians, CPU seconds (of the child) and the
ratios, the verdict against issue 12's targets, and writes
bench/results/peers.json.

    .venv/bin/python bench/bench_peers.py                          # 1M + 20M, PG 10M
    .venv/bin/python bench/bench_peers.py --rows 200000 --repeat 3 # a quick smoke run
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
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bench_run
import peers_pg
import peers_soda
from bench_run import ASSETS_YML, RESULTS, generate, run_sql, write_project
from bench_start import HAND_SCRIPT, environment
from peers_report import TARGETS, print_table, verdicts

REPO = bench_run.REPO
#: The hand query with each distinct count typed as DuckDB's bitmap (what trustwell plans).
HAND_BITMAP_SQL = bench_run.HAND_SQL.replace(
    "count(DISTINCT order_id)", "bit_count(bitstring_agg(order_id))"
).replace("count(DISTINCT customer_id)", "bit_count(bitstring_agg(customer_id))")
HAND_BITMAP_SCRIPT = HAND_SCRIPT.replace(repr(bench_run.HAND_SQL), repr(HAND_BITMAP_SQL))
assert HAND_BITMAP_SCRIPT != HAND_SCRIPT and HAND_BITMAP_SQL.count("bitstring_agg") == 2
Check = Callable[[str], list[str]]  # stdout of a warm-up run -> problems found


def timed(
    command: list[str], env: dict[str, str], server_cpu: Callable[[], float] | None = None
) -> tuple[float, float, str]:
    """Wall and CPU seconds of one whole process; its stdout.

    CPU is user + system of the child, plus, with ``server_cpu``, what the
    PostgreSQL server spent meanwhile (its backends and parallel workers).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu() if server_cpu else 0.0
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise SystemExit(f"{' '.join(command[:3])} … exited {done.returncode}:\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if server_cpu:
        time.sleep(0.1)  # the backend ends just after its client: let the server reap it
        cpu += server_cpu() - server_before
    return wall, cpu, done.stdout


def with_freshness(hand: dict[str, Any]) -> dict[str, Any]:
    """The hand row, plus the freshness in seconds at the pinned moment."""
    return {**hand, "_freshness_seconds": bench_run.EXPECTED["freshness:updated_at"](hand)}


def trustwell_check(hand: dict[str, Any]) -> Check:
    def check(stdout: str) -> list[str]:
        results = json.loads(stdout)["results"]
        problems = bench_run.mismatches(hand, {r["check"]: r for r in results})
        return problems + [
            f"trustwell {r['check']}: {r['status']}, {r['queries']} queries"
            for r in results
            if r["status"] != "pass" or r["queries"] != 1
        ]

    return check


def soda_check(hand: dict[str, Any], source: Path, contract: Path) -> Check:
    def check(stdout: str) -> list[str]:
        return peers_soda.mismatches(hand, peers_soda.measured(source, contract))

    return check


def duckdb_case(rows: int, threads: int) -> dict[str, tuple[list[str], dict[str, str], Check]]:
    db_path = RESULTS / f"orders_{rows}.duckdb"
    seconds = generate(db_path, rows, threads=threads, force=False)
    print(
        f"duckdb {rows:,}: "
        + ("reusing the data" if seconds is None else f"generated in {seconds:.1f}s"),
        flush=True,
    )
    project = RESULTS / f"peers_project_{rows}"
    write_project(project, db_path, threads)
    hand = with_freshness(run_sql(db_path, threads))
    if not bench_run._same(run_sql(db_path, threads, HAND_BITMAP_SQL), run_sql(db_path, threads)):
        raise SystemExit("!!! MISMATCH: the bitmap hand query disagrees with the hand query")
    source, contract = peers_soda.write_duckdb(RESULTS / f"peers_soda_{rows}", db_path)
    python, tw_env = sys.executable, environment(REPO / "src")
    return {
        "hand": (
            [python, "-c", HAND_SCRIPT, str(db_path), str(threads)],
            os.environ.copy(),
            lambda _: [],
        ),
        "trustwell": (
            [python, "-m", "trustwell", "run", "--project", str(project), "--format", "json"],
            tw_env,
            trustwell_check(hand),
        ),
        # The same run with the quick path off: what a first run, or one after an edit, costs.
        "trustwell_full": (
            [python, "-m", "trustwell", "run", "--project", str(project), "--format", "json"],
            {**tw_env, "TRUSTWELL_QUICK_RUN": "0"},
            trustwell_check(hand),
        ),
        # Not a target: the hand query typed with trustwell's bitmap idiom, for comparison.
        "hand_bitmap": (
            [python, "-c", HAND_BITMAP_SCRIPT, str(db_path), str(threads)],
            os.environ.copy(),
            lambda _: [],
        ),
        "soda": (
            peers_soda.command(source, contract),
            peers_soda.environment(),
            soda_check(hand, source, contract),
        ),
    }


def pg_case(server: peers_pg.Server, rows: int, threads: int) -> dict[str, Any]:
    import psycopg

    db_path = RESULTS / f"orders_{rows}.duckdb"
    generate(db_path, rows, threads=threads, force=False)
    seconds = peers_pg.load(server, db_path, rows)
    print(
        f"postgres {rows:,}: "
        + ("reusing the table" if seconds is None else f"loaded in {seconds:.1f}s"),
        flush=True,
    )
    url = server.url(peers_pg.database(rows))
    with psycopg.connect(url) as con:
        con.execute("SET TIME ZONE 'UTC'")
        single, best = (con.execute(sql) for sql in (peers_pg.HAND_SQL, peers_pg.BEST_SQL))
        names = [d.name for d in single.description or []]
        hand = with_freshness(dict(zip(names, single.fetchone() or (), strict=True)))
        best_row = dict(zip(names, best.fetchone() or (), strict=True))
    if not bench_run._same({k: v for k, v in hand.items() if k in best_row}, best_row):
        raise SystemExit(f"!!! MISMATCH: the two hand plans disagree: {hand} != {best_row}")
    project = RESULTS / f"peers_pg_project_{rows}"
    write_project(project, db_path, threads)
    (project / "trustwell.yml").write_text(
        "name: trustwell-bench-pg\nstore: sqlite:///.trustwell/trustwell.db\n"
        f"warehouses:\n  main: {{type: postgres, url: {json.dumps(url)}}}\n",
        encoding="utf-8",
    )
    assert (project / "assets" / "orders.yml").read_text(encoding="utf-8") == ASSETS_YML
    source, contract = peers_soda.write_postgres(
        RESULTS / f"peers_soda_pg_{rows}",
        server.port,
        peers_pg.pg_server.DB_SUPERUSER,
        peers_pg.database(rows),
    )
    python, env = sys.executable, os.environ.copy()
    return {
        "pg_hand": (
            [python, "-c", peers_pg.hand_script(peers_pg.HAND_SQL), url],
            env,
            lambda _: [],
        ),
        "pg_best": (
            [python, "-c", peers_pg.hand_script(peers_pg.BEST_SQL), url],
            env,
            lambda _: [],
        ),
        "pg_trustwell": (
            [python, "-m", "trustwell", "run", "--project", str(project), "--format", "json"],
            environment(REPO / "src"),
            trustwell_check(hand),
        ),
        "pg_soda": (
            peers_soda.command(source, contract),
            peers_soda.environment(),
            soda_check(hand, source, contract),
        ),
    }


def incremental_case(rows: int, repeat: int) -> dict[str, Any] | None:
    """Issue 12 §2's case: a 1% append to the largest table, incremental against full run.

    ``bench_incremental.py`` measures it (values checked equal first); its figures.
    """
    import bench_incremental

    return bench_incremental.measure(rows, repeat, os.cpu_count() or 2)


def measure(
    name: str, case: dict[str, Any], repeat: int, server_cpu: Callable[[], float] | None = None
) -> dict[str, Any]:
    """Warm up and check each measure, then ``repeat`` rotated rounds of all; the figures."""
    problems = []
    for command, env, check in case.values():
        problems += check(timed(command, env, server_cpu)[2])
    if problems:
        print(f"\n!!! MISMATCH in {name}: the tools disagree with the hand-written query !!!")
        for problem in problems:
            print(f"  - {problem}")
    names = list(case)
    samples: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    loads = []
    for round_ in range(repeat):
        for label in names[round_ % len(names) :] + names[: round_ % len(names)]:
            command, env, _ = case[label]
            samples[label].append(timed(command, env, server_cpu)[:2])
        loads.append(os.getloadavg()[0])
        line = "  ".join(f"{n} {samples[n][-1][0]:.2f}s" for n in names)
        print(f"{name} round {round_ + 1}/{repeat}: {line}  (load {loads[-1]:.1f})", flush=True)
    wall = {n: statistics.median(w for w, _ in s) for n, s in samples.items()}
    cpu = {n: statistics.median(c for _, c in s) for n, s in samples.items()}
    base = names[0]
    return {
        "wall_seconds": {n: [w for w, _ in s] for n, s in samples.items()},
        "cpu_seconds": {n: [c for _, c in s] for n, s in samples.items()},
        "median_wall_seconds": wall,
        "median_cpu_seconds": cpu,
        "ratio_to_hand": {n: wall[n] / wall[base] for n in names},
        "cpu_ratio_to_hand": {n: cpu[n] / cpu[base] for n in names},
        "load_average_per_round": loads,
        "metrics_equal": not problems,
        "mismatches": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,20000000", help="DuckDB rows, comma-separated")
    parser.add_argument("--pg-rows", type=int, default=10_000_000, help="rows on PostgreSQL")
    parser.add_argument("--rows", type=int, help="one size for all (DuckDB and PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds per case (median)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads")
    parser.add_argument("--no-pg", action="store_true", help="leave the PostgreSQL case out")
    parser.add_argument(
        "--no-incremental", action="store_true", help="leave the incremental case out"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "peers.json")
    args = parser.parse_args(argv)
    sizes = [args.rows] if args.rows else [int(s) for s in args.sizes.split(",") if s.strip()]
    pg_rows = args.rows or args.pg_rows
    if min([*sizes, pg_rows, args.repeat, args.threads]) < 1:
        parser.error("sizes, rows, --repeat and --threads must be positive")
    RESULTS.mkdir(parents=True, exist_ok=True)
    peers_soda.ensure_venv()
    print(
        f"peers benchmark: DuckDB {sizes}, PostgreSQL {None if args.no_pg else pg_rows}, "
        f"{args.repeat} rounds, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    started_load = os.getloadavg()
    cases = {
        f"duckdb_{n}": measure(f"duckdb_{n}", duckdb_case(n, args.threads), args.repeat)
        for n in sizes
    }
    if not args.no_pg:
        server = peers_pg.start()
        try:
            case = pg_case(server, pg_rows, args.threads)
            name = f"postgres_{pg_rows}"
            cases[name] = measure(name, case, args.repeat, server.cpu_seconds)
        finally:
            server.stop()
    incremental = None if args.no_incremental else incremental_case(max(sizes), args.repeat)
    lines = verdicts(cases, sizes)
    figures = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "command": " ".join([".venv/bin/python", "bench/bench_peers.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_start": started_load,
            "load_average_end": os.getloadavg(),
        },
        "soda_core": peers_soda.SODA_VERSION,
        "targets": TARGETS,
        "cases": cases,
        "incremental": incremental,
        "verdicts": lines,
        "hand_sql": {
            "duckdb": bench_run.HAND_SQL,
            "postgres": peers_pg.HAND_SQL,
            "postgres_best": peers_pg.BEST_SQL,
        },
        "soda_contract": peers_soda.CONTRACT,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(cases)
    print("\n".join(lines))
    if incremental is not None and not incremental["problems"]:
        ratios = ", ".join(f"{k} {v:.3f}" for k, v in incremental["ratios"].items())
        print(f"incremental after a 1% append, ratio to a full run: {ratios} (target 0.05)")
        for kind, told in (("incr", "verify: count"), ("total", "verify: total")):
            ratio = incremental["ratios"].get(f"service {kind}")
            if ratio is not None:
                verdict = "met   " if ratio <= 0.05 else "missed"
                print(f"{verdict}   incremental in-process ({told}): {ratio:.3f} (≤ 0.05)")
    print(f"load average {started_load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"wrote {bench_run._show(args.out)}")
    if incremental is not None and incremental["problems"]:
        print("!!! MISMATCH: the incremental run differs from a full run !!!")
        return 1
    if any(not case["metrics_equal"] for case in cases.values()):
        print("!!! MISMATCH: some tool computed other values than the hand-written query !!!")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
