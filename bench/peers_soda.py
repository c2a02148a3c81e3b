"""Soda Core v4 in ``bench_peers.py``: its virtualenv, the 12 checks as a contract, its values.

Soda Core v4 checks a table against a *data contract* (YAML) with
``soda contract verify -ds DATA_SOURCE.yml -c CONTRACT.yml``, which is how its
users run it and what the bench times. It lives in the bench's own virtualenv
``bench/results/venv-soda`` (made on first use from PyPI, as ``bench_drift.py``
does for Evidently), with the DuckDB and PostgreSQL data-source packages.
Telemetry is switched off (``SODA_CORE_TELEMETRY_ENABLED=false``): with it on,
every run tries to send spans to Soda and waits for the retries.

The contract says what ``bench_run.ASSETS_YML`` says, in Soda's words; where
the two languages differ (``docs/benchmarks.md``, "Peers"):

- ``stat distinct_count`` has no Soda check type (``aggregate`` offers avg,
  sum, min, max and lengths): it is a ``metric`` check with the expression
  ``COUNT(DISTINCT customer_id)``;
- ``freshness`` is measured in hours against the contract variable ``NOW``,
  pinned to ``bench_run.NOW`` like ``TRUSTWELL_NOW`` for trustwell;
- thresholds in percent where trustwell's are fractions (0.001 -> 0.1 %).

:func:`values_script` reads the values Soda measured through its Python API
(one extra, untimed run), so that they can be compared with the hand query's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_run import AMOUNT_MAX, AMOUNT_MIN, EMAIL_PATTERN, NOW, RESULTS, STATUSES

VENV = RESULTS / "venv-soda"
SODA_VERSION = "4.28.0"
PACKAGES = [
    f"soda-core=={SODA_VERSION}",
    f"soda-duckdb=={SODA_VERSION}",
    f"soda-postgres=={SODA_VERSION}",
]

CONTRACT = f"""\
dataset: {{dataset}}
variables:
  NOW:
    default: "{NOW.replace("Z", "+00:00")}"
checks:
  - row_count:
      threshold:
        must_be_greater_than_or_equal: 1
  - freshness:
      column: updated_at
      now_variable: NOW
      threshold:
        unit: hour
        must_be_less_than_or_equal: 48
  - metric:
      expression: COUNT(DISTINCT customer_id)
      threshold:
        must_be_greater_than_or_equal: 1
columns:
  - name: order_id
    checks:
      - duplicate:
  - name: customer_id
    checks:
      - missing:
  - name: created_at
    checks:
      - missing:
  - name: status
    checks:
      - invalid:
          valid_values: [{", ".join(STATUSES)}]
          threshold:
            metric: percent
            must_be_less_than_or_equal: 0.1
  - name: amount
    checks:
      - invalid:
          valid_min: {AMOUNT_MIN}
          valid_max: {AMOUNT_MAX}
          threshold:
            metric: percent
            must_be_less_than_or_equal: 1
      - aggregate:
          function: avg
          threshold:
            must_be_between:
              greater_than_or_equal: 1
              less_than_or_equal: {AMOUNT_MAX}
  - name: email
    checks:
      - missing:
          threshold:
            metric: percent
            must_be_less_than_or_equal: 5
      - invalid:
          valid_format:
            name: email
            regex: '{EMAIL_PATTERN}'
          threshold:
            metric: percent
            must_be_less_than_or_equal: 1
  - name: country
    checks:
      - invalid:
          valid_length: 2
"""

VALUES_SCRIPT = """
import json, sys
from soda_core.common.yaml import ContractYamlSource, DataSourceYamlSource
from soda_core.contracts.contract_verification import ContractVerificationSession
result = ContractVerificationSession.execute(
    contract_yaml_sources=[ContractYamlSource.from_file_path(sys.argv[1])],
    data_source_yaml_sources=[DataSourceYamlSource.from_file_path(sys.argv[2])],
)
print(json.dumps([
    {"type": r.check.type, "column": r.check.column_name, "outcome": r.outcome.name,
     "value": r.threshold_value, "diagnostics": r.diagnostic_metric_values}
    for v in result.contract_verification_results for r in v.check_results
], default=str))
"""


def ensure_venv() -> Path:
    """The ``soda`` executable of the bench's virtualenv, made (from PyPI) when missing."""
    soda = VENV / "bin" / "soda"
    if not soda.exists():
        print(f"making {VENV} (Soda Core {SODA_VERSION}, DuckDB and Postgres) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", *PACKAGES]
        subprocess.run(pip, check=True)
    return soda


def environment() -> dict[str, str]:
    return {**os.environ, "SODA_CORE_TELEMETRY_ENABLED": "false", "NO_COLOR": "1"}


def write_duckdb(folder: Path, db_path: Path) -> tuple[Path, Path]:
    """Data source and contract files for the DuckDB file; their paths."""
    source = f"type: duckdb\nname: bench\nconnection:\n  database: {json.dumps(str(db_path))}\n"
    source += "  read_only: true\n"
    return _write(folder, source, f"bench/{db_path.stem}/main/orders")


def write_postgres(folder: Path, port: int, user: str, database: str) -> tuple[Path, Path]:
    """Soda's Postgres source insists on a password: the bench server trusts 127.0.0.1."""
    source = (
        "type: postgres\nname: bench_pg\nconnection:\n  host: 127.0.0.1\n"
        f"  port: {port}\n  user: {user}\n  database: {database}\n"
        "  password: unused\n  sslmode: disable\n"
    )
    return _write(folder, source, f"bench_pg/{database}/public/orders")


def _write(folder: Path, source: str, dataset: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data_source.yml").write_text(source, encoding="utf-8")
    (folder / "contract.yml").write_text(CONTRACT.replace("{dataset}", dataset), encoding="utf-8")
    return folder / "data_source.yml", folder / "contract.yml"


def command(source: Path, contract: Path) -> list[str]:
    """What Soda's users run: the CLI verifying the local contract."""
    return [str(ensure_venv()), "contract", "verify", "-ds", str(source), "-c", str(contract)]


def measured(source: Path, contract: Path) -> list[dict[str, Any]]:
    """Each check's result and the values Soda measured (its Python API, one run)."""
    python = str(VENV / "bin" / "python")
    done = subprocess.run(
        [python, "-c", VALUES_SCRIPT, str(contract), str(source)],
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"Soda's values could not be read:\n{done.stderr[-3000:]}")
    results: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


#: (Soda check type, column, diagnostic) -> the hand-written query's value for it.
EXPECTED: dict[tuple[str, str | None, str], Any] = {
    ("row_count", None, "check_rows_tested"): lambda r: r["row_count"],
    ("missing", "customer_id", "missing_count"): lambda r: r["customer_id_nulls"],
    ("missing", "created_at", "missing_count"): lambda r: r["created_at_nulls"],
    ("duplicate", "order_id", "duplicate_count"): lambda r: r["order_id_duplicates"],
    ("invalid", "status", "invalid_count"): lambda r: r["status_not_accepted"],
    ("invalid", "amount", "invalid_count"): lambda r: r["amount_out_of_range"],
    ("missing", "email", "missing_percent"): lambda r: 100 * r["email_null_fraction"],
    ("invalid", "country", "invalid_count"): lambda r: r["country_bad_length"],
    ("invalid", "email", "invalid_count"): lambda r: r["email_bad_format"],
    ("freshness", None, "freshness_in_hours"): lambda r: r["_freshness_seconds"] / 3600,
    ("aggregate", "amount", "avg"): lambda r: r["amount_mean"],
    ("metric", None, "value"): lambda r: r["distinct_customers"],
}


def mismatches(hand: dict[str, Any], results: list[dict[str, Any]]) -> list[str]:
    """What Soda measured differently from the hand query, and checks that did not pass."""
    import math

    problems = [
        f"soda {r['type']}({r['column']}): {r['outcome']}"
        for r in results
        if r["outcome"] != "PASSED"
    ]
    found = {(r["type"], r["column"]): r for r in results}
    for (kind, column, key), expected_of in EXPECTED.items():
        result = found.get((kind, column))
        if result is None:
            problems.append(f"soda {kind}({column}): no result")
            continue
        got = result["value"] if key == "value" else (result["diagnostics"] or {}).get(key)
        expected = float(expected_of(hand))
        if got is None or not math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"soda {kind}({column}) {key}: {got!r} != hand-written {expected!r}")
    if len(results) != len(EXPECTED):
        problems.append(f"soda ran {len(results)} checks, not {len(EXPECTED)}")
    return problems
