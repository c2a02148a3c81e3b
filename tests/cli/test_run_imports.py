"""``trustwell --help`` and a passing ``trustwell run`` import only what they need.

Each command runs in a fresh interpreter that writes, at exit, the names of
every module it imported; the tests assert on those names, never on times,
so they cannot flake on a busy machine. A failing run, a run that calms an
incident and a store at an older schema are the counter-examples: there the
incident service and Alembic must be imported, and are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import trustwell
from trustwell.cli.app import create_app as create_cli
from trustwell.store.migrate import SCHEMA_HEAD

NOW = "2026-11-22T09:00:00Z"

# Runs the CLI's main() like the `trustwell` script; at exit (after SystemExit)
# writes sorted(sys.modules) as JSON to the file named by the first argument.
PROBE = """\
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "trustwell"
from trustwell.cli.app import main
main()
"""

# PROBE, also noting what the process had when its first DuckDB statement began.
OVERLAP_PROBE = """\
import atexit, gc, json, sys
from trustwell.engines import overlap
out = sys.argv.pop(1)
starts = []
plain_run = overlap.run
def run(statement, interrupt):
    starts.append({"pending": overlap.pending(), "sqlalchemy": "sqlalchemy" in sys.modules})
    return plain_run(statement, interrupt)
overlap.run = run
atexit.register(lambda: open(out, "w").write(json.dumps(starts)))
sys.argv[0] = "trustwell"
from trustwell.cli.app import main
# Collection held through start-up: a collection before the freeze is a regression.
gc.callbacks.append(lambda phase, info: phase == "start" and starts.append(
    {"collected before the project loaded": gc.get_freeze_count() == 0}))
main()
"""

# PROBE, writing whether Pydantic read every package's entry points for plugins.
PLUGINS_PROBE = PROBE.replace(
    "json.dumps(sorted(sys.modules))",
    'json.dumps(getattr(sys.modules.get("pydantic.plugin._loader"), "_plugins", None) is not None)',
)

SETTINGS = """\
name: shop
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
"""

ASSETS = """\
assets:
  - name: shop.orders
    checks:
      - type: row_count
        min: 1
      - type: not_null
        column: email
"""

#: Never needed by --help nor by a passing run against a current store.
NOT_FOR_A_PASSING_RUN = (
    "fastapi",
    "jinja2",
    "httpx",
    "alembic",
    "pandas",
    "rich",
    "trustwell.web",
    "trustwell.incidents.service",
    "trustwell.incidents.signals",
    "trustwell.notify.messages",
    "trustwell.certification.service",
    "trustwell.openlineage.queue",
    "sqlalchemy.dialects.postgresql",  # a SQLite store
)

#: Nor does a passing run replayed from its kept plan (trustwell.quickrun).
QUICK_RUN_NEEDS_NONE = ("pydantic", "sqlglot", "sqlalchemy", "typer", "click", "yaml")

#: --help needs none of these either: they load when a command runs.
NOT_FOR_HELP = (
    *NOT_FOR_A_PASSING_RUN,
    "duckdb",
    "sqlalchemy",
    "sqlglot",
    "pydantic",
    "yaml",
    "trustwell.store",
    "trustwell.checks",
    "trustwell.config",
)


def run_cli(tmp_path: Path, *args: str, probe: str = PROBE) -> tuple[int, str, Any]:
    """Exit code, stdout and the imported module names of ``trustwell ARGS``.

    With another ``probe``: what that probe wrote, as JSON, instead of the names.
    """
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    src = str(Path(trustwell.__file__).resolve().parents[1])
    env = {**os.environ, "TRUSTWELL_NOW": NOW, "PYTHONPATH": src}
    env.pop("TTY_COMPATIBLE", None)
    env.pop("FORCE_COLOR", None)
    process = subprocess.run(
        [sys.executable, "-c", probe, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert out.exists(), process.stderr
    found = json.loads(out.read_text())
    return process.returncode, process.stdout, set(found) if probe == PROBE else found


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (packages or modules) are among ``modules``."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    with duckdb.connect(str(folder / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA shop")
        connection.execute("CREATE TABLE shop.orders (id INT, email VARCHAR)")
        connection.execute("INSERT INTO shop.orders VALUES (1, 'a@x.io'), (2, 'b@x.io')")
    (folder / "trustwell.yml").write_text(SETTINGS)
    (folder / "assets").mkdir()
    (folder / "assets" / "shop.yml").write_text(ASSETS)
    return folder


def run_json(tmp_path: Path, project: Path) -> tuple[int, dict[str, object], set[str]]:
    code, stdout, modules = run_cli(tmp_path, "run", "--project", str(project), "--format", "json")
    return code, json.loads(stdout), modules


def store_revision(project: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{project / '.trustwell' / 'trustwell.db'}")
    try:
        with engine.connect() as conn:
            return str(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        engine.dispose()


def test_help_imports_no_library_and_no_service(tmp_path: Path) -> None:
    code, stdout, modules = run_cli(tmp_path, "--help")
    assert code == 0
    assert "run" in stdout and "incident" in stdout  # the whole command list was built
    assert "trustwell.cli.run" in modules and "typer" in modules
    assert loaded(modules, NOT_FOR_HELP) == []


def test_main_registers_only_the_invoked_commands_module(tmp_path: Path) -> None:
    import importlib

    import typer
    import typer.main

    from trustwell.cli import _COMMAND_MODULES, module_of

    for name in _COMMAND_MODULES:  # the table main() trusts matches what each registers
        app = typer.Typer()
        app.callback()(lambda: None)
        importlib.import_module(f"trustwell.cli.{name}").register(app)
        registered = typer.main.get_group(app).commands
        assert registered and {module_of(command) for command in registered} == {name}

    code, stdout, modules = run_cli(tmp_path, "tick", "--help")
    assert code == 0 and "Usage: trustwell tick" in stdout
    assert "trustwell.cli.ops" in modules
    assert not {"trustwell.cli.incident", "trustwell.cli.certify", "trustwell.cli.run"} & modules
    # A misspelt command gets the whole list, and Click's suggestion.
    code, _, modules = run_cli(tmp_path, "tik")
    assert code == 2 and "trustwell.cli.incident" in modules


def test_a_passing_run_imports_no_web_incident_or_migration_machinery(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, first, modules = run_json(tmp_path, project)
    assert code == 0 and first["status"] == "pass"
    assert "alembic" in modules  # the first run created the store: migrations ran

    # The second run replays the plan the first kept (trustwell.quickrun): not even
    # the configuration's models, sqlglot, SQLAlchemy or Typer.
    code, quick, modules = run_json(tmp_path, project)
    assert code == 0 and quick["status"] == "pass" and quick["incidents"] == []
    assert loaded(modules, (*NOT_FOR_A_PASSING_RUN, *QUICK_RUN_NEEDS_NONE)) == []
    assert {"duckdb", "sqlite3", "trustwell.store.quick"} <= modules

    # The full path (no plan to replay) imports what a run needs and no more.
    monkeypatch.setenv("TRUSTWELL_QUICK_RUN", "0")
    code, second, modules = run_json(tmp_path, project)
    assert code == 0 and second["status"] == "pass" and second["incidents"] == []
    assert loaded(modules, NOT_FOR_A_PASSING_RUN) == []
    assert {"duckdb", "sqlalchemy", "trustwell.store.service"} <= modules
    assert sorted(m for m in modules if m.startswith("trustwell.cli.")) == [
        "trustwell.cli.app",
        "trustwell.cli.common",
        "trustwell.cli.output",
        "trustwell.cli.run",
    ]

    engine = sa.create_engine(f"sqlite:///{project / '.trustwell' / 'trustwell.db'}")
    try:
        with engine.connect() as conn:  # both runs and their results were stored
            runs = conn.execute(sa.text("SELECT id FROM runs ORDER BY started_at")).scalars()
            assert set(runs) == {first["run_id"], quick["run_id"], second["run_id"]}
            stored = conn.execute(sa.text("SELECT count(*) FROM results")).scalar()
            assert stored == 6
    finally:
        engine.dispose()


def test_a_failing_run_opens_an_incident_and_the_next_passing_run_calms_it(
    tmp_path: Path, project: Path
) -> None:
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute("INSERT INTO shop.orders VALUES (3, NULL)")
    code, failed, modules = run_json(tmp_path, project)
    assert code == 1
    assert failed["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-3"}]
    assert "trustwell.incidents.service" in modules

    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute("DELETE FROM shop.orders WHERE email IS NULL")
    code, passed, modules = run_json(tmp_path, project)
    assert code == 0
    # The check with the open incident ran and passed: the incident machinery ran.
    assert passed["incidents"] == [{"id": "INC-1", "action": "monitoring", "severity": "SEV-3"}]
    assert "trustwell.incidents.signals" in modules

    # Monitoring is still open (each pass is noted); resolved, the incident is done with.
    code, _, modules = run_json(tmp_path, project)
    assert code == 0 and "trustwell.incidents.signals" in modules
    resolve = ("incident", "resolve", "INC-1", "--cause", "late-data", "--summary", "fixed")
    assert run_cli(tmp_path, *resolve, "--project", str(project))[0] == 0
    code, quiet, modules = run_json(tmp_path, project)
    assert code == 0 and quiet["incidents"] == []
    assert loaded(modules, NOT_FOR_A_PASSING_RUN) == []


def test_a_store_at_an_older_schema_is_still_migrated_by_run(tmp_path: Path, project: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from trustwell.store.migrate import MIGRATIONS

    assert run_json(tmp_path, project)[0] == 0
    engine = sa.create_engine(f"sqlite:///{project / '.trustwell' / 'trustwell.db'}")
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
    finally:
        engine.dispose()
    assert store_revision(project) == "0008"

    code, _, modules = run_json(tmp_path, project)
    assert code == 0
    assert "alembic" in modules
    assert store_revision(project) == SCHEMA_HEAD


def test_a_duckdb_run_opens_its_store_while_the_statement_runs(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_QUICK_RUN", "0")  # the full path's overlap, not a kept plan
    assert run_json(tmp_path, project)[0] == 0  # the store exists and is current
    args = ("run", "--project", str(project), "--format", "json")

    code, stdout, starts = run_cli(tmp_path, *args, probe=OVERLAP_PROBE)

    assert code == 0 and json.loads(stdout)["status"] == "pass"
    # The describe runs plainly; the one check statement carries the store's opening,
    # and SQLAlchemy was not imported before it: the store opened alongside it.
    assert [s for s in starts if "pending" in s] == [{"pending": True, "sqlalchemy": False}]
    # No collection during start-up; after it, what it made was frozen.
    assert {"collected before the project loaded": True} not in starts
    engine = sa.create_engine(f"sqlite:///{project / '.trustwell' / 'trustwell.db'}")
    try:
        with engine.connect() as conn:  # and the run was recorded with its results
            run_id = json.loads(stdout)["run_id"]
            count = sa.text("SELECT count(*) FROM results WHERE run_id = :r")
            assert conn.execute(count, {"r": run_id}).scalar() == 2
    finally:
        engine.dispose()


def test_a_corrupt_store_stops_a_duckdb_run_with_its_error_and_records_nothing(
    tmp_path: Path, project: Path
) -> None:
    database = project / ".trustwell" / "trustwell.db"
    database.parent.mkdir()
    garbage = b"this is not a database, it is what a full disk left behind\n" * 100
    database.write_bytes(garbage)

    for fmt in ("json", "text"):
        code, stdout, starts = run_cli(
            tmp_path, "run", "--project", str(project), "--format", fmt, probe=OVERLAP_PROBE
        )
        assert (code, stdout) == (2, "")  # nothing printed but the store's error
        assert [s for s in starts if "pending" in s] == [{"pending": True, "sqlalchemy": False}]
        # In-process too, for the message: one line naming the store.
        result = CliRunner().invoke(create_cli(), ["run", "-p", str(project), "-f", fmt])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"error: the store {database} is not a SQLite database (file is not a database)\n"
        )
    assert database.read_bytes() == garbage  # and nothing "repaired" the file


def test_a_duckdb_run_without_any_statement_still_opens_and_records(
    tmp_path: Path, project: Path
) -> None:
    (project / "warehouse.duckdb").unlink()  # nothing to connect to: no statement runs

    code, failed, _ = run_json(tmp_path, project)

    assert code == 1 and [r["status"] for r in failed["results"]] == ["error", "error"]
    engine = sa.create_engine(f"sqlite:///{project / '.trustwell' / 'trustwell.db'}")
    try:
        with engine.connect() as conn:  # the store opened when the record needed it
            count = sa.text("SELECT count(*) FROM results WHERE run_id = :r")
            assert conn.execute(count, {"r": failed["run_id"]}).scalar() == 2
    finally:
        engine.dispose()


def test_a_run_does_not_look_for_pydantic_plugins_unless_asked(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("run", "--project", str(project), "--format", "json")
    monkeypatch.setenv("TRUSTWELL_QUICK_RUN", "0")  # a replayed plan loads no Pydantic at all
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    code, _, looked = run_cli(tmp_path, *args, probe=PLUGINS_PROBE)
    assert code == 0 and looked is False
    # PYDANTIC_DISABLE_PLUGINS set (to nothing) by the user: plugins are looked for.
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")
    code, _, looked = run_cli(tmp_path, *args, probe=PLUGINS_PROBE)
    assert code == 0 and looked is True


# Imports the run path, loads the project, prints how many of trustwell's Pydantic
# models exist and how many have had their validator built.
BUILT_MODELS = """\
import json, sys
from pathlib import Path
from pydantic import BaseModel
from pydantic_core import SchemaValidator
import trustwell.checks.service
from trustwell.config.loader import load_project
load_project(Path(sys.argv[1]))
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
ours = {m for m in subclasses(BaseModel) if m.__module__.startswith("trustwell.")}
built = [m for m in ours if isinstance(m.__pydantic_validator__, SchemaValidator)]
print(json.dumps([len(ours), sorted(m.__name__ for m in built)]))
"""


def test_loading_a_project_builds_only_the_validators_it_uses(project: Path) -> None:
    src = str(Path(trustwell.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", BUILT_MODELS, str(project)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        check=True,
    )
    count, built = json.loads(done.stdout)
    # The models are built on first use (defer_build): the files' roots, whose
    # validators hold their nested models, not every check type and setting.
    assert count > 40
    assert "ProjectSettings" in built and "Asset" in built
    assert len(built) <= 6, built
