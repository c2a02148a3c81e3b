"""What ``trustwell run`` prints for a person (text), for a CI tool (JUnit) and with
``--show-sql``: values with units, failures with their evidence, the incidents,
and nothing wrapped or cut when stdout is a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

NOW = "2026-11-22T09:00:00Z"
LONG_SCHEMA = "analytics_long_schema_name_for_wrapping"
LONG_TABLE = "a_very_long_table_name_that_would_wrap_in_eighty_columns"
LONG_ASSET = f"{LONG_SCHEMA}.{LONG_TABLE}"
LONG_COLUMN = "customer_email_address_as_given_at_signup_time_in_the_legacy_crm"

SETTINGS = """\
name: shop
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
teams:
  data-platform: {members: [alice]}
"""

ASSETS = f"""\
assets:
  - name: shop.orders
    owner: data-platform
    tier: 1
    pii: [email]
    checks:
      - type: row_count
        min: 1
      - type: freshness
        column: loaded_at
        max_age: 26h
      - type: not_null
        column: id
      - type: range
        column: amount
        max: 1000
      - type: stat
        column: email
        stat: null_fraction
        max: 0.5
  - name: {LONG_ASSET}
    owner: data-platform
    tier: 2
    checks:
      - type: not_null
        column: {LONG_COLUMN}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA shop")
    connection.execute(
        "CREATE TABLE shop.orders (id INT, email VARCHAR, amount DOUBLE, loaded_at TIMESTAMP)"
    )
    connection.execute("""INSERT INTO shop.orders VALUES
        (1, 'a@x.io', 10, '2026-11-22 08:00'),
        (NULL, 'secret@x.io', 250.5, '2026-11-22 08:00'),
        (3, 'c@x.io', 1204, '2026-11-22 07:00')""")
    connection.execute(f"CREATE SCHEMA {LONG_SCHEMA}")
    connection.execute(f"CREATE TABLE {LONG_ASSET} ({LONG_COLUMN} VARCHAR)")
    connection.execute(f"INSERT INTO {LONG_ASSET} VALUES (NULL), ('x')")
    connection.close()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "shop.yml").write_text(ASSETS)
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), ["run", "--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def run_in_a_pipe(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real process whose stdout and stderr are pipes, as in a CI job."""
    env = {**os.environ, "TRUSTWELL_NOW": NOW, "COLUMNS": "80"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "trustwell", "run", "--project", str(project), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def words(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


LONG_MESSAGE = f"1 row with NULL in {LONG_COLUMN} (50.00% of 2); allowed 0"


def test_one_line_per_check_with_its_value_in_its_unit(project: Path) -> None:
    code, stdout, _ = run(project, "--asset", "shop.orders")
    lines = stdout.splitlines()
    assert code == 1
    assert [words(line) for line in lines[:6]] == [
        ["pass", "shop.orders", "row_count", "3 rows", "row count is 3"],
        [
            "pass",
            "shop.orders",
            "freshness:loaded_at",
            "1h",
            "last row loaded 1h ago (allowed 26h)",
        ],
        [
            "fail",
            "shop.orders",
            "not_null:id",
            "1 row",
            "1 row with NULL in id (33.33% of 3); allowed 0",
        ],
        [
            "fail",
            "shop.orders",
            "range:amount",
            "1 row",
            "1 row with amount out of range (33.33% of 3); allowed 0",
        ],
        ["pass", "shop.orders", "stat:null_fraction(email)", "0 %", "null_fraction of email is 0"],
        ["5 checks: 3 pass, 2 fail"],
    ]


def test_failures_are_gathered_at_the_end_with_masked_samples_then_the_incidents(
    project: Path,
) -> None:
    _, stdout, _ = run(project, "--asset", "shop.orders")
    tail = stdout.split("5 checks: 3 pass, 2 fail\n", 1)[1]
    assert tail == (
        "\n"
        "2 failing checks:\n"
        "\n"
        "fail shop.orders not_null:id: 1 row with NULL in id (33.33% of 3); allowed 0\n"
        "  value 1 row, threshold max_failing 0\n"
        "  sample rows (1):\n"
        "    id    email  amount  loaded_at\n"
        "    NULL  ***    250.5   2026-11-22T08:00:00\n"
        "\n"
        "fail shop.orders range:amount: 1 row with amount out of range (33.33% of 3); allowed 0\n"
        "  value 1 row, threshold max_failing 0\n"
        "  sample rows (1):\n"
        "    id  email  amount  loaded_at\n"
        "    3   ***    1204    2026-11-22T07:00:00\n"
        "\n"
        "INC-1 opened, SEV-1, commander alice: not_null:id, range:amount on shop.orders\n"
    )
    assert "secret@x.io" not in stdout


def test_a_rerun_says_which_incident_the_failures_joined(project: Path) -> None:
    run(project, "--asset", "shop.orders")
    _, stdout, _ = run(project, "--asset", "shop.orders")
    assert stdout.endswith(
        "\nINC-1 joined, SEV-1, commander alice: not_null:id, range:amount on shop.orders\n"
    )


def test_a_run_that_fixes_every_check_says_the_incident_moved_to_monitoring(
    project: Path,
) -> None:
    run(project, "--asset", "shop.orders")
    connection = duckdb.connect(str(project / "warehouse.duckdb"))
    connection.execute("UPDATE shop.orders SET id = 2 WHERE id IS NULL")
    connection.execute("UPDATE shop.orders SET amount = 100 WHERE amount > 1000")
    connection.close()
    code, stdout, _ = run(project, "--asset", "shop.orders")
    assert code == 0
    assert stdout.endswith(
        "5 checks: 5 pass\n"
        "\n"
        "INC-1 moved to monitoring, SEV-1, commander alice: "
        "not_null:id, range:amount on shop.orders pass again\n"
    )


def test_nothing_wraps_or_is_cut_when_stdout_is_a_pipe(project: Path) -> None:
    process = run_in_a_pipe(project)
    assert process.returncode == 1
    lines = process.stdout.splitlines()
    check_line = next(line for line in lines if line.startswith("fail  " + LONG_ASSET))
    assert words(check_line) == [
        "fail",
        LONG_ASSET,
        f"not_null:{LONG_COLUMN}",
        "1 row",
        LONG_MESSAGE,
    ]
    assert f"fail {LONG_ASSET} not_null:{LONG_COLUMN}: {LONG_MESSAGE}" in lines
    assert f"INC-1 opened, SEV-2, commander alice: not_null:{LONG_COLUMN} on {LONG_ASSET}" in lines
    # no progress bar, no colour codes in a pipe
    assert process.stderr == ""
    assert "\x1b[" not in process.stdout


def test_nothing_wraps_with_the_cli_runner_either(project: Path) -> None:
    _, stdout, _ = run(project, "--asset", LONG_ASSET)
    assert stdout.splitlines()[0].split() == [
        "fail",
        LONG_ASSET,
        f"not_null:{LONG_COLUMN}",
        "1",
        "row",
        *LONG_MESSAGE.split(),
    ]


def test_show_sql_goes_to_stdout_as_sql_that_runs_as_printed(project: Path) -> None:
    process = run_in_a_pipe(project, "--asset", "shop.orders", "--show-sql")
    statement = process.stdout.split(";\n", 1)[0] + ";"
    assert statement.startswith(
        "-- shop.orders: row_count, freshness:loaded_at, not_null:id, range:amount, "
        "stat:null_fraction(email)\nSELECT\n"
    )
    assert '  COUNT(CASE WHEN "id" IS NULL THEN 1 END) AS m2, /* not_null:id (failing) */' in (
        statement.splitlines()
    )
    assert '  MAX("loaded_at") AS m1, /* freshness:loaded_at (latest) */' in statement.splitlines()
    # copy-pasted into DuckDB it gives the values the checks judged
    connection = duckdb.connect(str(project / "warehouse.duckdb"), read_only=True)
    row = connection.execute(statement).fetchone()
    connection.close()
    assert row is not None and (row[0], row[2], row[3]) == (3, 1, 1)


def test_show_sql_puts_each_failures_own_query_under_it(project: Path) -> None:
    _, stdout, _ = run(project, "--asset", "shop.orders", "--show-sql")
    failure = stdout.split("fail shop.orders not_null:id: ", 1)[1].split("\n\n", 1)[0]
    assert failure.split("  sql:\n", 1)[1] == (
        "    SELECT\n"
        "      COUNT(*) AS m0, /* not_null:id (scope) */\n"
        '      COUNT(CASE WHEN "id" IS NULL THEN 1 END) AS m2 /* not_null:id (failing) */\n'
        '    FROM "shop"."orders";\n'
        "    SELECT\n"
        "      *\n"
        '    FROM "shop"."orders"\n'
        "    WHERE\n"
        '      "id" IS NULL\n'
        "    LIMIT 5;"
    )


def test_a_culprit_found_by_splitting_shows_the_statement_that_held_it_alone(
    project: Path,
) -> None:
    assets = project / "assets" / "shop.yml"
    assets.write_text(
        assets.read_text().replace(
            "      - type: range\n        column: amount\n        max: 1000\n",
            "      - type: range\n        column: amount\n        max: 1000\n"
            "      - type: range\n        name: bad_bound\n        column: amount\n"
            '        min: "2026-01-01"\n',
        )
    )
    code, stdout, _ = run(project, "--asset", "shop.orders", "--show-sql")
    assert code == 1
    listing, report = stdout.split("\nfail ", 1)[0], stdout
    # the shared statement failed, was split, and the culprit ended up alone
    assert listing.count("-- shop.orders: ") > 2
    failure = report.split("error shop.orders bad_bound: Conversion Error", 1)[1]
    shown = failure.split("  sql:\n", 1)[1].split("\n\n", 1)[0]
    assert shown.count("SELECT") == 1
    assert "/* bad_bound (failing) */" in shown and "not_null:id" not in shown
    # the good checks beside it kept their exact values
    table = [words(line) for line in stdout.splitlines() if line[:4] in RESULTS]
    lines = {row[2]: row for row in table if len(row) >= 4}
    assert lines["not_null:id"][:4] == ["fail", "shop.orders", "not_null:id", "1 row"]
    assert lines["range:amount"][:4] == ["fail", "shop.orders", "range:amount", "1 row"]
    assert lines["row_count"][:4] == ["pass", "shop.orders", "row_count", "3 rows"]


RESULTS = ("pass", "warn", "fail", "erro")


def test_with_junit_the_sql_goes_to_stderr_and_stdout_stays_xml(project: Path) -> None:
    process = run_in_a_pipe(project, "--format", "junit", "--show-sql")
    ET.fromstring(process.stdout)
    assert "/* not_null:id (failing) */" in process.stderr
    assert "SELECT" not in process.stdout


def test_junit_carries_what_ci_tools_read(project: Path) -> None:
    code, stdout, _ = run(project, "--format", "junit")
    root = ET.fromstring(stdout)
    assert code == 1
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == (
        "testsuites",
        "6",
        "3",
        "0",
    )
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    orders = suites["shop.orders"]
    assert (orders.get("tests"), orders.get("failures"), orders.get("errors")) == ("5", "2", "0")
    cases = orders.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("shop.orders", "row_count"),
        ("shop.orders", "freshness:loaded_at"),
        ("shop.orders", "not_null:id"),
        ("shop.orders", "range:amount"),
        ("shop.orders", "stat:null_fraction(email)"),
    ]
    for element in [root, orders, *cases]:
        assert float(element.get("time", "")) >= 0
    total = sum(float(c.get("time", "")) for c in cases)
    assert float(orders.get("time", "")) == pytest.approx(total, abs=0.002)
    failure = cases[2].find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == (
        "not_null",
        "1 row with NULL in id (33.33% of 3); allowed 0",
    )
    assert failure.text == (
        "1 row with NULL in id (33.33% of 3); allowed 0\n"
        "value: 1 row (1)\n"
        "threshold: max_failing 0\n"
        "sample rows (1):\n"
        "  id    email  amount  loaded_at\n"
        "  NULL  ***    250.5   2026-11-22T08:00:00"
    )
    assert cases[0].find("failure") is None and cases[0].find("error") is None


def test_the_progress_bar_stays_on_a_terminals_stderr(project: Path) -> None:
    import pty
    import threading

    controller, terminal = pty.openpty()
    received: list[bytes] = []

    def drain() -> None:  # read the terminal while the run writes to it
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "TRUSTWELL_NOW": NOW, "TERM": "xterm-256color"}
    process = subprocess.run(
        [sys.executable, "-m", "trustwell", "run", "--project", str(project), "-a", "shop.orders"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
        env=env,
        check=False,
    )
    os.close(terminal)
    reader.join(timeout=10)
    os.close(controller)
    assert process.returncode == 1
    # the bar was drawn on the terminal (Rich hides the cursor while it runs) ...
    assert b"\x1b[?25l" in b"".join(received)
    # ... and stdout holds the report alone
    assert process.stdout.splitlines()[0].split()[:3] == ["pass", "shop.orders", "row_count"]
    assert "\x1b" not in process.stdout


def test_show_sql_on_postgres_runs_as_printed_distinct_counts_included(
    tmp_path: Path, fresh_pg_url: str, pg_conn: Any
) -> None:
    pg_conn.execute("CREATE SCHEMA shop")
    pg_conn.execute("CREATE TABLE shop.orders (id INT, email TEXT)")
    pg_conn.execute("INSERT INTO shop.orders VALUES (1, 'a@x.io'), (2, NULL), (2, 'c@x.io')")
    (tmp_path / "trustwell.yml").write_text(
        f"name: t\nwarehouses:\n  pg: {{type: postgres, url: '{fresh_pg_url}'}}\n"
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.yml").write_text(
        "assets:\n  - name: shop.orders\n    checks:\n"
        "      - {type: unique, column: id}\n"
        "      - {type: not_null, column: email}\n"
    )
    code, stdout, _ = run(tmp_path, "--show-sql")
    assert code == 1
    statement = stdout.split(";\n", 1)[0] + ";"
    lines = statement.splitlines()
    assert lines[0] == "-- shop.orders: unique:id, not_null:email"
    commented = [line.rsplit("/* ", 1)[1] for line in lines if "/* " in line]
    assert commented == [
        "unique:id (scope), not_null:email (scope) */",
        "unique:id (keyed) */",
        "unique:id (distinct) */",
        "not_null:email (failing) */",
    ]
    assert pg_conn.execute(statement).fetchone() == (3, 3, 2, 1)
