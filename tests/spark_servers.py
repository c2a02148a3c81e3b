"""Real Spark servers on 127.0.0.1 for a test session: Spark Connect, and a standalone cluster.

Both run from pyspark's own package (its ``bin/`` scripts and bundled jars,
``SPARK_HOME`` pointed at it) as child processes whose logs go to a temp dir;
each is ready once its log says so, and raises with the log's tail when it
dies or takes too long. Every address they bind is the loopback one
(``SPARK_LOCAL_IP``, ``spark.driver.host``), every port a free one. They need
Java like the local session (:func:`spark_local.start_session`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spark_local import JavaUnavailable, java_available

LOOPBACK = "127.0.0.1"
_READY_SECONDS = 180  # a JVM start on a loaded 2-core machine can take a minute
_CONNECT_SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"


class SparkServerFailed(RuntimeError):
    """A Spark server did not start."""


@dataclass
class SparkProcess:
    """One started JVM (server, master or worker) and its log."""

    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@dataclass
class ConnectServer:
    """A Spark Connect server (local[2] inside) and the ``sc://`` URL clients use."""

    port: int
    jvm: SparkProcess

    @property
    def url(self) -> str:
        return f"sc://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        self.jvm.stop()


@dataclass
class StandaloneCluster:
    """A standalone master and one worker; ``url`` is the ``spark://`` master URL."""

    port: int
    jvms: list[SparkProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"spark://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        for jvm in reversed(self.jvms):  # the worker first
            jvm.stop()


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def start_connect_server(workdir: Path) -> ConnectServer:
    """A Spark Connect server whose catalog's tables live under ``workdir``."""
    port = free_port()
    settings = {
        "spark.connect.grpc.binding.address": LOOPBACK,
        "spark.connect.grpc.binding.port": str(port),
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.sql.warehouse.dir": str(workdir / "warehouse"),
    }
    command = [str(spark_home() / "bin" / "spark-submit"), "--master", "local[2]"]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    command += ["--class", _CONNECT_SERVER, "spark-internal"]
    # spark-submit starts this server class as a daemon: SPARK_DAEMON_MEMORY is its heap.
    jvm = _start(
        command, workdir / "connect-server.log", r"Spark Connect server started at", memory="768m"
    )
    return ConnectServer(port, jvm)


def start_standalone_cluster(workdir: Path) -> StandaloneCluster:
    """A master and one worker (1 core, 1 GiB for executors), both on 127.0.0.1."""
    cluster = StandaloneCluster(free_port())
    spark_class = str(spark_home() / "bin" / "spark-class")
    try:
        cluster.jvms.append(
            _start(
                [
                    *(spark_class, "org.apache.spark.deploy.master.Master", "--host", LOOPBACK),
                    *("--port", str(cluster.port), "--webui-port", str(free_port())),
                ],
                workdir / "master.log",
                r"I have been elected leader",
            )
        )
        (workdir / "worker").mkdir(exist_ok=True)
        cluster.jvms.append(
            _start(
                [
                    *(spark_class, "org.apache.spark.deploy.worker.Worker", cluster.url),
                    *("--host", LOOPBACK, "--cores", "1", "--memory", "1g"),
                    *("--webui-port", str(free_port()), "--work-dir", str(workdir / "worker")),
                ],
                workdir / "worker.log",
                r"Successfully registered with master",
            )
        )
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start(command: list[str], log: Path, ready: str, memory: str = "256m") -> SparkProcess:
    if not java_available():
        raise JavaUnavailable("java not found: run scripts/bootstrap (openjdk-17-jre-headless)")
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_DAEMON_MEMORY": memory,
        "SPARK_LOG_DIR": str(log.parent),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=log.parent
        )
    jvm = SparkProcess(process, log)
    pattern = re.compile(ready)
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if pattern.search(text):
            return jvm
        if process.poll() is not None:
            raise SparkServerFailed(f"{command[-1]} exited {process.returncode}:\n{text[-3000:]}")
        time.sleep(0.25)
    jvm.stop()
    raise SparkServerFailed(
        f"not ready in {_READY_SECONDS}s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def connect_session(url: str) -> Any:
    """A new Spark Connect client session, as :func:`trustwell.engines.spark_session`
    builds them (the Connect client's builder: the process stays out of Connect mode)."""
    from pyspark.sql.connect.session import SparkSession

    return SparkSession.builder.remote(url).create()
