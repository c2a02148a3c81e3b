"""Load run: GET / (the status page) of a real ``trustwell serve`` with 1,000
assets and 10,000 past incidents.

1. Writes a project (default: a temporary folder, deleted at the end) with
   ``--assets`` assets in three lineage layers (raw → staging → marts), six
   teams, an on-call rotation and ``status_page: public``.
2. Fills its SQLite store without running checks: ``--runs`` past runs of
   every asset's two checks through the store API (``record_run``), then
   ``--incidents`` past incidents (mostly resolved or closed, a few open, some
   resolved in the last week) with their assets, fingerprints, Commander and a
   three-entry timeline, inserted with SQLAlchemy Core into the incident tables.
   Half the staging models and every mart take part in one of three use cases
   (each with its own ``requires``); certification is evaluated once after the
   runs (before any incident) and once after the incidents, so the store holds
   decisions that changed (certified, at risk, revoked).
3. Starts ``python -m trustwell serve --no-scheduler`` on a free port on
   127.0.0.1 (``TRUSTWELL_NOW`` one hour after the last run), waits for
   /healthz, warms up, then runs a closed loop per concurrency level: each of
   C httpx clients (one thread each) sends GET / again as soon as the previous
   answer arrived, until ``--duration`` seconds or ``--requests`` requests,
   whichever comes first.
4. Prints requests/second, p50/p95/p99 latency and errors per level, and
   writes ``bench/results/load.json``. Stops the server in every case.

    .venv/bin/python bench/load_status_page.py                      # 1 and 8 clients
    .venv/bin/python bench/load_status_page.py --concurrency 8 --duration 20 --requests 2000
    .venv/bin/python bench/load_status_page.py --profile            # + cProfile of one GET /

``--profile`` also renders the page in-process under cProfile (same project,
same clock) and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: The last synthetic run; the server's clock is one hour later.
LAST_RUN = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
NOW = LAST_RUN + timedelta(hours=1)
TEAMS = {
    "data-platform": ["alice", "bob", "carol"],
    "growth-analytics": ["erin", "farid"],
    "finance-data": ["gina", "hugo"],
    "product-analytics": ["ivan", "jade"],
    "marketing-ops": ["kim", "liam"],
    "sales-ops": ["mona", "nils"],
}
USE_CASES = ("exec_reporting", "finance_close", "marketing_attribution")
#: What each use case requires (certification, SPEC 5).
POLICIES = {
    "exec_reporting": "requires: [freshness, row_count, owner, lineage: known]",
    "finance_close": "requires: [freshness, row_count], max_open_severity: SEV-3, valid_for: 26h",
    "marketing_attribution": "requires: [freshness, description]",
}
CAUSES = ("upstream-source", "third-party", "code-change", "schema-change", "infrastructure")
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")
#: Open incidents at NOW, and resolved incidents within the status page's last 7 days.
OPEN_INCIDENTS = 6
RECENTLY_RESOLVED = 15
#: How an incident card starts on the page (to count them).
CARD = '<article class="card incident-card"'
#: The whole run may not take longer than this (then the server is killed, exit 3).
HARD_LIMIT_S = 900
_SERVERS: list[subprocess.Popen[bytes]] = []


# --- the project ------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    name: str
    layer: str
    owner: str
    tier: int
    upstream: list[str]
    use_cases: list[str]


def plan_assets(count: int, seed: int) -> list[Asset]:
    """``count`` assets: 30 % raw, 40 % staging (on raw), 30 % marts (on staging)."""
    rng = random.Random(seed)
    teams = list(TEAMS)
    n_raw, n_stg = int(count * 0.3), int(count * 0.4)
    n_mart = count - n_raw - n_stg
    raw = [f"raw.feed_{i:04d}" for i in range(n_raw)]
    stg = [f"staging.model_{i:04d}" for i in range(n_stg)]
    marts = [f"marts.report_{i:04d}" for i in range(n_mart)]
    assets = [Asset(n, "raw", "data-platform", 3, [], []) for n in raw]
    assets += [
        Asset(
            n,
            "staging",
            rng.choice(teams),
            2,
            rng.sample(raw, 2),
            [rng.choice(USE_CASES)] if i % 2 else [],
        )
        for i, n in enumerate(stg)
    ]
    assets += [
        Asset(
            n,
            "marts",
            rng.choice(teams[1:]),
            rng.choice((1, 1, 2)),
            rng.sample(stg, 3),
            [rng.choice(USE_CASES)],
        )
        for n in marts
    ]
    return assets


def write_project(root: Path, assets: list[Asset]) -> None:
    people = sorted({p for members in TEAMS.values() for p in members} | {"dave"})
    lines = [
        "name: load-bench",
        "store: sqlite:///.trustwell/trustwell.db",
        "warehouses:",
        "  main: {type: duckdb, path: warehouse.duckdb}",
        "timezone: UTC",
        "status_page: public",
        "people:",
        *(f"  {p}: {{email: {p}@acme.test}}" for p in people),
        "teams:",
        *(f"  {t}: {{members: [{', '.join(m)}], lead: dave}}" for t, m in TEAMS.items()),
        "oncall:",
        "  data-platform:",
        "    members: [alice, bob, carol]",
        "    rotation: weekly",
        "    start: 2026-11-02T09:00:00Z",
        "response:",
        "  SEV-1: {ack_within: 15m, update_every: 30m, postmortem: required}",
        "  SEV-2: {ack_within: 4h, update_every: 4h, postmortem: required}",
        "  SEV-3: {ack_within: 3d, update_every: 1d, postmortem: optional}",
        "use_cases:",
        *(f"  {u}: {{description: {u.replace('_', ' ')}, {POLICIES[u]}}}" for u in USE_CASES),
    ]
    (root / "assets").mkdir(parents=True)
    (root / "trustwell.yml").write_text("\n".join(lines) + "\n")
    for layer in ("raw", "staging", "marts"):
        out = ["assets:"]
        for a in (a for a in assets if a.layer == layer):
            out += [
                f"  - name: {a.name}",
                f"    description: Synthetic {layer} table {a.name.split('.')[1]}",
                f"    owner: {a.owner}",
                f"    tier: {a.tier}",
            ]
            if a.upstream:
                out.append(f"    upstream: [{', '.join(a.upstream)}]")
            if a.use_cases:
                out.append(f"    use_cases: [{', '.join(a.use_cases)}]")
            out += [
                "    checks:",
                "      - {type: freshness, column: loaded_at, max_age: 26h}",
                "      - {type: row_count, min: 1}",
            ]
        (root / "assets" / f"{layer}.yml").write_text("\n".join(out) + "\n")


# --- the store --------------------------------------------------------------------------


def fill_store(
    root: Path, assets: list[Asset], runs: int, incidents: int, seed: int
) -> dict[str, Any]:
    """Synthetic history: ``runs`` runs of every check, ``incidents`` past incidents."""
    from trustwell.certification.service import evaluate
    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.store.service import record_run

    rng = random.Random(seed)
    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    started = time.perf_counter()
    # ~3 % of assets stopped being checked a few days ago (stale), ~3 % warn now.
    stale = {a.name for a in rng.sample(assets, len(assets) * 3 // 100)}
    warning = {a.name for a in rng.sample(assets, len(assets) * 3 // 100)} - stale
    result_rows = 0
    try:
        for r in range(runs):
            at = LAST_RUN - timedelta(hours=runs - 1 - r)
            results = []
            for a in assets:
                if a.name in stale and r >= runs // 2:
                    continue
                fresh_status = "warn" if a.name in warning and r >= runs - 3 else "pass"
                age = rng.uniform(1, 6) * 3600
                results.append(
                    CheckResult(
                        a.name,
                        "freshness:loaded_at",
                        "freshness",
                        fresh_status,  # type: ignore[arg-type]
                        age,
                        {"max_age": "26h"},
                        None,
                        f"last row loaded {age / 3600:.1f}h ago (allowed 26h)",
                        queries=1,
                    )
                )
                rows = float(rng.randint(1_000, 100_000))
                results.append(
                    CheckResult(
                        a.name,
                        "row_count",
                        "row_count",
                        "pass",
                        rows,
                        {"min": 1},
                        None,
                        f"row count is {rows:,.0f}",
                        queries=1,
                    )
                )
            report = RunReport(str(uuid.uuid4()), at, at + timedelta(seconds=40), results)
            record_run(store, report, project=project.settings.name, trigger="schedule")
            result_rows += len(results)
        runs_s = time.perf_counter() - started
        started = time.perf_counter()
        evaluate(store, project, now=LAST_RUN + timedelta(minutes=5))  # all certified or at risk
        store.write(lambda conn: _insert_incidents(conn, assets, incidents, rng))
        incidents_s = time.perf_counter() - started
        started = time.perf_counter()
        decisions = evaluate(store, project, now=NOW)  # the open incidents revoke some
        certify_s = time.perf_counter() - started
    finally:
        store.close()
    return {
        "runs": runs,
        "results": result_rows,
        "incidents": incidents,
        "stale_assets": len(stale),
        "warning_assets": len(warning),
        "fill_runs_s": round(runs_s, 1),
        "fill_incidents_s": round(incidents_s, 1),
        "certified": dict(sorted(Counter(d.state for d in decisions).items())),
        "certify_s": round(certify_s, 1),
    }


def _insert_incidents(conn: Any, assets: list[Asset], count: int, rng: random.Random) -> None:
    import sqlalchemy as sa

    from trustwell.store.incident_tables import (
        incident_assets,
        incident_fingerprints,
        incidents,
        participants,
        timeline,
    )

    downstream: dict[str, list[str]] = {}
    for a in assets:
        for up in a.upstream:
            downstream.setdefault(up, []).append(a.name)
    first = NOW - timedelta(days=730)
    span = (NOW - timedelta(days=8) - first).total_seconds()
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    prints: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    n_past = count - OPEN_INCIDENTS - RECENTLY_RESOLVED
    # declared moments, oldest first, so that INC numbers grow with time
    moments = sorted(first + timedelta(seconds=rng.uniform(0, span)) for _ in range(n_past))
    moments += sorted(NOW - timedelta(days=rng.uniform(1, 6.5)) for _ in range(RECENTLY_RESOLVED))
    moments += sorted(NOW - timedelta(hours=rng.uniform(1, 20)) for _ in range(OPEN_INCIDENTS))
    for number, declared in enumerate(moments, start=1):
        asset = rng.choice(assets)
        is_open = number > count - OPEN_INCIDENTS
        severity = {1: "SEV-1", 2: "SEV-2", 3: "SEV-3"}[asset.tier]
        commander = rng.choice(TEAMS["data-platform"])
        acked = declared + timedelta(minutes=rng.uniform(2, 240))
        resolved = acked + timedelta(hours=rng.uniform(0.5, 30))
        if is_open:
            status = rng.choice(("declared", "acknowledged", "investigating", "identified"))
            resolved_at = closed_at = dismissed_at = None
            acked_at = None if status == "declared" else min(acked, NOW)
        else:
            status = rng.choices(("closed", "resolved", "dismissed"), (70, 25, 5))[0]
            if number > n_past:
                status = "resolved"
            acked_at = acked
            resolved_at = resolved if status != "dismissed" else None
            closed_at = resolved + timedelta(days=3) if status == "closed" else None
            dismissed_at = acked if status == "dismissed" else None
        check_name = rng.choice(("freshness:loaded_at", "row_count"))
        title = f"{check_name} failed on {asset.name}"
        rows.append(
            {
                "number": number,
                "title": title,
                "severity": severity,
                "status": status,
                "detection_source": rng.choices(("check", "report", "declared"), (80, 15, 5))[0],
                "root_asset": asset.name,
                "drill": False,
                "commander": commander,
                "runbook": "stale-table" if check_name.startswith("freshness") else None,
                "occurred_at": declared - timedelta(hours=rng.uniform(0, 12)),
                "declared_at": declared,
                "acknowledged_at": acked_at,
                "resolved_at": resolved_at,
                "closed_at": closed_at,
                "dismissed_at": dismissed_at,
                "cause": rng.choice(CAUSES) if resolved_at else None,
                "summary": "reloaded and backfilled" if resolved_at else None,
                "dismiss_reason": "expected change" if dismissed_at else None,
                "declared_by": None,
                "escalation_level": 0,
                "escalated_at": None,
                "last_update_at": declared,
                "next_update_at": declared + timedelta(hours=4) if is_open else None,
                "reminded_at": None,
                "updated_at": resolved_at or acked_at or declared,
            }
        )
        links.append(
            {"incident": number, "asset": asset.name, "impact": "root", "added_at": declared}
        )
        for below in downstream.get(asset.name, [])[:3]:
            links.append(
                {"incident": number, "asset": below, "impact": "downstream", "added_at": declared}
            )
        prints.append(
            {
                "incident": number,
                "fingerprint": uuid.uuid4().hex[:24],
                "asset": asset.name,
                "check_name": check_name,
                "open_key": uuid.uuid4().hex[:24] if is_open else None,
                "first_failed_at": declared,
                "last_failed_at": declared,
                "last_passed_at": None if is_open else resolved,
            }
        )
        people.append(
            {
                "incident": number,
                "person": commander,
                "role": "commander",
                "since": declared,
                "until": None,
                "assigned_by": "trustwell",
            }
        )
        entries.append(
            {
                "incident": number,
                "at": declared,
                "actor": "trustwell",
                "kind": "declared",
                "text": f"{title}; {severity}; Commander {commander}",
                "public_text": f"We are investigating a problem with {asset.name}.",
                "data": None,
            }
        )
        if acked_at:
            entries.append(
                {
                    "incident": number,
                    "at": acked_at,
                    "actor": commander,
                    "kind": "acknowledged",
                    "text": f"{commander} acknowledged",
                    "public_text": None,
                    "data": None,
                }
            )
        if resolved_at:
            entries.append(
                {
                    "incident": number,
                    "at": resolved_at,
                    "actor": commander,
                    "kind": "resolved",
                    "text": "resolved: reloaded and backfilled",
                    "public_text": f"{asset.name} is correct again.",
                    "data": None,
                }
            )
    for table, values in (
        (incidents, rows),
        (incident_assets, links),
        (incident_fingerprints, prints),
        (participants, people),
        (timeline, entries),
    ):
        for start in range(0, len(values), 2_000):
            conn.execute(sa.insert(table), values[start : start + 2_000])


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(root: Path, log: Path) -> Iterator[str]:
    """``trustwell serve --no-scheduler`` on 127.0.0.1; yields its URL, always stops it."""
    port = free_port()
    env = dict(os.environ, TRUSTWELL_NOW=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "trustwell", "serve", "--project", str(root)),
                *("--host", "127.0.0.1", "--port", str(port), "--no-scheduler"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _SERVERS.append(process)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited {process.returncode}: {log.read_text()}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("serve did not answer /healthz within 60 s")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


# --- the load ---------------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    bytes: int = 0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def closed_loop(url: str, path: str, concurrency: int, duration: float, limit: int) -> Level:
    """C clients, each sending the next request when the last answer arrived."""
    level = Level(concurrency)
    lock = threading.Lock()
    sent = 0
    stop_at = time.monotonic() + duration

    def take() -> bool:
        nonlocal sent
        with lock:
            if sent >= limit or time.monotonic() >= stop_at:
                return False
            sent += 1
            return True

    def client() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while take():
                began = time.perf_counter()
                try:
                    response = http.get(path)
                    ok = response.status_code == 200
                    size = len(response.content)
                    problem = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, size, problem = False, 0, repr(exc)
                took = time.perf_counter() - began
                with lock:
                    if ok:
                        level.latencies.append(took)
                        level.bytes = size
                    else:
                        level.errors += 1
                        if len(level.error_samples) < 5:
                            level.error_samples.append(problem)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 60)
    level.elapsed = time.perf_counter() - began
    return level


def summary(level: Level) -> dict[str, Any]:
    done = len(level.latencies)
    ms = [x * 1000 for x in level.latencies] or [float("nan")]
    return {
        "concurrency": level.concurrency,
        "requests": done + level.errors,
        "ok": done,
        "errors": level.errors,
        "error_samples": level.error_samples,
        "seconds": round(level.elapsed, 2),
        "requests_per_second": round(done / level.elapsed, 1) if level.elapsed else 0.0,
        "latency_ms": {
            "mean": round(statistics.fmean(ms), 1),
            "p50": round(percentile(ms, 50), 1),
            "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1),
            "max": round(max(ms), 1),
        },
        "response_bytes": level.bytes,
    }


def profile_page(root: Path, top: int) -> str:
    """cProfile of the status page's handler in-process (same project and clock).

    Calls the route function directly with a bare request, so the profile
    holds only the page's own work (queries, classification, template).
    """
    import cProfile
    import io
    import pstats

    from starlette.requests import Request

    from trustwell.web.app import create_app
    from trustwell.web.pages.status_pages import status_page

    os.environ["TRUSTWELL_NOW"] = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    app = create_app(root, scheduler=False)
    scope = {
        "type": "http",
        "app": app,
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("127.0.0.1", 80),
    }
    store, project = app.state.store, app.state.project
    try:
        for _ in range(3):
            status_page(Request(scope))
        phases = _phase_times(store, project, lambda: status_page(Request(scope)))
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(5):
            assert status_page(Request(scope)).status_code == 200
        profiler.disable()
        each = (time.perf_counter() - began) / 5
    finally:
        app.state.store.close()
    out = io.StringIO()
    out.write("status page handler, median of 7 calls without the profiler (cache warm):\n")
    for name, ms in phases.items():
        out.write(f"  {name:<32} {ms:7.1f} ms\n")
    out.write(f"under cProfile: {each * 1000:.0f} ms per call\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _phase_times(store: Any, project: Any, whole: Any) -> dict[str, float]:
    """Median milliseconds of the page's parts: the three reads, and the whole handler."""
    from trustwell import clock
    from trustwell.lineage.service import project_graph
    from trustwell.status.certified import certifications
    from trustwell.status.history import history_bars
    from trustwell.status.state import asset_states
    from trustwell.web.pages.queries import open_incidents, resolved_since
    from trustwell.web.pages.status_pages import RECENT

    now = clock.now()
    parts = {
        "asset_states (1,000 assets)": lambda: asset_states(store, project, now),
        "open_incidents": lambda: open_incidents(store),
        "certifications (grouped)": lambda: store.read(lambda c: certifications(c, project)),
        "history_bars (90 days)": lambda: store.read(
            lambda c: history_bars(c, project, project_graph(store, project), now.date())
        ),
        "one cached recompute": lambda: _recompute(store, project, now),
        "resolved_since (last 7 days)": lambda: resolved_since(store, now - RECENT),
        "whole handler (incl. template)": whole,
    }
    medians = {}
    for name, call in parts.items():
        times = []
        for _ in range(7):
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        medians[name] = statistics.median(times)
    return medians


def _recompute(store: Any, project: Any, now: Any) -> None:
    """What a cache miss costs: everything the page needs, in a fresh cache."""
    from trustwell.web.pages.status_cache import StatusCache
    from trustwell.web.pages.status_pages import RECENT

    StatusCache().get(store, project, now, now - RECENT)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gb = round(int(mem) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        memory_gb = None
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=1_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=24, help="past runs of every check")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 8], help="clients per level"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level (max)")
    parser.add_argument("--requests", type=int, default=2_000, help="requests per level (max)")
    parser.add_argument("--warmup", type=int, default=20, help="requests before measuring")
    parser.add_argument("--path", default="/", help="the page to load")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project", type=Path, help="keep the project here (default: temp)")
    parser.add_argument(
        "--reuse", action="store_true", help="use the --project folder as built by a previous run"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the page in-process")
    parser.add_argument("--no-load", action="store_true", help="skip the load (with --profile)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args(argv)

    watchdog = threading.Timer(HARD_LIMIT_S, _give_up)
    watchdog.daemon = True
    watchdog.start()

    temp = None
    if args.project is None:
        temp = Path(tempfile.mkdtemp(prefix="trustwell-load-"))
        root = temp / "project"
    else:
        root = args.project
        if root.exists() and not args.reuse:
            shutil.rmtree(root)
    try:
        began = time.perf_counter()
        assets = plan_assets(args.assets, args.seed)
        built = root / "built.json"
        if args.reuse and built.is_file():
            filled = json.loads(built.read_text())
        else:
            write_project(root, assets)
            filled = fill_store(root, assets, args.runs, args.incidents, args.seed)
            filled["assets"] = len(assets)
            built.write_text(json.dumps(filled))
        print(
            f"project: {filled['assets']} assets, {filled['results']:,} results in"
            f" {filled['runs']} runs, {filled['incidents']:,} incidents,"
            f" use cases {filled.get('certified')}"
            f" (ready in {time.perf_counter() - began:.1f} s)",
            flush=True,
        )
        if args.no_load:
            if args.profile:
                print(profile_page(root, 30))
            return 0
        levels = []
        with serve(root, root / "serve.log") as url:
            with httpx.Client(base_url=url, timeout=60) as http:
                first = http.get(args.path)
                if first.status_code != 200:
                    raise RuntimeError(f"GET {args.path}: HTTP {first.status_code}")
                page = first.text
                for _ in range(max(0, args.warmup - 1)):
                    http.get(args.path)
            print(
                f"GET {args.path}: {len(first.content):,} bytes, "
                f"{page.count('<tr>') - 1} asset rows, "
                f"{page.count(CARD)} incident cards",
                flush=True,
            )
            print(
                f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
                f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
            )
            for concurrency in args.concurrency:
                level = summary(
                    closed_loop(url, args.path, concurrency, args.duration, args.requests)
                )
                levels.append(level)
                lat = level["latency_ms"]
                print(
                    f"{concurrency:>7} {level['requests']:>8} {level['errors']:>6} "
                    f"{level['requests_per_second']:>7} {lat['p50']:>8} {lat['p95']:>8} "
                    f"{lat['p99']:>8}",
                    flush=True,
                )
        result = {
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "path": args.path,
            "machine": machine(),
            "data": filled,
            "duration_limit_s": args.duration,
            "request_limit": args.requests,
            "levels": levels,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")
        if args.profile:
            print(profile_page(root, 25))
        return 1 if any(level["errors"] for level in levels) else 0
    finally:
        watchdog.cancel()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _give_up() -> None:
    print(f"load run: gave up after {HARD_LIMIT_S} s", file=sys.stderr, flush=True)
    for process in _SERVERS:
        process.kill()
    os._exit(3)


if __name__ == "__main__":
    sys.exit(main())
