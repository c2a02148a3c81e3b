"""The SparkSession of a ``type: spark`` warehouse: local, standalone or Spark Connect.

``master: local[N]`` starts Spark inside this process, ``master: spark://…``
joins a standalone cluster (this process is the driver), ``remote: sc://…``
talks to a Spark Connect server (needs ``pyspark[connect]``). A JVM holds one
SparkContext: when this process already runs one (another Spark warehouse, or
a test session), its master must match, and trustwell works in a new session
of it (own temporary views and settings) that it never stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustwell.engines.base import EngineError
from trustwell.engines.spark import LOCKED_CONF

DEFAULT_MASTER = "local[2]"


def open_session(
    *,
    master: str | None = None,
    remote: str | None = None,
    conf: Mapping[str, str] | None = None,
    database: str | None = None,
) -> tuple[Any, bool]:
    """A session for checks and whether the caller owns it (must stop it when done)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "a spark warehouse needs pyspark: pip install 'trustwell[spark]'"
            " (and pyspark[connect] for remote: sc://…)"
        ) from exc
    settings = {**(conf or {}), **LOCKED_CONF}
    try:
        if remote is not None:
            session, owned = _connect(SparkSession, remote, settings), True
        else:
            session, owned = _classic(SparkSession, master or DEFAULT_MASTER, settings)
        if not owned:  # a new session of a running context: the warehouse's runtime settings
            for key, value in settings.items():
                if session.conf.isModifiable(key):
                    session.conf.set(key, value)
        if database is not None:
            session.catalog.setCurrentDatabase(database)
    except EngineError:
        raise
    except Exception as exc:
        message = str(exc).strip().split("\nJVM stacktrace:")[0]
        raise EngineError(f"cannot start the Spark session: {message}") from exc
    return session, owned


def _connect(builder_class: Any, remote: str, settings: Mapping[str, str]) -> Any:
    try:
        import pyspark.sql.connect.session  # noqa: F401  # the client's own imports
    except ImportError as exc:
        raise EngineError(
            # Not the URL itself: it may hold the token.
            "a Spark Connect warehouse (remote:) needs the Spark Connect client:"
            " pip install 'pyspark[connect]'"
        ) from exc
    builder = builder_class.builder.remote(remote)
    return builder.config(map=dict(settings)).create()


def _classic(builder_class: Any, master: str, settings: Mapping[str, str]) -> tuple[Any, bool]:
    from pyspark import SparkContext

    running = SparkContext._active_spark_context
    if running is not None:
        if running.master != master:
            raise EngineError(
                f"this process already runs Spark with master {running.master!r}, not"
                f" {master!r}: one local or standalone Spark per process (use Spark Connect,"
                " remote: sc://…, to reach several clusters)"
            )
        active = builder_class.getActiveSession() or builder_class.builder.getOrCreate()
        return active.newSession(), False
    builder = builder_class.builder.master(master).appName("trustwell")
    builder = builder.config("spark.ui.enabled", "false").config(map=dict(settings))
    session = builder.getOrCreate()
    # Spark's own log repeats, with stack traces, the errors that checks report.
    session.sparkContext.setLogLevel("FATAL")
    return session, True
