"""``trustwell run`` on an incremental asset: stored states, restatement text, --full, --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

SETTINGS = "name: shop\nwarehouses:\n  main: {type: duckdb, path: warehouse.duckdb}\n"
ASSETS = """\
assets:
  - name: shop.orders
    incremental: {column: loaded_at}
    checks:
      - type: row_count
        min: 1
      - type: unique
        column: id
      - type: stat
        column: amount
        stat: mean
        max: 100
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    (tmp_path / "assets").mkdir()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets" / "orders.yml").write_text(ASSETS)
    _sql(tmp_path, "CREATE SCHEMA shop")
    _sql(tmp_path, "CREATE TABLE shop.orders (id INT, amount DOUBLE, loaded_at TIMESTAMP)")
    _sql(
        tmp_path,
        "INSERT INTO shop.orders VALUES (1, 10, '2026-11-20 08:00'), (2, 20, '2026-11-21 08:00')",
    )
    return tmp_path


def _sql(root: Path, statement: str) -> None:
    with duckdb.connect(str(root / "warehouse.duckdb")) as connection:
        connection.execute(statement)


def _run(root: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(create_app(), ["run", "--project", str(root), "-f", "json", *args])
    document = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, document, result.stderr


def _values(document: dict[str, object]) -> list[object]:
    return [r["value"] for r in document["results"]]  # type: ignore[index, union-attr]


def test_runs_merge_restate_and_rebuild(project: Path) -> None:
    code, first, _ = _run(project)
    assert code == 0 and _values(first) == [2, 0, 15.0]
    _sql(project, "INSERT INTO shop.orders VALUES (2, 60, '2026-11-22 08:00')")
    code, second, stderr = _run(project, "--show-sql")
    assert code == 1 and _values(second) == [3, 1, 30.0]
    assert "> CAST('2026-11-21 08:00:00' AS TIMESTAMP)" in stderr
    # an integer key: the stored bitmap and the new rows' one, no probe of the old rows
    assert "BITSTRING_AGG" in stderr and "NOT EXISTS" not in stderr
    assert "restated" not in stderr
    _sql(project, "DELETE FROM shop.orders WHERE id = 1")
    code, third, stderr = _run(project)
    assert "restated: 1 partition of shop.orders rescanned" in stderr
    assert _values(third) == [2, 1, 40.0]
    code, rebuilt, stderr = _run(project, "--full", "--show-sql")
    assert _values(rebuilt) == [2, 1, 40.0] and "> CAST(" not in stderr


def test_dry_run_shows_the_statements_past_the_watermark(project: Path) -> None:
    _run(project)
    result = CliRunner().invoke(create_app(), ["run", "--project", str(project), "--dry-run"])
    assert "> CAST('2026-11-21 08:00:00' AS TIMESTAMP)" in result.stdout
    # the new keys' range; their bitmap's bounds would come from its answer
    assert 'MIN("id") AS l0' in result.stdout and "NOT EXISTS" not in result.stdout


def test_a_run_that_fails_to_be_stored_keeps_the_previous_states(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy as sa

    from trustwell.checks.service import run_project
    from trustwell.config.loader import load_project
    from trustwell.store import open_store, states
    from trustwell.store.tables import runs

    loaded = load_project(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        run_project(loaded, store=store)
        before = states.read_states(store, "shop.orders")
        _sql(project, "INSERT INTO shop.orders VALUES (3, 30, '2026-11-22 08:00')")
        original = states.write_states

        def written_then_failed(*args: object, **kwargs: object) -> None:
            original(*args, **kwargs)  # type: ignore[arg-type]
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(states, "write_states", written_then_failed)
        with pytest.raises(RuntimeError):
            run_project(loaded, store=store)
        assert states.read_states(store, "shop.orders") == before
        assert (
            store.read(lambda c: c.execute(sa.select(sa.func.count()).select_from(runs)).scalar())
            == 1
        )
        monkeypatch.undo()
        report = run_project(loaded, store=store)  # the next run merges from the kept states
        assert [r.value for r in report.results] == [3, 0, 20.0]
    finally:
        store.close()


def test_an_incremental_run_opens_its_store_before_its_first_statement(project: Path) -> None:
    # Its states and watermark are read before planning: no overlap with the statement.
    from trustwell.checks.overlap import overlappable
    from trustwell.config.loader import load_project

    loaded = load_project(project)
    assert not overlappable(loaded, loaded.assets)
    plain = [a.model_copy(update={"incremental": None}) for a in loaded.assets]
    assert overlappable(loaded, plain)  # the same asset without incremental: overlapped


def test_verify_total_counts_the_old_rows_once_and_still_finds_a_delete(project: Path) -> None:
    (project / "assets" / "orders.yml").write_text(
        ASSETS.replace("{column: loaded_at}", "{column: loaded_at, verify: total}")
    )
    code, first, _ = _run(project)
    assert code == 0 and _values(first) == [2, 0, 15.0]
    _sql(project, "INSERT INTO shop.orders VALUES (3, 60, '2026-11-22 08:00')")
    code, second, stderr = _run(project, "--show-sql")
    assert code == 0 and _values(second) == [3, 0, 30.0]
    shown = " ".join(stderr.split())
    assert 'SELECT MAX("loaded_at") AS high FROM "shop"."orders";' in shown
    assert 'COUNT(*) AS all_rows FROM "shop"."orders" WHERE ( "loaded_at" <= CAST(' in shown
    assert 'MAX("loaded_at") AS high FROM "shop"."orders" GROUP BY' not in shown
    _sql(project, "DELETE FROM shop.orders WHERE id = 1")
    code, third, stderr = _run(project)
    assert "restated: 1 partition of shop.orders rescanned" in stderr
    assert _values(third) == [2, 0, 40.0]


def test_a_store_that_fails_while_the_file_opens_closes_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustwell.checks.service import run_project
    from trustwell.config.loader import load_project
    from trustwell.store import states
    from trustwell.store.database import StoreError

    loaded = load_project(project)
    run_project(loaded)

    def unreadable(*args: object, **kwargs: object) -> None:
        raise StoreError("the store cannot be used: disk I/O error")

    monkeypatch.setattr(states, "read_states", unreadable)
    with pytest.raises(StoreError, match="disk I/O error"):
        run_project(loaded)
    # Opened read-only in a worker meanwhile, and closed: a writer may open it now
    # (DuckDB refuses a second configuration of a file still open in the process).
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        assert connection.execute("SELECT count(*) FROM shop.orders").fetchone() == (2,)
