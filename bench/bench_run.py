"""Benchmark: `trustwell run` against one hand-written DuckDB query.

Generates a synthetic ``orders`` table (default 10,000,000 rows) in a DuckDB
file with DuckDB SQL (``range()`` and hash-based pseudo-random values), then
times, interleaved, after one warm-up each:

  (a) hand   one hand-written aggregate query computing the metrics of 12
             standard checks, the way an engineer would write it for DuckDB;
  (b) service  ``run_project(project, record=False)`` in-process: trustwell's
             engine cost (connect, plan, one query, evaluate);
  (b) cli    ``trustwell run --project DIR --format json`` as a subprocess:
             interpreter start-up, project loading, the query and storing the
             run in the project's SQLite store.

It asserts that trustwell ran exactly ONE aggregate query for the 12 checks and
that every metric equals the hand-written query's (exit 1 otherwise), prints a
table and writes the figures to bench/results/latest.json.

    .venv/bin/python bench/bench_run.py                 # 10M rows, 5 repeats
    .venv/bin/python bench/bench_run.py --rows 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
TARGET_RATIO = 1.15

#: Every timestamp in the data is anchored here; runs are pinned to NOW with
#: TRUSTWELL_NOW so that the freshness metric is deterministic.
ANCHOR = "2026-01-01 00:00:00"
NOW = "2026-01-03T06:00:00Z"
GENERATOR_VERSION = 1

STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled", "returned")
COUNTRIES = ("DE", "US", "GB", "FR", "NL", "ES", "IT", "SE", "PL", "AT", "CH", "BE")
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
AMOUNT_MIN, AMOUNT_MAX = 0, 10_000

# --- the data ---------------------------------------------------------------------------

GENERATE_SQL = f"""
CREATE OR REPLACE TABLE orders AS
WITH base AS (
    SELECT
        i,
        hash(i, 1) AS h1, hash(i, 2) AS h2, hash(i, 3) AS h3, hash(i, 4) AS h4,
        hash(i, 5) AS h5, hash(i, 6) AS h6, hash(i, 7) AS h7
    FROM range({{rows}}) AS t(i)
)
SELECT
    CAST(1000000 + i AS BIGINT) AS order_id,
    CAST(1 + h1 % {{customers}} AS BIGINT) AS customer_id,
    CASE
        WHEN h2 % 10000 < 5 THEN 'legacy'                         -- 0.05% not accepted
        ELSE {list(STATUSES)}[1 + CAST(h2 % {len(STATUSES)} AS BIGINT)]
    END AS status,
    CASE
        WHEN h3 % 1000 = 0 THEN -CAST(h3 % 5000 AS DOUBLE) / 100   -- 0.1% refunds < 0
        ELSE CAST(h3 % 50000 AS DOUBLE) / 100 + 1
    END AS amount,
    CASE
        WHEN h4 % 100 < 2 THEN NULL                               -- 2% unknown
        WHEN h4 % 1000 = 7 THEN 'customer' || i || '_at_example'  -- 0.1% malformed
        ELSE 'customer' || i || '@'
             || ['example.com', 'mail.test', 'acme.io', 'post.de'][1 + CAST(h4 % 4 AS BIGINT)]
    END AS email,
    {list(COUNTRIES)}[1 + CAST(h5 % {len(COUNTRIES)} AS BIGINT)] AS country,
    TIMESTAMP '{ANCHOR}' - INTERVAL 365 DAY
        + to_seconds(CAST(i * 31536000 // {{rows}} AS BIGINT)) AS created_at,
    TIMESTAMP '{ANCHOR}' - INTERVAL 365 DAY
        + to_seconds(CAST(i * 31536000 // {{rows}} + h6 % 172800 AS BIGINT)) AS updated_at
FROM base
"""


def generate(db_path: Path, rows: int, *, threads: int, force: bool) -> float | None:
    """Write the ``orders`` table; reuse the file when it already holds this version."""
    if db_path.exists() and not force:
        try:
            with duckdb.connect(str(db_path), read_only=True) as con:
                meta = con.execute("SELECT rows, version FROM bench_meta").fetchone()
            if meta == (rows, GENERATOR_VERSION):
                return None
        except duckdb.Error:
            pass
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"SET threads = {threads}")
        customers = max(1, rows // 20)
        con.execute(GENERATE_SQL.format(rows=rows, customers=customers))
        con.execute(
            "CREATE TABLE bench_meta AS SELECT ? AS rows, ? AS version", [rows, GENERATOR_VERSION]
        )
        con.execute("CHECKPOINT")
    return time.perf_counter() - started


# --- (a) the hand-written query ---------------------------------------------------------

HAND_SQL = textwrap.dedent(f"""\
    SELECT
        count(*)                                                  AS row_count,
        count(*) - count(customer_id)                             AS customer_id_nulls,
        count(*) - count(created_at)                              AS created_at_nulls,
        count(order_id) - count(DISTINCT order_id)                AS order_id_duplicates,
        count(*) FILTER (WHERE status NOT IN ({", ".join(f"'{s}'" for s in STATUSES)}))
                                                                  AS status_not_accepted,
        count(*) FILTER (WHERE amount < {AMOUNT_MIN} OR amount > {AMOUNT_MAX})
                                                                  AS amount_out_of_range,
        (count(*) - count(email)) / count(*)                      AS email_null_fraction,
        count(*) FILTER (WHERE length(country) <> 2)              AS country_bad_length,
        count(*) FILTER (WHERE NOT regexp_matches(email, '{EMAIL_PATTERN}'))
                                                                  AS email_bad_format,
        max(updated_at)                                           AS latest_update,
        avg(amount)                                               AS amount_mean,
        count(DISTINCT customer_id)                               AS distinct_customers
    FROM orders""")


def run_sql(db_path: Path, threads: int, sql: str = HAND_SQL) -> dict[str, Any]:
    """Open the file as trustwell does (read-only, UTC), run one query, fetch, close."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET threads = {threads}")
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


# --- (b) the same 12 checks as a trustwell project --------------------------------------

ASSETS_YML = f"""\
assets:
  - name: orders
    table: orders
    description: Synthetic orders for the benchmark (bench/bench_run.py).
    pii: [email]
    checks:
      - type: row_count
        min: 1
      - type: not_null
        column: customer_id
      - type: not_null
        column: created_at
      - type: unique
        column: order_id
      - type: accepted_values
        column: status
        values: [{", ".join(STATUSES)}]
        max_failing_fraction: 0.001
      - type: range
        column: amount
        min: {AMOUNT_MIN}
        max: {AMOUNT_MAX}
        max_failing_fraction: 0.01
      - type: stat
        column: email
        stat: null_fraction
        max: 0.05
      - type: length
        column: country
        min: 2
        max: 2
      - type: regex
        column: email
        pattern: '{EMAIL_PATTERN}'
        max_failing_fraction: 0.01
      - type: freshness
        column: updated_at
        max_age: 2d
      - type: stat
        column: amount
        stat: mean
        min: 1
        max: {AMOUNT_MAX}
      - type: stat
        column: customer_id
        stat: distinct_count
        min: 1
"""

#: trustwell check name -> how to get the same value from the hand-written row.
EXPECTED: dict[str, Callable[[dict[str, Any]], float]] = {
    "row_count": lambda r: r["row_count"],
    "not_null:customer_id": lambda r: r["customer_id_nulls"],
    "not_null:created_at": lambda r: r["created_at_nulls"],
    "unique:order_id": lambda r: r["order_id_duplicates"],
    "accepted_values:status": lambda r: r["status_not_accepted"],
    "range:amount": lambda r: r["amount_out_of_range"],
    "stat:null_fraction(email)": lambda r: r["email_null_fraction"],
    "length:country": lambda r: r["country_bad_length"],
    "regex:email": lambda r: r["email_bad_format"],
    "freshness:updated_at": lambda r: (
        datetime.fromisoformat(NOW.replace("Z", "+00:00")) - r["latest_update"].replace(tzinfo=UTC)
    ).total_seconds(),
    "stat:mean(amount)": lambda r: r["amount_mean"],
    "stat:distinct_count(customer_id)": lambda r: r["distinct_customers"],
}


def write_project(folder: Path, db_path: Path, threads: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "assets").mkdir(parents=True)
    (folder / "trustwell.yml").write_text(
        "name: trustwell-bench\n"
        "store: sqlite:///.trustwell/trustwell.db\n"
        "warehouses:\n"
        f"  main: {{type: duckdb, path: {json.dumps(db_path.as_posix())}, threads: {threads}}}\n",
        encoding="utf-8",
    )
    (folder / "assets" / "orders.yml").write_text(ASSETS_YML, encoding="utf-8")


@dataclass
class ServiceRun:
    results: dict[str, dict[str, Any]]
    sql: list[str] = field(default_factory=list)


def run_service(project: Any) -> ServiceRun:
    from trustwell.checks.service import run_project

    sql: list[str] = []
    report = run_project(project, record=False, on_sql=lambda statement: sql.append(statement.sql))
    return ServiceRun({r.check: r.to_json() for r in report.results}, sql)


def run_cli(folder: Path) -> dict[str, Any]:
    exe = REPO / ".venv" / "bin" / "trustwell"
    command = [str(exe), "run", "--project", str(folder), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env())
    if done.returncode not in (0, 1):
        raise SystemExit(f"trustwell run exited {done.returncode}:\n{done.stderr}")
    document: dict[str, Any] = json.loads(done.stdout)
    return {r["check"]: r for r in document["results"]}


def cli_sql(folder: Path) -> list[str]:
    """The statements `trustwell run --show-sql` prints (to stderr with --format json)."""
    exe = REPO / ".venv" / "bin" / "trustwell"
    command = [str(exe), "run", "--project", str(folder), "--format", "json", "--show-sql"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env())
    return [line for line in done.stderr.splitlines() if "SELECT" in line.upper()]


def _env() -> dict[str, str]:
    return {**os.environ, "TRUSTWELL_NOW": NOW, "NO_COLOR": "1", "TERM": "dumb"}


# --- prototypes: trustwell's SQL, rewritten the hand-written way -------------------------


def rewritten(trustwell_sql: str) -> str:
    """trustwell's statement with the hand-written idioms, to measure what each costs.

    ``CAST(col AS TEXT)`` -> ``col``; ``COUNT(CASE WHEN c THEN 1 END)`` ->
    ``COUNT(*) FILTER (WHERE c)``; ``COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN x END)``
    -> ``COUNT(DISTINCT x)`` (COUNT ignores NULLs by itself). Same values, same slots.
    """
    import sqlglot
    from sqlglot import exp

    def uncast(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TEXT:
            return node.this.copy()
        return node

    def filtered(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Count):
            return node
        inner = node.this
        distinct = isinstance(inner, exp.Distinct)
        case = inner.expressions[0] if distinct and len(inner.expressions) == 1 else inner
        if not isinstance(case, exp.Case) or case.args.get("default"):
            return node
        ifs = case.args.get("ifs") or []
        if len(ifs) != 1:
            return node
        condition, value = ifs[0].this, ifs[0].args["true"]
        if distinct:
            guard = exp.Not(this=exp.Is(this=value.copy(), expression=exp.null()))
            if condition == guard:
                return exp.Count(this=exp.Distinct(expressions=[value.copy()]))
            return node
        if isinstance(value, exp.Literal):
            return exp.Filter(
                this=exp.Count(this=exp.Star()), expression=exp.Where(this=condition.copy())
            )
        return node

    tree = sqlglot.parse_one(trustwell_sql, read="duckdb").transform(uncast).transform(filtered)
    return tree.sql(dialect="duckdb")


# --- checking that both computed the same numbers ---------------------------------------


def mismatches(hand: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for check, expected_of in EXPECTED.items():
        expected = float(expected_of(hand))
        result = results.get(check)
        if result is None:
            problems.append(f"{check}: no result from trustwell")
            continue
        got = result["value"]
        if result["status"] == "error" or got is None:
            problems.append(f"{check}: {result['status']}: {result['message']}")
        elif not math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"{check}: trustwell {got!r} != hand-written {expected!r}")
    extra = sorted(set(results) - set(EXPECTED))
    if extra:
        problems.append(f"unexpected checks in trustwell's results: {extra}")
    return problems


# --- timing -----------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float  # user + system seconds of this process (in-process) or of the child (CLI)


def timed(func: Callable[[], Any], *, child: bool = False) -> Sample:
    who = resource.RUSAGE_CHILDREN if child else resource.RUSAGE_SELF
    before = resource.getrusage(who)
    started = time.perf_counter()
    func()
    wall = time.perf_counter() - started
    after = resource.getrusage(who)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(wall, cpu)


LABELS = {
    "hand": "(a) hand-written query",
    "service": "(b) trustwell run_project, in-process",
    "cli": "(b) trustwell run CLI, subprocess",
    "tw_sql": "    trustwell's SQL, run directly",
    "tw_rewritten": "    trustwell's SQL, hand idioms",
}


def verify(
    db_path: Path, project: Any, project_dir: Path, threads: int, *, with_cli: bool
) -> tuple[dict[str, Any], ServiceRun, list[str]]:
    """One run of each side (also the warm-up); the list of problems found."""
    hand = run_sql(db_path, threads)
    service = run_service(project)
    problems = mismatches(hand, service.results)
    selects = [q for q in service.sql if not q.lstrip().startswith("--")]
    print(
        f"trustwell issued {len(service.sql)} statement(s) for {len(service.results)} checks "
        f"({len(selects)} aggregate SELECT)",
        flush=True,
    )
    if len(service.sql) != 1 or len(selects) != 1:
        problems.append(f"expected exactly ONE aggregate query, got {len(service.sql)}")
    failed = [c for c, r in service.results.items() if r["status"] != "pass"]
    if failed:
        problems.append(f"checks not passing (samples would add queries): {failed}")
    if with_cli:
        cli = run_cli(project_dir)
        problems += [f"cli {p}" for p in mismatches(hand, cli)]
        problems += [
            f"cli {c}: {r['queries']} queries" for c, r in cli.items() if r["queries"] != 1
        ]
        shown = cli_sql(project_dir)
        print(f"trustwell run --show-sql printed {len(shown)} query", flush=True)
        if len(shown) != 1:
            problems.append(f"--show-sql printed {len(shown)} queries, expected 1")
    return hand, service, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of orders")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument(
        "--threads",
        type=int,
        default=os.cpu_count() or 2,
        help="DuckDB threads for both sides (default: all cores)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data file")
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess timing")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also time trustwell's SQL run directly and rewritten with "
        "hand-written idioms (FILTER, no casts)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1 or args.threads < 1:
        parser.error("--rows, --repeat and --threads must be positive")

    os.environ["TRUSTWELL_NOW"] = NOW  # the in-process service reads it too
    RESULTS.mkdir(parents=True, exist_ok=True)
    db_path = RESULTS / f"orders_{args.rows}.duckdb"
    project_dir = RESULTS / f"project_{args.rows}"

    print(
        f"trustwell benchmark: {args.rows:,} rows, {args.threads} threads, "
        f"{args.repeat} repeats, duckdb {duckdb.__version__}",
        flush=True,
    )
    gen_seconds = generate(db_path, args.rows, threads=args.threads, force=args.regenerate)
    if gen_seconds is None:
        print(f"data: reusing {_show(db_path)}", flush=True)
    else:
        print(f"data: generated {_show(db_path)} in {gen_seconds:.1f}s", flush=True)
    write_project(project_dir, db_path, args.threads)

    from trustwell.config.loader import load_project

    project = load_project(project_dir)
    hand, service, problems = verify(
        db_path, project, project_dir, args.threads, with_cli=not args.no_cli
    )
    if problems:
        print("\n!!! MISMATCH: trustwell and the hand-written query disagree !!!", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("metrics: all 12 trustwell values equal the hand-written query's", flush=True)

    trustwell_sql = service.sql[0]
    runs: dict[str, Callable[[], Sample]] = {
        "hand": lambda: timed(lambda: run_sql(db_path, args.threads)),
        "service": lambda: timed(lambda: run_service(project)),
    }
    if not args.no_cli:
        runs["cli"] = lambda: timed(lambda: run_cli(project_dir), child=True)
    if args.variants:
        fast_sql = rewritten(trustwell_sql)
        before = run_sql(db_path, args.threads, trustwell_sql)  # also the warm-ups
        after = run_sql(db_path, args.threads, fast_sql)
        if not _same(before, after):
            print(f"!!! the rewritten SQL disagrees: {before} != {after}", file=sys.stderr)
            return 1
        for name, sql in (("tw_sql", trustwell_sql), ("tw_rewritten", fast_sql)):
            runs[name] = lambda sql=sql: timed(lambda: run_sql(db_path, args.threads, sql))

    # Interleaved timed runs, so that load from elsewhere on the machine hits every side alike.
    samples: dict[str, list[Sample]] = {name: [] for name in runs}
    for i in range(args.repeat):
        for name, run in runs.items():
            samples[name].append(run())
        line = "  ".join(f"{k} {v[-1].wall:.2f}s" for k, v in samples.items())
        print(f"run {i + 1}/{args.repeat}: {line}", flush=True)

    wall = {k: statistics.median(s.wall for s in v) for k, v in samples.items()}
    cpu = {k: statistics.median(s.cpu for s in v) for k, v in samples.items()}
    ratio = {k: wall[k] / wall["hand"] for k in wall}
    cpu_ratio = {k: cpu[k] / cpu["hand"] for k in cpu}
    figures = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "command": " ".join([".venv/bin/python", "bench/bench_run.py", *sys.argv[1:]]),
        "rows": args.rows,
        "threads": args.threads,
        "repeat": args.repeat,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
        },
        "generation_seconds": gen_seconds,
        "wall_seconds": {k: [s.wall for s in v] for k, v in samples.items()},
        "cpu_seconds": {k: [s.cpu for s in v] for k, v in samples.items()},
        "median_wall_seconds": wall,
        "median_cpu_seconds": cpu,
        "ratio_to_hand": ratio,
        "cpu_ratio_to_hand": cpu_ratio,
        "target_ratio": TARGET_RATIO,
        "within_target": ratio["service"] <= TARGET_RATIO,
        "trustwell_queries": len(service.sql),
        "metrics_equal": True,
        "hand_sql": HAND_SQL,
        "trustwell_sql": trustwell_sql,
        "trustwell_sql_rewritten": rewritten(trustwell_sql),
        "values": {c: r["value"] for c, r in service.results.items()},
        "hand_values": {k: str(v) if isinstance(v, datetime) else v for k, v in hand.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")

    print()
    header = f"{'measure':<40} {'median s':>9} {'min s':>7} {'max s':>7} {'x hand':>7}"
    print(f"{header} {'cpu s':>7} {'cpu x':>6}")
    print("-" * 86)
    for key, values in samples.items():
        walls = [s.wall for s in values]
        print(
            f"{LABELS[key]:<40} {wall[key]:>9.3f} {min(walls):>7.3f} {max(walls):>7.3f} "
            f"{ratio[key]:>7.3f} {cpu[key]:>7.2f} {cpu_ratio[key]:>6.2f}"
        )
    print("-" * 86)
    verdict = "within" if figures["within_target"] else "ABOVE"
    print(
        f"engine ratio (b)/(a) = {ratio['service']:.3f}x wall, {cpu_ratio['service']:.3f}x cpu: "
        f"{verdict} the {TARGET_RATIO}x target"
    )
    print("trustwell: 1 aggregate query for the 12 checks; all 12 metrics equal the hand query's")
    print(f"wrote {_show(args.out)}")
    return 0


def _same(left: dict[str, Any], right: dict[str, Any]) -> bool:
    def close(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9)
        return bool(a == b)

    return left.keys() == right.keys() and all(close(left[k], right[k]) for k in left)


def _show(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


if __name__ == "__main__":
    sys.exit(main())
