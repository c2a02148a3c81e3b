"""Builds a small dbt project with the real dbt-core and dbt-duckdb (``dbt build``).

Seeds (customers, orders), a source with freshness (payments, made by an
on-run-start hook as a loader would), two models, generic tests, a singular
test, one failing test (``accepted_values`` on ``orders.status``: one order is
``returned``) and an exposure. dbt runs as a subprocess of ``.venv-dbt``'s
``dbt`` (its own venv: dbt-core 1.10 pins libraries the dev tools cannot
share), so its logging and warnings stay out of the test process.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

PROJECT = """\
name: shop
version: "1.0"
profile: shop
config-version: 2
models:
  shop:
    +materialized: table
on-run-start:
  - "create table if not exists main.payments as select 1 as id, 1 as order_id, 10.0 as amount,
     timestamp '2026-11-22 07:00:00' as loaded_at"
"""
PROFILES = """\
shop:
  target: dev
  outputs:
    dev: {type: duckdb, path: "../warehouse.duckdb", threads: 1}
"""
SCHEMA = """\
version: 2
groups:
  - name: finance
    owner: {name: finance, email: finance@example.com}
sources:
  - name: raw
    schema: main
    tables:
      - name: payments
        loaded_at_field: loaded_at
        config:
          freshness:
            warn_after: {count: 12, period: hour}
            error_after: {count: 1, period: day}
models:
  - name: customers
    description: One row per customer.
    config:
      meta: {owner: growth, tier: 1}
    columns:
      - name: id
        description: The customer id.
        data_tests: [not_null, unique]
      - name: tier
        data_tests:
          - accepted_values: {arguments: {values: [gold, silver, bronze]}}
  - name: orders
    description: Orders as placed.
    config:
      group: finance
    columns:
      - name: id
        data_tests: [unique]
      - name: status
        data_tests:
          - accepted_values: {arguments: {values: [placed, shipped]}}
      - name: customer_id
        data_tests:
          - relationships: {arguments: {to: ref('customers'), field: id}}
exposures:
  - name: revenue
    type: dashboard
    owner: {name: finance, email: finance@example.com}
    depends_on: [ref('orders'), ref('customers')]
"""
FILES = {
    "dbt_project.yml": PROJECT,
    "profiles.yml": PROFILES,
    "models/schema.yml": SCHEMA,
    "models/customers.sql": "select id, name, tier from {{ ref('raw_customers') }}\n",
    "models/orders.sql": (
        "select o.id, o.customer_id, o.amount, o.status, p.amount as paid\n"
        "from {{ ref('raw_orders') }} o\n"
        "left join {{ source('raw', 'payments') }} p on p.order_id = o.id\n"
    ),
    "tests/assert_no_negative_amounts.sql": (
        "select * from {{ ref('orders') }} where amount < 0\n"
    ),
    "seeds/raw_customers.csv": "id,name,tier\n1,Ana,gold\n2,Bo,silver\n3,Cy,bronze\n",
    "seeds/raw_orders.csv": (
        "id,customer_id,amount,status\n1,1,10.0,placed\n2,1,20.0,shipped\n"
        "3,2,5.0,placed\n4,3,7.0,returned\n"
    ),
}


@dataclass(frozen=True)
class DbtBuild:
    """What ``dbt build`` left: the warehouse it built and its two artifacts."""

    warehouse: Path
    manifest: Path
    run_results: Path
    output: str


def build(root: Path) -> DbtBuild:
    """Write the dbt project under ``root``/shop and run ``dbt build`` on it."""
    project = root / "shop"
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": "."}
    # dbt lives in .venv-dbt (scripts/bootstrap makes it): it cannot share .venv.
    dbt = Path(__file__).resolve().parents[2] / ".venv-dbt" / "bin" / "dbt"
    assert dbt.is_file(), f"{dbt} is missing: run scripts/bootstrap"
    done = subprocess.run(
        [str(dbt), "build", "--no-use-colors"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # dbt exits 1 because one test fails on purpose; anything worse leaves no run_results.
    assert done.returncode in (0, 1), done.stdout + done.stderr
    target = project / "target"
    return DbtBuild(
        root / "warehouse.duckdb",
        target / "manifest.json",
        target / "run_results.json",
        done.stdout,
    )
