"""The SparkSession of a ``type: spark`` warehouse: local, standalone or Spark Connect.

``master: local[N]`` starts Spark inside this process, ``master: spark://…``
joins a standalone cluster (this process is the driver), ``remote: sc://…``
talks to a Spark Connect server (needs ``trustwell[spark-connect]``; no JVM in
this process). A JVM holds one SparkContext: when this process already runs
one (another Spark warehouse, or a test session), its master must match, and
trustwell works in a new session of it (own temporary views and settings). A
context trustwell started is stopped when the last engine on it closes
(``trustwell serve`` may run two checks at once); one it found running is
never stopped. Spark Connect sessions are each their own, stopped on close.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from trustwell.engines.base import EngineError

DEFAULT_MASTER = "local[2]"
#: Settings the engine puts on its session: timestamps read and shown in UTC, and no
#: query of files by path (``parquet.`/x```): the files a check reads are the views of
#: the ``path:`` assets. A statement cannot change them back (SET is refused).
LOCKED_CONF = {"spark.sql.session.timeZone": "UTC", "spark.sql.runSQLOnFiles": "false"}
_LOCK = threading.Lock()
_started: dict[str, Any] = {}  # "context": the SparkContext trustwell started, if running
_users = [0]  # engines open on that context


def open_session(
    *,
    master: str | None = None,
    remote: str | None = None,
    conf: Mapping[str, str] | None = None,
    database: str | None = None,
) -> tuple[Any, Callable[[], None] | None]:
    """A session for checks, and what to call when done with it (None: nothing)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "a spark warehouse needs pyspark: pip install 'trustwell[spark]'"
            " (or 'trustwell[spark-connect]' for remote: sc://…)"
        ) from exc
    settings = {**(conf or {}), **LOCKED_CONF}
    release: Callable[[], None] | None = None
    try:
        if remote is not None:
            session = _connect(remote, settings)
            release = session.stop
        else:
            session, release = _classic(SparkSession, master or DEFAULT_MASTER, settings)
            # A new session of a running context: the warehouse's runtime settings.
            for key, value in settings.items():
                if session.conf.isModifiable(key):
                    session.conf.set(key, value)
        if database is not None:
            session.catalog.setCurrentDatabase(database)
    except Exception as exc:
        if release is not None:
            release()
        if isinstance(exc, EngineError):
            raise
        message = str(exc).strip().split("\nJVM stacktrace:")[0]
        raise EngineError(f"cannot start the Spark session: {message}") from exc
    return session, release


def _connect(remote: str, settings: Mapping[str, str]) -> Any:
    """A new Spark Connect session (each call its own, with its own views and settings).

    Built with the Connect client's own builder: pyspark's common one would mark
    the whole process as Spark Connect (``SPARK_CONNECT_MODE_ENABLED``), after
    which a ``master:`` warehouse in the same process could no longer start.
    """
    try:
        with warnings.catch_warnings():
            # The client checks pandas on import and warns about pandas 3, which
            # trustwell does not use through it (rows come back as Arrow, then Rows).
            warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
            from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError as exc:
        raise EngineError(
            # Not the URL itself: it may hold the token.
            "a Spark Connect warehouse (remote:) needs the Spark Connect client:"
            " pip install 'trustwell[spark-connect]'"
        ) from exc
    return ConnectSession.builder.remote(remote).config(map=dict(settings)).create()


def _classic(
    builder_class: Any, master: str, settings: Mapping[str, str]
) -> tuple[Any, Callable[[], None] | None]:
    from pyspark import SparkContext

    with _LOCK:
        running = SparkContext._active_spark_context
        if running is None:
            builder = builder_class.builder.master(master).appName("trustwell")
            builder = builder.config("spark.ui.enabled", "false").config(map=dict(settings))
            root = builder.getOrCreate()
            # Spark's own log repeats, with stack traces, the errors that checks report.
            root.sparkContext.setLogLevel("FATAL")
            _started["context"], _users[0] = root.sparkContext, 0
        elif running.master != master:
            raise EngineError(
                f"this process already runs Spark with master {running.master!r}, not"
                f" {master!r}: one local or standalone Spark per process (use Spark Connect,"
                " remote: sc://…, to reach several clusters)"
            )
        context = SparkContext._active_spark_context
        active = builder_class.getActiveSession() or builder_class.builder.getOrCreate()
        session = active.newSession()
        if _started.get("context") is not context:
            return session, None  # the caller's Spark: never stopped here
        _users[0] += 1
        return session, _release


def _release() -> None:
    """One engine fewer on trustwell's SparkContext; the last one stops it."""
    with _LOCK:
        _users[0] -= 1
        context = _started.get("context")
        if _users[0] == 0 and context is not None:
            del _started["context"]
            context.stop()
