"""Loading a valid project: defaults, discovery of asset files, ${VAR}, locations, paths."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest

from trustwell.checks.spec import Range
from trustwell.config.env import UndefinedVariable, substitute
from trustwell.config.loader import load_project
from trustwell.config.models import DEFAULT_STORE, DuckDBWarehouse, Located, PostgresWarehouse


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_empty_folder_is_a_project_with_an_in_memory_duckdb_called_main(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.assets == []
    assert project.settings.store == DEFAULT_STORE
    assert project.settings.default_warehouse == "main"
    assert project.settings.warehouses["main"] == DuckDBWarehouse(type="duckdb", path=":memory:")


def test_empty_files_are_valid(tmp_path: Path) -> None:
    write(tmp_path, {"trustwell.yml": "", "assets/empty.yml": "# nothing yet\n"})
    assert load_project(str(tmp_path)).assets == []


def test_asset_files_are_found_at_any_depth_with_both_extensions_in_path_order(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "assets/z.yml": "assets:\n  - name: z\n",
            "assets/marts/finance/b.yaml": "assets:\n  - name: b\n",
            "assets/a.yml": "assets:\n  - name: a1\n  - name: a2\n",
            "assets/notes.txt": "not yaml: [",
            "elsewhere/c.yml": "assets:\n  - name: c\n",
        },
    )
    assert [a.name for a in load_project(tmp_path).assets] == ["a1", "a2", "b", "z"]


def test_locations_of_assets_and_checks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "assets/marts/cac.yml": """\
                # weekly customer acquisition cost
                assets:
                  - name: marts.weekly_cac
                    table: marts.weekly_cac
                    checks:
                      - type: not_null
                        columns: [week, cac]
                      - {type: row_count, min: 1}
                      - type: unique
                        name: one_row_per_week
                        column: week
            """
        },
    )
    project = load_project(tmp_path)
    assert project.asset_files == {"marts.weekly_cac": Located("assets/marts/cac.yml", 3)}
    assert project.check_lines == {
        ("marts.weekly_cac", "not_null:week,cac"): Located("assets/marts/cac.yml", 6),
        ("marts.weekly_cac", "row_count"): Located("assets/marts/cac.yml", 8),
        ("marts.weekly_cac", "one_row_per_week"): Located("assets/marts/cac.yml", 9),
    }


def test_full_settings_from_the_spec_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYTICS_PG_URL", "postgresql://u:secret@db/analytics")
    write(
        tmp_path,
        {
            "trustwell.yml": """\
                name: acme-analytics
                store: sqlite:///.trustwell/trustwell.db
                warehouses:
                  main: {type: duckdb, path: warehouse.duckdb}
                  pg:   {type: postgres, url: "${ANALYTICS_PG_URL}"}
                  lake: {type: spark, master: "local[2]"}
                # As SPEC section 1, plus what its abbreviated example leaves out and a
                # project must now declare: every team member under people: and the
                # team's channel under channels:.
                people:
                  alice: {email: alice@acme.test, slack: U01ALICE}
                  bob: {email: bob@acme.test}
                  carol: {email: carol@acme.test}
                  dave: {email: dave@acme.test}
                teams:
                  data-platform: {members: [alice, bob, carol], lead: dave, channel: data-platform}
                timezone: Europe/Berlin
                oncall:
                  data-platform:
                    members: [alice, bob, carol]
                    rotation: weekly
                    start: 2026-01-05T09:00:00Z
                    overrides:
                      - {who: carol, from: 2026-11-23T09:00:00Z, to: 2026-11-24T09:00:00Z}
                incident_channel: data-incidents
                status_page: public
                channels:
                  data-incidents: {type: slack, webhook_url: "${SLACK_URL:-http://localhost/hook}"}
                  data-platform: {type: slack, webhook_url: "https://hooks.slack.test/platform"}
                response:
                  SEV-1: {ack_within: 15m, update_every: 30m, postmortem: required}
                use_cases:
                  exec_reporting: {requires: [freshness, row_count], max_open_severity: none}
            """,
            "assets/orders.yml": """\
                assets:
                  - name: orders
                    warehouse: pg
                    table: shop.orders
                    owner: data-platform
                    use_cases: [exec_reporting]
            """,
        },
    )
    monkeypatch.delenv("SLACK_URL", raising=False)
    settings = load_project(tmp_path).settings
    assert settings.warehouses["pg"] == PostgresWarehouse(
        type="postgres", url="postgresql://u:secret@db/analytics"
    )
    rotation = settings.oncall["data-platform"]
    assert rotation.start == "2026-01-05T09:00:00Z"  # timestamps stay as written
    assert rotation.overrides[0].from_ == "2026-11-23T09:00:00Z"
    assert settings.channels["data-incidents"]["webhook_url"] == "http://localhost/hook"


def test_variables_are_substituted_in_asset_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TW_TEST_SCHEMA", "prod")
    monkeypatch.setenv("TW_TEST_MIN", "7")
    write(
        tmp_path,
        {
            "assets/orders.yml": """\
                assets:
                  - name: orders
                    table: "${TW_TEST_SCHEMA}.orders"
                    checks:
                      - {type: row_count, min: "${TW_TEST_MIN}"}
                      - {type: not_null, column: id, where: "env = '${TW_TEST_ENV:-dev}'"}
            """
        },
    )
    asset = load_project(tmp_path).assets[0]
    assert asset.table == "prod.orders"
    assert asset.checks[0].threshold() == {"min": 7.0}
    assert asset.checks[1].where == "env = 'dev'"


def test_dates_in_check_bounds_stay_dates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "assets/o.yml": "assets:\n  - name: o\n    checks:\n"
            "      - {type: range, column: day, min: 2024-01-01}\n"
        },
    )
    check = load_project(tmp_path).assets[0].checks[0]
    assert isinstance(check, Range)
    assert check.min == dt.date(2024, 1, 1)


def test_yaml_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "assets/o.yml": """\
                assets:
                  - name: o
                    checks:
                      - &base {type: not_null, column: a, samples: 10}
                      - {<<: *base, column: b}
            """
        },
    )
    checks = load_project(tmp_path).assets[0].checks
    assert [(c.display_name, c.samples) for c in checks] == [("not_null:a", 10), ("not_null:b", 10)]


def test_relative_paths_resolve_against_the_project_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_dir = tmp_path / "proj"
    write(
        project_dir,
        {
            "trustwell.yml": "warehouses:\n  main: {type: duckdb, path: wh.duckdb}\n",
            "assets/o.yml": "assets:\n  - {name: o, path: data/o.csv}\n",
        },
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    project = load_project(Path("../proj"))
    assert project.root.is_absolute()
    assert project.settings.warehouses["main"].path == "wh.duckdb"  # type: ignore[union-attr]
    assert project.assets[0].path == "data/o.csv"
    assert project.resolve("data/o.csv") == project_dir.resolve() / "data" / "o.csv"
    assert project.resolve("wh.duckdb") == project_dir.resolve() / "wh.duckdb"


def test_substitute_defaults_escapes_and_missing() -> None:
    env = {"HOST": "db", "EMPTY": ""}
    assert substitute("${HOST}:${PORT:-5432}", env) == "db:5432"
    assert substitute("${EMPTY:-fallback}|${EMPTY}", env) == "fallback|"
    assert substitute("literal $${HOST} and $$dollar$$", env) == "literal ${HOST} and $$dollar$$"
    assert substitute("${HOST:-}", {}) == ""
    with pytest.raises(UndefinedVariable) as info:
        substitute("${A}/${B}/${A}", {})
    assert info.value.names == ["A", "B"]
    assert str(info.value) == "environment variable 'A', 'B' is not set"


def test_substitute_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TW_TEST_TOKEN", "s3cret")
    assert substitute("Bearer ${TW_TEST_TOKEN}") == "Bearer s3cret"
    assert os.environ["TW_TEST_TOKEN"] == "s3cret"
