"""``trustwell run`` against a real standalone Spark cluster (``master: spark://…``).

The test session's cluster (a master and one worker on 127.0.0.1, see
``tests/spark_servers.py``) runs the executors; the ``trustwell run`` process
is the driver. It runs in a subprocess: a process holds one SparkContext, and
the test process may already run the local session's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from spark_servers import LOOPBACK, StandaloneCluster

SETTINGS = """\
name: cluster
warehouses:
  cluster:
    type: spark
    master: "{master}"
    timeout: 5m
    conf:
      spark.driver.host: "{host}"
      spark.driver.bindAddress: "{host}"
      spark.executor.memory: 512m
      spark.cores.max: "1"
"""

ASSETS = """\
assets:
  - name: parcels
    path: data/parcels.parquet
    checks:
      - {type: row_count, min: 4}
      - {type: not_null, column: weight}
      - {type: unique, column: id}
  - name: depots
    path: data/depots.csv
    checks:
      - {type: accepted_values, column: country, values: [DE, FR]}
  - name: numbers
    query: "select id, id % 7 as bucket from range(1000)"
    checks:
      - {type: stat, column: id, stat: sum, min: 499500, max: 499500}
      - {type: unique, column: id}
      - {type: range, column: bucket, min: 0, max: 5}
"""


def _project(root: Path, cluster: StandaloneCluster) -> Path:
    data = root / "data"
    data.mkdir()
    with duckdb.connect() as writer:
        writer.execute(
            "COPY (SELECT * FROM (VALUES (1, 2.5), (2, NULL), (3, 7.0), (3, 1.0)) t(id, weight))"
            f" TO '{data / 'parcels.parquet'}' (FORMAT parquet)"
        )
    (data / "depots.csv").write_text("depot,country\nBER,DE\nPAR,FR\nAMS,NL\n")
    (root / "trustwell.yml").write_text(SETTINGS.format(master=cluster.url, host=LOOPBACK))
    (root / "assets").mkdir()
    (root / "assets" / "cluster.yml").write_text(ASSETS)
    return root


def test_run_on_a_standalone_cluster_checks_files_and_queries(
    spark_cluster: StandaloneCluster, tmp_path: Path
) -> None:
    project = _project(tmp_path, spark_cluster)
    env = {**os.environ, "TRUSTWELL_NOW": "2026-11-22T09:00:00Z", "SPARK_LOCAL_IP": LOOPBACK}
    done = subprocess.run(
        [sys.executable, "-m", "trustwell", "run", "--project", str(project), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )

    assert done.returncode == 1, done.stderr[-3000:]  # some checks fail, by design
    document = json.loads(done.stdout)
    assert [(r["asset"], r["check"], r["status"], r["value"]) for r in document["results"]] == [
        ("parcels", "row_count", "pass", 4),
        ("parcels", "not_null:weight", "fail", 1),
        ("parcels", "unique:id", "fail", 1),  # id 3 twice
        ("depots", "accepted_values:country", "fail", 1),  # NL
        ("numbers", "stat:sum(id)", "pass", 499500),
        ("numbers", "unique:id", "pass", 0),
        ("numbers", "range:bucket", "fail", 142),  # id % 7 = 6 for 142 of 0..999
    ]
    # The cluster's worker ran an executor for this run (the work was not done locally).
    worker_dir = next(j.log.parent for j in spark_cluster.jvms if j.log.name == "worker.log")
    applications = list((worker_dir / "worker").glob("app-*"))
    assert len(applications) == 1
    assert list(applications[0].glob("*/stderr"))
