"""Several OS processes writing to one store (SQLite file or PostgreSQL) at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from trustwell.store import history, open_store
from trustwell.store.migrate import SCHEMA_HEAD, current_revision

URL = "sqlite:///.trustwell/trustwell.db"
SRC = Path(__file__).resolve().parents[2] / "src"

# One writer: waits for a shared start moment, then opens the store and records runs.
WRITER = """
import sys, time, uuid
from datetime import UTC, datetime
from pathlib import Path

from trustwell.checks.result import CheckResult, RunReport
from trustwell.store import open_store, record_run

root, name, runs, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
time.sleep(max(0.0, start - time.time()))
store = open_store(sys.argv[5], root)
for i in range(runs):
    at = datetime.now(UTC)
    results = [
        CheckResult("orders", "row_count", "row_count", "pass", float(i), {"min": 1}, None, "ok"),
        CheckResult("orders", f"sql:{name}", "sql", "fail", 1.0, {"max": 0}, None, "bad"),
    ]
    record_run(store, RunReport(str(uuid.uuid4()), at, at, results), project="p", actor=name)
store.close()
print("done", name)
"""


def _writers(
    root: Path, names: list[str], runs: int, url: str = URL
) -> list[subprocess.CompletedProcess[str]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    start = time.time() + 1.5  # after every interpreter has imported trustwell
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-W",
                "error",
                "-c",
                WRITER,
                str(root),
                name,
                str(runs),
                str(start),
                url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in names
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def _count(root: Path, table: str, url: str = URL) -> int:
    store = open_store(url, root)
    try:
        with store.engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        store.close()


def test_two_processes_recording_runs_into_a_fresh_store_are_both_recorded(
    tmp_path: Path, store_url: str
) -> None:
    # Neither the file nor the schema exists yet: both processes also race to migrate.
    finished = _writers(tmp_path, ["alpha", "beta"], runs=20, url=store_url)

    for proc in finished:
        assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert _count(tmp_path, "runs", store_url) == 40
    assert _count(tmp_path, "results", store_url) == 80
    assert _count(tmp_path, "checks", store_url) == 3  # row_count shared, one sql check each
    store = open_store(store_url, tmp_path)
    try:
        assert len(history(store, "orders", check="row_count", limit=100)) == 40
        with store.engine.connect() as conn:
            actors = conn.execute(sa.text("SELECT actor, count(*) FROM runs GROUP BY actor"))
            assert sorted(actors.all()) == [("alpha", 20), ("beta", 20)]
    finally:
        store.close()


def test_processes_opening_an_already_migrated_store_at_once_all_work(tmp_path: Path) -> None:
    open_store(URL, tmp_path).close()

    finished = _writers(tmp_path, ["a", "b", "c", "d"], runs=1)

    for proc in finished:
        assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert _count(tmp_path, "runs") == 4
    store = open_store(URL, tmp_path)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == SCHEMA_HEAD
    finally:
        store.close()
