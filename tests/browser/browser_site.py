"""The browser tests' project and server helpers (fixtures are in conftest.py).

A demo-like project written to a folder, ``trustwell`` CLI calls at the fixed
clock, and logging in through the ``/login`` form.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOW = "2026-11-22T09:00:00Z"
#: ``later_site``: its incident is acknowledged 5h 25m after NOW; its server's
#: clock is in January 2027, a month without incidents.
ACKED_AT = "2026-11-22T14:25:00Z"
LATER = "2027-01-10T09:00:00Z"
#: Every browser wait; generous for a 2-CPU machine under load.
TIMEOUT_MS = 15_000

SETTINGS = """\
name: acme-browser
store: sqlite:///.trustwell/trustwell.db
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
timezone: UTC
status_page: public
people:
  alice: {name: Alice Martin, email: alice@acme.test}
  bob: {name: Bob Okafor, email: bob@acme.test}
  carol: {name: Carol Nguyen, email: carol@acme.test}
  dave: {name: Dave Fischer, email: dave@acme.test}
  erin: {name: Erin Kowalski, email: erin@acme.test}
teams:
  data-platform: {members: [alice, bob, carol], lead: dave}
  growth-analytics: {members: [erin], lead: dave}
oncall:
  data-platform:
    members: [alice, bob, carol]
    rotation: weekly
    start: 2026-11-02T09:00:00Z
response:
  SEV-1: {ack_within: 15m, update_every: 30m, postmortem: required}
  SEV-2: {ack_within: 4h, update_every: 4h, postmortem: required}
  SEV-3: {ack_within: 3d, update_every: 1d, postmortem: optional}
use_cases:
  exec_reporting: {description: Numbers the executive team decides on every week.}
"""

ASSETS = """\
assets:
  - name: raw.ad_spend
    description: Daily ad spend per campaign, loaded every night.
    owner: data-platform
    tier: 2
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 12h}}
      - {type: row_count, min: 1}
  - name: marts.weekly_cac
    description: Weekly customer acquisition cost per channel.
    owner: growth-analytics
    tier: 1
    use_cases: [exec_reporting]
    upstream: [raw.ad_spend]
    consumers: [dashboard.weekly_business_review]
    checks:
      - {type: row_count, min: 3}
    slos:
      - {check: row_count, objective: 99%, window: 28d}
  - name: raw.crm_accounts
    description: Accounts exported from the CRM every night.
    owner: data-platform
    tier: 3
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h}
  - name: marts.revenue
    description: Daily revenue per country.
    owner: growth-analytics
    tier: 2
    checks:
      - {type: row_count, min: 1}
  - name: raw.countries
    description: ISO country codes and names.
    owner: data-platform
    tier: 3
    checks:
      - {type: row_count, min: 1}
"""


def _write_warehouse(path: Path) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
        # Loaded three days before NOW: both freshness checks fail (max_age 26h).
        connection.execute(
            "CREATE TABLE raw.ad_spend AS SELECT range AS id,"
            " TIMESTAMP '2026-11-19 06:00:00' AS loaded_at FROM range(10)"
        )
        connection.execute(
            "CREATE TABLE raw.crm_accounts AS SELECT range AS id,"
            " TIMESTAMP '2026-11-19 06:00:00' AS loaded_at FROM range(5)"
        )
        connection.execute("CREATE TABLE marts.weekly_cac AS SELECT range AS week FROM range(5)")
        connection.execute("CREATE TABLE raw.countries AS SELECT 'DE' AS code")
        connection.execute("CREATE TABLE marts.revenue AS SELECT 'DE' AS country, 10 AS amount")
    finally:
        connection.close()


def write_project(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "trustwell.yml").write_text(SETTINGS)
    (root / "assets" / "acme.yml").write_text(ASSETS)
    _write_warehouse(root / "warehouse.duckdb")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def die_with_parent() -> None:
    """``preexec_fn``: the server gets SIGTERM if the test process dies (Linux)."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def server_env(now: str = NOW) -> dict[str, str]:
    env = dict(os.environ, TRUSTWELL_NOW=now, NO_COLOR="1", COLUMNS="200")
    env.pop("TRUSTWELL_USER", None)
    return env


def trustwell(
    root: Path, *args: str, check: bool = True, now: str = NOW
) -> subprocess.CompletedProcess[str]:
    """``python -m trustwell ARGS --project ROOT`` at the fixed clock (or at ``now``)."""
    done = subprocess.run(
        [sys.executable, "-m", "trustwell", *args, "--project", str(root)],
        env=server_env(now),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(
            f"trustwell {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
    return done


@contextmanager
def serve(root: Path, now: str = NOW) -> Iterator[str]:
    """A real ``trustwell serve --no-scheduler`` subprocess on a free port; yields its URL."""
    port = free_port()
    log = (root / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trustwell",
            "serve",
            "--project",
            str(root),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-scheduler",
        ],
        env=server_env(now),
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"trustwell serve exited {process.returncode}:\n"
                    + (root / "serve.log").read_text()
                )
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("trustwell serve did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def warehouse_sql(root: Path, sql: str) -> None:
    """Change the project's DuckDB warehouse between runs (no server holds it open)."""
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        connection.execute(sql)
    finally:
        connection.close()


def incident_json(root: Path, ident: str) -> dict[str, Any]:
    """What the CLI says about one incident (the store's view, not the page's)."""
    data: dict[str, Any] = json.loads(
        trustwell(root, "incident", "show", ident, "--format", "json").stdout
    )
    return data


@dataclass(frozen=True)
class Site:
    """The running server: its URL, project folder, tokens per role and incident ids."""

    url: str
    root: Path
    tokens: dict[str, str]
    #: "ad_spend" (stays open: status page, viewer and CSRF tests),
    #: "crm" (the responder acknowledges and resolves it)
    incidents: dict[str, str]


@dataclass(frozen=True)
class LaterSite:
    """The second server (clock in January 2027): URL, project, its incident, a viewer token."""

    url: str
    root: Path
    incident: str
    viewer_token: str


def log_in(page: Any, token: str, next_path: str = "/") -> None:
    """Log in through the ``/login`` form as a user would: paste the token, submit."""
    page.goto(f"/login?next={next_path}")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
