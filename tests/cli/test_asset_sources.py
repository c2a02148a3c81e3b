"""Assets read from Parquet/CSV globs and from queries, relative to the project."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from trustwell.cli.app import create_app

ASSETS = """\
assets:
  - name: events
    path: data/events_*.parquet
    checks:
      - {type: row_count, min: 1}
      - {type: unique, column: id}
  - name: signups
    path: data/signups.csv
    checks:
      - {type: not_null, column: email}
  - name: big_events
    query: "select * from read_parquet('data/events_*.parquet') where amount > 10"
    checks:
      - {type: row_count, max: 1}
"""


def test_path_globs_and_query_assets_are_checked_from_any_cwd(tmp_path: Path) -> None:
    # The runner's cwd is the repository, not tmp_path: paths must resolve to the project.
    data = tmp_path / "data"
    data.mkdir()
    connection = duckdb.connect()
    for part, rows in (("a", "(1, 5.0), (2, 20.0)"), ("b", "(2, 30.0), (3, 1.0)")):
        target = (data / f"events_{part}.parquet").as_posix()
        connection.execute(
            f"COPY (SELECT * FROM (VALUES {rows}) t(id, amount)) TO '{target}' (FORMAT parquet)"
        )
    (data / "signups.csv").write_text("id,email\n1,a@x.io\n2,\n")
    (tmp_path / "trustwell.yml").write_text("name: events\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.yml").write_text(ASSETS)

    result = CliRunner().invoke(
        create_app(), ["run", "--project", str(tmp_path), "--format", "json"]
    )
    outcome = {
        (r["asset"], r["check"]): (r["status"], r["value"])
        for r in json.loads(result.stdout)["results"]
    }
    assert outcome == {
        ("events", "row_count"): ("pass", 4.0),
        ("events", "unique:id"): ("fail", 1.0),
        ("signups", "not_null:email"): ("fail", 1.0),
        ("big_events", "row_count"): ("fail", 2.0),
    }
