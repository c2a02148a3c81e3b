"""Secrets and internals never reach a page or a log (issue 7, section 2).

Attack in: a warehouse URL with its password, misspelt or wrong; a file that is
not there; secrets substituted from the environment; a row holding a
connection string; a crash; a log line. Out: the password is nowhere a person
or a log can read it (CLI text and JSON, the store, ``history``, the API, the
pages, logs), while the signed-in team still sees what went wrong; anonymous
visitors see states and public texts only.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from secrets_support import (
    NOW,
    PASSWORD_ROLE,
    PUBLIC_ASSETS,
    PUBLIC_SETTINGS,
    Site,
    cli,
    require_password,
    serving,
    stored_messages,
    stored_samples,
    write_project,
)

import trustwell
from pg_server import PostgresServer


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)


@pytest.fixture(scope="session")
def password_port(pg_server: PostgresServer) -> int:
    """The session server's port, where ``tw_secret`` must give its password."""
    return require_password(pg_server, PASSWORD_ROLE)


# --- the reported case: a warehouse whose error carries its password --------------------------


@dataclass(frozen=True)
class Case:
    warehouse: str  # the YAML of warehouse 'wh'
    secret: str  # must never be shown
    detail: str  # what the team still sees of the error


def _case(name: str, request: pytest.FixtureRequest) -> Case:
    if name == "misspelt-url":
        return Case(
            '{type: postgres, url: "postgresq://tw:Hunter2-Sekrit@127.0.0.1:5432/db"}',
            "Hunter2-Sekrit",
            "postgresq://tw:***@127.0.0.1:5432/db",
        )
    if name == "wrong-password":
        port = request.getfixturevalue("password_port")
        url = f"postgresql://{PASSWORD_ROLE}:Wrong-Sekrit-42@127.0.0.1:{port}/trustwell_test"
        return Case(
            f'{{type: postgres, url: "{url}"}}', "Wrong-Sekrit-42", "password authentication failed"
        )
    return Case(
        '{type: duckdb, path: "exports/missing.duckdb?motherduck_token=Duck-Tok-3141"}',
        "Duck-Tok-3141",
        "exports/missing.duckdb",
    )


SETTINGS = """\
name: acme
warehouses:
  wh: {warehouse}
people:
  alice: {{email: alice@acme.test}}
teams:
  data-platform: {{members: [alice], lead: alice}}
"""
ASSETS = """\
assets:
  - name: sales.orders
    owner: data-platform
    subscribers: [finance@acme.test]
    checks:
      - {type: row_count, min: 1}
"""


@pytest.mark.parametrize(
    "name",
    [
        "misspelt-url",
        pytest.param("wrong-password", marks=pytest.mark.postgres),
        "missing-duckdb-file",
    ],
)
def test_a_warehouse_error_never_shows_its_password_anywhere(
    tmp_path: Path, request: pytest.FixtureRequest, name: str
) -> None:
    case = _case(name, request)
    root = write_project(tmp_path, SETTINGS.format(warehouse=case.warehouse), ASSETS)

    code, out, err = cli("run", "--project", str(root))
    assert code == 1
    assert case.secret not in out + err
    assert case.detail in out  # the operator still learns what is wrong

    code, document, err = cli("run", "--project", str(root), "--format", "json")
    assert code == 1
    [result] = json.loads(document)["results"]
    assert result["status"] == "error"
    assert case.secret not in document + err
    assert case.detail in result["message"]

    for fmt in ("text", "json"):
        code, out, err = cli("history", "sales.orders", "--project", str(root), "--format", fmt)
        assert code == 0
        assert case.secret not in out + err
        assert case.detail in out

    with serving(root) as site:
        stored = stored_messages(site.store)
        assert len(stored) == 2  # the two runs above
        assert all(case.secret not in m and case.detail in m for m in stored)

        with site.api("viewer") as api:
            for path in ("/api/v1/assets/sales.orders", "/api/v1/assets/sales.orders/results"):
                answer = api.get(path)
                assert answer.status_code == 200
                assert case.secret not in answer.text
                assert case.detail in answer.text
        with site.api("responder") as api:
            answer = api.post("/api/v1/runs", json={"assets": ["sales.orders"]})
            assert answer.status_code == 201
            assert case.secret not in answer.text
            assert case.detail in answer.json()["results"][0]["message"]

        with site.anonymous() as visitor:
            page = visitor.get("/assets/sales.orders")
            assert page.status_code == 200
            assert "sales.orders" in page.text and "error" in page.text
            assert case.secret not in page.text
            assert case.detail not in page.text  # no raw database message for the public
        with site.signed_in("viewer") as viewer:
            page = viewer.get("/assets/sales.orders")
            assert case.secret not in page.text
            assert case.detail in page.text


# --- anonymous visitors see states and public texts only -------------------------------------

#: What only the team may read: a check's message, SQL quoted by the database, a file
#: path, a sample value, e-mail addresses (subscriber, person, a row's).
CHECK_MESSAGE = "row count is 3, expected at least 100"
SQL = "gone_table"
FILE_PATH = "private-exports"
SAMPLE = "bob@example.test"
ADDRESSES = ("finance@acme.test", "alice@acme.test")


@pytest.fixture
def public_site(tmp_path: Path) -> Iterator[Site]:
    """INC-1 open on shop.orders (row_count, accepted_values fail); orphans, files.events error."""
    root = write_project(tmp_path, PUBLIC_SETTINGS, PUBLIC_ASSETS)
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA shop")
    connection.execute(
        "CREATE TABLE shop.orders AS SELECT * FROM (VALUES (1, 'paid'), (2, 'paid'),"
        f" (3, 'refund to {SAMPLE}')) t(id, status)"
    )
    connection.close()
    code, out, _ = cli("run", "--project", str(root))
    assert code == 1 and CHECK_MESSAGE in out and SQL in out and FILE_PATH in out
    with serving(root) as site:
        yield site


PUBLIC_PAGES = (
    "/",
    "/assets/shop.orders",
    "/assets/files.events",
    "/incidents",
    "/incidents/INC-1",
)


def test_anonymous_visitors_see_states_but_no_message_sql_path_sample_or_address(
    public_site: Site,
) -> None:
    with public_site.anonymous() as visitor:
        for path in PUBLIC_PAGES:
            page = visitor.get(path)
            assert page.status_code == 200, path
            for internal in (CHECK_MESSAGE, SQL, FILE_PATH, SAMPLE, *ADDRESSES):
                assert internal not in page.text, (path, internal)
        asset = visitor.get("/assets/shop.orders").text
        assert 'class="badge state-incident"' in asset
        assert "1 subscriber is told" in asset
        assert 'href="/incidents/INC-1"' in asset
        assert (
            "We are investigating a problem with shop.orders."
            in visitor.get("/incidents/INC-1").text
        )
        assert 'class="badge result-error"' in visitor.get("/assets/files.events").text


def test_anonymous_callers_read_no_json_but_counts(public_site: Site) -> None:
    with public_site.anonymous() as caller:
        for path in (
            "/api/v1/assets",
            "/api/v1/assets/shop.orders",
            "/api/v1/assets/shop.orders/results",
            "/api/v1/incidents",
            "/api/v1/incidents/INC-1",
            "/api/v1/reports/R-1",
            "/api/v1/metrics",
        ):
            answer = caller.get(path)
            assert answer.status_code == 401, path
            assert answer.json() == {
                "error": {"code": "unauthorized", "message": "send Authorization: Bearer <token>"}
            }
        metrics = caller.get("/metrics")
        assert metrics.status_code == 200
        assert 'trustwell_check_results{status="error"} 2' in metrics.text
        for internal in (CHECK_MESSAGE, SQL, FILE_PATH, SAMPLE, "shop.orders", *ADDRESSES):
            assert internal not in metrics.text


def test_signed_in_viewers_still_see_the_details(public_site: Site) -> None:
    with public_site.signed_in("viewer") as viewer:
        orders = viewer.get("/assets/shop.orders").text
        assert CHECK_MESSAGE in orders
        assert SQL in orders
        assert "finance@acme.test" in orders
        assert FILE_PATH in viewer.get("/assets/files.events").text
        assert "Declared SEV-1 from check" in viewer.get("/incidents/INC-1").text
    with public_site.api("viewer") as api:
        results = api.get("/api/v1/assets/shop.orders/results").text
        assert CHECK_MESSAGE in results and SQL in results


# --- secrets from the environment, and secrets in the data -----------------------------------


def test_a_secret_substituted_from_the_environment_is_masked_where_it_is_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGACY_SUPPORT_TOKEN", "Env-Tok-8086")
    monkeypatch.setenv("SHOP_REGION", "Nordics-West")
    assets = """\
assets:
  - name: shop.orders
    checks:
      - type: row_count
        min: 1
        where: "note <> '${LEGACY_SUPPORT_TOKEN}' and region = '${SHOP_REGION}'"
"""
    root = write_project(tmp_path, "warehouses:\n  main: {type: duckdb, path: w.duckdb}\n", assets)
    connection = duckdb.connect(str(root / "w.duckdb"))
    connection.execute("CREATE SCHEMA shop; CREATE TABLE shop.orders (id INT)")
    connection.close()

    code, out, err = cli("run", "--project", str(root), "--show-sql")
    assert code == 1
    assert "Env-Tok-8086" not in out + err
    assert "note <> '***'" in out  # DuckDB quotes the filter in its error
    assert "Nordics-West" in out  # a variable that is not secret stays readable
    code, document, _ = cli("run", "--project", str(root), "--format", "json")
    assert "Env-Tok-8086" not in document
    from trustwell.config.loader import load_project
    from trustwell.store import open_store

    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    try:
        assert all("Env-Tok-8086" not in m for m in stored_messages(store))
    finally:
        store.close()


def test_a_connection_string_in_a_failed_row_sample_is_masked(tmp_path: Path) -> None:
    assets = """\
assets:
  - name: ops.config
    checks:
      - {type: accepted_values, column: dsn, values: [none]}
"""
    root = write_project(tmp_path, "warehouses:\n  main: {type: duckdb, path: w.duckdb}\n", assets)
    connection = duckdb.connect(str(root / "w.duckdb"))
    connection.execute(
        "CREATE SCHEMA ops; CREATE TABLE ops.config AS SELECT"
        " 'postgresql://svc:Sample-Pw-1618@db.internal/x' AS dsn"
    )
    connection.close()

    code, document, _ = cli("run", "--project", str(root), "--format", "json")
    assert code == 1
    [result] = json.loads(document)["results"]
    assert result["samples"] == [{"dsn": "postgresql://svc:***@db.internal/x"}]
    from trustwell.config.loader import load_project
    from trustwell.store import open_store

    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    try:
        assert "Sample-Pw-1618" not in stored_samples(store)
        assert "postgresql://svc:***@db.internal/x" in stored_samples(store)
    finally:
        store.close()


# --- other leaks: repr of settings, a crash, log lines ---------------------------------------

SECRET_SETTINGS = """\
name: acme
store: "postgresql+psycopg://tw:Store-Pw-2718@127.0.0.1:1/trust"
warehouses:
  pg: {type: postgres, url: "postgresql://tw:Wh-Pw-1414@127.0.0.1:1/db"}
incident_channel: ops
channels:
  ops: {type: webhook, url: "http://127.0.0.1:9/hook", secret: "Hook-Secret-1732"}
  jira: {type: jira, url: "https://jira.test", project: DATA, token: "Jira-Tok-5772"}
"""
SETTING_SECRETS = ("Store-Pw-2718", "Wh-Pw-1414", "Hook-Secret-1732", "Jira-Tok-5772")


def test_the_repr_of_settings_and_channels_shows_no_secret(tmp_path: Path) -> None:
    from trustwell.config.loader import load_project
    from trustwell.notify.config import parse_channels

    project = load_project(write_project(tmp_path, SECRET_SETTINGS, "assets: []\n"))
    shown = repr(project.settings) + repr(parse_channels(project.settings)) + repr(project)
    assert "PostgresWarehouse(type='postgres'" in shown
    for secret in SETTING_SECRETS:
        assert secret not in shown


def test_a_crash_prints_its_traceback_without_the_password(tmp_path: Path) -> None:
    settings = 'store: "mysql://user:Crash-Pw-6626@db.internal/trust"\n'
    root = write_project(tmp_path, settings, "assets: []\n")
    source = Path(trustwell.__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "TRUSTWELL_NOW": NOW}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustwell",
            "token",
            "create",
            "--name",
            "x",
            "--role",
            "viewer",
            "--project",
            str(root),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Crash-Pw-6626" not in done.stdout + done.stderr
    assert "mysql://user:***@db.internal/trust" in done.stderr


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_log_lines_of_uvicorn_and_trustwell_are_scrubbed(tmp_path: Path) -> None:
    from trustwell.engines.postgres import PostgresEngine

    root = write_project(tmp_path, "name: acme\n", "assets: []\n")
    lines = _Lines()
    with serving(root, log_level="info", access_log=True) as site:
        access, scheduler = (
            logging.getLogger("uvicorn.access"),
            logging.getLogger("trustwell.web.scheduler"),
        )
        access.addHandler(lines)
        scheduler.addHandler(lines)
        try:
            with site.anonymous() as visitor:
                assert visitor.get("/healthz", params={"token": "Acc-Tok-5150"}).status_code == 200
            try:
                PostgresEngine("postgresq://tw:Log-Pw-3003@127.0.0.1:1/db")
            except Exception:
                # The driver's own error, with the URL whole, is the chained cause.
                scheduler.exception("scheduler %s: %s failed", "w1", "schedule sales.orders")
        finally:
            access.removeHandler(lines)
            scheduler.removeHandler(lines)
    text = "\n".join(lines.lines)
    assert "GET /healthz?token=*** HTTP/1.1" in text
    assert "scheduler w1: schedule sales.orders failed" in text
    assert "postgresq://tw:***@127.0.0.1:1/db" in text  # the traceback is kept, masked
    assert "Acc-Tok-5150" not in text and "Log-Pw-3003" not in text
