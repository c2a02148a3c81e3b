"""Benchmark: an incremental run after a 1% append against a full run (issue 12, section 2).

The ``orders`` table of ``bench_run.py`` (its generator, imported) and its 12
checks, with ``incremental: {column: created_at}`` on the asset. Each round,
interleaved, on the same DuckDB file:

  full     the project without ``incremental:``: a plain full run;
  rebuild  the incremental project with ``--full`` (a full scan that also
           stores every partition's states);
  incr     after appending 1% new rows (past the watermark), the incremental
           run merging the states stored at the base table;
  total    the same with ``verify: total``: one count of the old rows (from
           zone maps) in place of the per-partition fingerprint;
  statements  the statements each incremental run sent, run back to back
           on a fresh read-only connection without trustwell: DuckDB's share,
           the floor any incremental run with this plan pays.

each timed in-process (``run_project``, with the store) and as the whole CLI
process (``python -m trustwell run --format json``). Between rounds the
appended rows are deleted and the store's states put back, so every
incremental run starts from the same state. The incremental values must equal
a full run's over the appended table (exit 1 otherwise). Prints medians, CPU
seconds, the ratios incremental / full and the load average; writes
bench/results/incremental.json.

    PYTHONPATH=src .venv/bin/python bench/bench_incremental.py --rows 1000000 --repeat 3  # smoke
    PYTHONPATH=src .venv/bin/python bench/bench_incremental.py                           # 20M
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import ASSETS_YML, GENERATE_SQL, NOW, RESULTS, Sample, generate, timed

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.05
APPEND = 0.01


def write_projects(folder: Path, db_path: Path, threads: int) -> tuple[Path, Path, Path]:
    """The plain project and the two incremental ones, on one file, with stores of their own."""
    made = []
    kinds = (
        ("full", ""),
        ("incr", "    incremental: {column: created_at}\n"),
        ("total", "    incremental: {column: created_at, verify: total}\n"),
    )
    for name, extra in kinds:
        root = folder / name
        if root.exists():
            shutil.rmtree(root)
        (root / "assets").mkdir(parents=True)
        (root / "trustwell.yml").write_text(
            "name: trustwell-bench\nstore: sqlite:///.trustwell/trustwell.db\nwarehouses:\n"
            f"  main: {{type: duckdb, path: {json.dumps(db_path.as_posix())}, "
            f"threads: {threads}}}\n",
            encoding="utf-8",
        )
        assets = ASSETS_YML.replace("    pii: [email]\n", "    pii: [email]\n" + extra)
        (root / "assets" / "orders.yml").write_text(assets, encoding="utf-8")
        made.append(root)
    return made[0], made[1], made[2]


def append(db_path: Path, rows: int) -> None:
    """1% new rows, generated like the base ones, past every created_at of the base."""
    extra = max(1, int(rows * APPEND))
    customers = max(1, rows // 20)
    sql = GENERATE_SQL.format(rows=rows, customers=customers)
    sql = sql.replace("CREATE OR REPLACE TABLE orders AS", "INSERT INTO orders")
    sql = sql.replace(f"FROM range({rows}) AS t(i)", f"FROM range({rows}, {rows + extra}) AS t(i)")
    with duckdb.connect(str(db_path)) as con:
        con.execute(sql)
        con.execute("CHECKPOINT")


def unappend(db_path: Path, rows: int) -> None:
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"DELETE FROM orders WHERE order_id >= {1_000_000 + rows}")
        con.execute("CHECKPOINT")


def run_service(root: Path, *, full: bool = False, sent: list[str] | None = None) -> dict[str, Any]:
    """One run in-process; ``sent`` collects the SQL of every statement it ran."""
    from trustwell.checks.service import run_project
    from trustwell.config.loader import load_project

    def told(statement: Any) -> None:
        if sent is not None and not statement.sql.startswith("--"):
            sent.append(statement.sql)

    report = run_project(load_project(root), full=full, on_sql=told)
    return {r.check: r.to_json() for r in report.results}


def run_statements(db_path: Path, statements: list[str], threads: int) -> None:
    """The incremental run's statements alone: a connection, each one fetched, closed."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        con.execute(f"SET threads = {threads}")
        for sql in statements:
            con.execute(sql).fetchall()


def run_cli(root: Path, *, full: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "trustwell", "run", "--project", str(root), "-f", "json"]
    env = {**os.environ, "TRUSTWELL_NOW": NOW, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        command + (["--full"] if full else []), capture_output=True, text=True, env=env
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"trustwell run exited {done.returncode}:\n{done.stderr}")
    return {r["check"]: r for r in json.loads(done.stdout)["results"]}


def fingerprint_sql(checksum: bool) -> str:
    """The run's fingerprint query over the base table, with ``verify: count`` or ``checksum``."""
    from trustwell.checks.compile import table_expression
    from trustwell.checks.incremental_sql import fingerprint_query, row_checksum

    columns = ["order_id", "customer_id", "status", "amount", "email", "country"]
    columns += ["created_at", "updated_at"]
    summed = row_checksum(columns, "duckdb") if checksum else None
    query = fingerprint_query(table_expression("orders"), "created_at", "day", summed)
    return query.sql(dialect="duckdb")


def run_sql(db_path: Path, sql: str, threads: int) -> None:
    with duckdb.connect(str(db_path), read_only=True) as con:
        con.execute(f"SET threads = {threads}")
        con.execute(sql).fetchall()


def disagreements(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    problems = []
    for check, expected in want.items():
        mine = got.get(check, {})
        a, b = mine.get("value"), expected["value"]
        same = a == b or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))
        if not same or mine.get("status") != expected["status"]:
            problems.append(f"{check}: incremental {a!r} {mine.get('status')} != full {b!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess timings")
    args = parser.parse_args(argv)
    figures = measure(args.rows, args.repeat, args.threads, cli=not args.no_cli)
    return 1 if figures["problems"] else 0


def measure(rows: int, repeat: int, threads: int, *, cli: bool = True) -> dict[str, Any]:
    """Time full and incremental runs after a 1% append; the figures (``problems`` if unequal).

    ``bench_peers.py`` calls this for its incremental case.
    """
    args = argparse.Namespace(rows=rows, repeat=repeat, threads=threads, no_cli=not cli)
    os.environ["TRUSTWELL_NOW"] = NOW
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = RESULTS / f"orders_{args.rows}.duckdb"
    work = RESULTS / f"incremental_{args.rows}.duckdb"
    print(f"incremental benchmark: {args.rows:,} rows + {APPEND:.0%}, {args.threads} threads")
    generate(base, args.rows, threads=args.threads, force=False)
    shutil.copyfile(base, work)  # the base file stays as bench_run.py made it
    full_root, *roots = write_projects(RESULTS / f"incremental_{args.rows}", work, args.threads)
    kinds = dict(zip(("incr", "total"), roots, strict=True))
    stores = {k: r / ".trustwell" / "trustwell.db" for k, r in kinds.items()}
    saved = {k: s.with_name("base-states.db") for k, s in stores.items()}

    def restore() -> None:  # every incremental run starts from the base table's states
        for kind in kinds:
            shutil.copyfile(saved[kind], stores[kind])

    run_service(full_root)  # warm-up, and the stores created
    for kind, root in kinds.items():
        run_service(root, full=True)  # states at the base table's watermark
        shutil.copyfile(stores[kind], saved[kind])

    # Values first: each incremental run over the appended table equals a full one.
    append(work, args.rows)
    sent: dict[str, list[str]] = {k: [] for k in kinds}  # for the "statements alone" floors
    want = run_service(full_root)
    problems = disagreements(run_service(kinds["incr"], sent=sent["incr"]), want)
    got = run_service(kinds["total"], sent=sent["total"])
    problems += [f"total {p}" for p in disagreements(got, want)]
    restore()
    if not args.no_cli:
        want = run_cli(full_root)
        for kind, root in kinds.items():
            problems += [f"cli {kind} {p}" for p in disagreements(run_cli(root), want)]
        restore()
    unappend(work, args.rows)
    if problems:
        print("!!! incremental values differ from a full run's:", *problems, sep="\n  ")
        return {"rows": rows, "problems": problems}
    print("values: both incremental runs equal a full run on all 12 checks")

    variants: dict[str, Callable[[], Sample]] = {
        "service full": lambda: timed(lambda: run_service(full_root)),
        "service rebuild": lambda: timed(lambda: run_service(kinds["incr"], full=True)),
    }
    if not args.no_cli:
        variants["cli full"] = lambda: timed(lambda: run_cli(full_root), child=True)
    for name, summed in (("fingerprint count", False), ("fingerprint checksum", True)):
        sql = fingerprint_sql(summed)
        variants[name] = lambda sql=sql: timed(lambda: run_sql(work, sql, args.threads))
    samples: dict[str, list[Sample]] = {}
    loads: list[float] = []
    for i in range(args.repeat):
        for name, measure in variants.items():
            samples.setdefault(name, []).append(measure())
        append(work, args.rows)
        for kind, statements in sent.items():
            samples.setdefault(f"statements {kind}", []).append(
                timed(lambda s=statements: run_statements(work, s, args.threads))  # type: ignore[misc]
            )
        for side, runner in (("service", run_service), ("cli", run_cli)):
            if side == "cli" and args.no_cli:
                continue
            for kind, root in kinds.items():
                restore()
                samples.setdefault(f"{side} {kind}", []).append(
                    timed(lambda r=runner, root=root: r(root), child=side == "cli")  # type: ignore[misc]
                )
        unappend(work, args.rows)
        restore()
        loads.append(os.getloadavg()[0])
        line = "  ".join(f"{k} {v[-1].wall:.3f}s" for k, v in samples.items())
        print(f"round {i + 1}/{args.repeat}: {line}", flush=True)

    wall = {k: statistics.median(s.wall for s in v) for k, v in samples.items()}
    cpu = {k: statistics.median(s.cpu for s in v) for k, v in samples.items()}
    print(f"\nmedians over {args.repeat} rounds (load average {statistics.median(loads):.2f}):")
    for name in samples:
        print(f"  {name:16} wall {wall[name]:7.3f}s  cpu {cpu[name]:7.3f}s")
    ratios = {
        f"{side} {kind}": wall[f"{side} {kind}"] / wall[f"{side} full"]
        for side in ("service", "cli")
        for kind in kinds
        if f"{side} {kind}" in wall
    }
    for name, ratio in ratios.items():
        verdict = "meets" if ratio <= TARGET else "misses"
        side, kind = name.split()
        told = "verify: count" if kind == "incr" else "verify: total"
        print(f"  ratio {side} incremental ({told}) / full: {ratio:.3f} ({verdict} the {TARGET})")
    for kind in kinds:
        floor = wall[f"statements {kind}"] / wall["service full"]
        print(f"  ratio statements {kind} alone / service full: {floor:.3f} (DuckDB's, no Python)")
        ratios[f"statements {kind}"] = floor
    out = RESULTS / "incremental.json"
    figures = {"rows": args.rows, "repeat": args.repeat, "threads": args.threads}
    figures |= {"wall": wall, "cpu": cpu, "ratios": ratios, "load": loads, "problems": []}
    out.write_text(json.dumps(figures, indent=2))
    print(f"figures: {out}")
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
