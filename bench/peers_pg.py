"""The PostgreSQL side of ``bench_peers.py``: a server of its own and the orders table in it.

The server is the Debian binaries the test setup uses (``tests/pg_server.py``:
the same binaries, user and settings), but its data directory is kept in
``bench/results/pg/`` so that the 10M-row table is loaded once and reused by
later runs. The table is ``bench_run.py``'s generator, written to CSV by DuckDB
and read by a server-side ``COPY``. The queries here are the hand-written
ones: the single scan (DuckDB's ``HAND_SQL`` in PostgreSQL's words) and the
best plan found for PostgreSQL, the same with each distinct count in its own
scalar subquery.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import bench_run
from bench_run import AMOUNT_MAX, AMOUNT_MIN, EMAIL_PATTERN, GENERATOR_VERSION, RESULTS, STATUSES

sys.path.insert(0, str(bench_run.REPO / "tests"))
import pg_server  # the test setup's server helpers

PG_DIR = RESULTS / "pg"


def database(rows: int) -> str:
    """One database per table size, so that a smoke run leaves the 10M-row table alone."""
    return f"bench_{rows}"


#: The test server's settings with a larger buffer cache (written once, at initdb).
SETTINGS = pg_server._SETTINGS.replace("shared_buffers = 32MB", "shared_buffers = 1GB")

ORDERS_DDL = """
CREATE TABLE orders (
    order_id bigint, customer_id bigint, status text, amount double precision,
    email text, country text, created_at timestamp, updated_at timestamp
)"""

_ACCEPTED = ", ".join(f"'{s}'" for s in STATUSES)
_SCALARS = f"""\
    count(*)                                                  AS row_count,
    count(*) - count(customer_id)                             AS customer_id_nulls,
    count(*) - count(created_at)                              AS created_at_nulls,
    count(*) FILTER (WHERE status NOT IN ({_ACCEPTED}))       AS status_not_accepted,
    count(*) FILTER (WHERE amount < {AMOUNT_MIN} OR amount > {AMOUNT_MAX})
                                                              AS amount_out_of_range,
    (count(*) - count(email))::float8 / count(*)              AS email_null_fraction,
    count(*) FILTER (WHERE length(country) <> 2)              AS country_bad_length,
    count(*) FILTER (WHERE email !~ '{EMAIL_PATTERN}')        AS email_bad_format,
    max(updated_at)                                           AS latest_update,
    avg(amount)                                               AS amount_mean"""

#: The single scan: all 12 aggregates in one pass, as on DuckDB.
HAND_SQL = textwrap.dedent(f"""\
    SELECT
    {_SCALARS},
        count(order_id) - count(DISTINCT order_id)                AS order_id_duplicates,
        count(DISTINCT customer_id)                               AS distinct_customers
    FROM orders""")

#: The best hand plan: one statement, each distinct count in a scalar subquery of its own.
BEST_SQL = textwrap.dedent(f"""\
    SELECT
    {_SCALARS},
        count(order_id) - (SELECT count(DISTINCT order_id) FROM orders)
                                                                  AS order_id_duplicates,
        (SELECT count(DISTINCT customer_id) FROM orders)          AS distinct_customers
    FROM orders""")


@dataclass
class Server:
    port: int
    os_user: str | None

    def url(self, dbname: str) -> str:
        return f"postgresql://{pg_server.DB_SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def cpu_seconds(self) -> float:
        """User + system seconds of the server's processes that have ended (backends, workers).

        They are the postmaster's children: their times add up in its
        ``cutime``/``cstime`` as it reaps them (``/proc/PID/stat``).
        """
        pid = (PG_DIR / "data" / "postmaster.pid").read_text().split()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        _pg(self.os_user, "pg_ctl", "stop", "-D", str(PG_DIR / "data"), "-m", "fast", "-w")


def _pg(os_user: str | None, program: str, *args: str) -> None:
    command = [str(pg_server.find_bin_dir() / program), *args]
    if os_user:
        command = ["runuser", "-u", os_user, "--", *command]
    done = subprocess.run(
        command, cwd=PG_DIR, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def start() -> Server:
    """Start the bench's server on a free port, making its data directory on first use."""
    os_user = pg_server._ensure_os_user() if os.geteuid() == 0 else None
    data = PG_DIR / "data"
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if os_user:
        entry = pwd.getpwnam(os_user)
        os.chown(PG_DIR, entry.pw_uid, entry.pw_gid)
    if not (data / "PG_VERSION").exists():
        _pg(
            os_user,
            "initdb",
            "-D",
            str(data),
            "-U",
            pg_server.DB_SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS)
        (data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
    if not _running(data):  # a stale pid file from a killed run
        (data / "postmaster.pid").unlink(missing_ok=True)
    server = Server(pg_server._free_port(), os_user)
    log = PG_DIR / "server.log"
    _pg(
        os_user,
        "pg_ctl",
        "start",
        "-D",
        str(data),
        "-l",
        str(log),
        "-o",
        f"-p {server.port}",
        "-w",
        "-t",
        "60",
    )
    return server


def _running(data: Path) -> bool:
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (OSError, ValueError):
        return False
    raise SystemExit(f"a PostgreSQL server already runs on {data}: stop it first")


def load(server: Server, duckdb_path: Path, rows: int) -> float | None:
    """Copy ``orders`` from the DuckDB file into the server, unless it already holds it."""
    import duckdb
    import psycopg

    name = database(rows)
    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(server.url(name), autocommit=True) as con:
        try:
            meta = con.execute("SELECT rows, version FROM bench_meta").fetchone()
            if meta == (rows, GENERATOR_VERSION):
                return None
        except psycopg.errors.UndefinedTable:
            pass
        started = time.perf_counter()
        csv = RESULTS / f"orders_{rows}.csv"
        with duckdb.connect(str(duckdb_path), read_only=True) as source:
            source.execute(f"COPY orders TO '{csv}' (HEADER false)")
        os.chmod(csv, 0o644)
        con.execute("DROP TABLE IF EXISTS orders, bench_meta")
        con.execute(ORDERS_DDL)
        con.execute(f"COPY orders FROM '{csv}' (FORMAT csv)")
        csv.unlink()
        con.execute("VACUUM ANALYZE orders")
        con.execute(
            "CREATE TABLE bench_meta AS SELECT %s::bigint AS rows, %s AS version",
            (rows, GENERATOR_VERSION),
        )
        return time.perf_counter() - started


def hand_script(sql: str) -> str:
    """A ``python -c`` program: connect with psycopg as trustwell does, run ``sql``, fetch."""
    return (
        "import sys, psycopg\n"
        "con = psycopg.connect(sys.argv[1])\n"
        "con.execute(\"SET TIME ZONE 'UTC'\")\n"
        f"row = con.execute({sql!r}).fetchone()\n"
        "con.close()\n"
        "print(len(row))\n"
    )
