"""A deliverer killed mid-delivery loses nothing: the next tick after its lease delivers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from notify_factories import settings
from notify_servers import Receiver

from trustwell.notify.outbox import (
    CLAIM_BATCH,
    LEASE_BASE,
    LEASE_PER_ROW,
    DeliveryReport,
    deliver_due,
    outbox_rows,
)
from trustwell.store import open_store

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

DELIVERER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta
    from pathlib import Path

    from notify_factories import DECLARED, assets, incident, settings, with_entry
    from trustwell.incidents.model import TimelineEntry
    from trustwell.notify import plan_messages
    from trustwell.notify.outbox import deliver_due, enqueue
    from trustwell.store import open_store

    db, url, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
    config = settings({"ops": {"type": "webhook", "url": url}}, incident_channel="ops")
    store = open_store("sqlite:///" + db, Path(db).parent)
    snapshot, messages = incident(), []
    for n in range(5):
        at = DECLARED + timedelta(minutes=n + 1)
        snapshot = with_entry(snapshot, TimelineEntry(at, "alice", "update", f"update {n}"))
        messages += plan_messages("incident.updated", snapshot, config, assets())
    store.write(lambda conn: enqueue(conn, messages, now))
    deliver_due(store, config, now)
    """
)


def test_killed_deliverer_loses_nothing(tmp_path: Path, receiver: Receiver) -> None:
    url = receiver.url + "/hook"
    db = tmp_path / "s.db"
    script = tmp_path / "deliverer.py"
    script.write_text(DELIVERER)
    receiver.hang_on = 3  # the third message's request never gets its answer
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    process = subprocess.Popen(
        [sys.executable, str(script), str(db), url, T0.isoformat()],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert receiver.hanging.wait(60), process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stderr:
            process.stderr.close()
    receiver.release()

    config = settings({"ops": {"type": "webhook", "url": url}}, incident_channel="ops")
    store = open_store("sqlite:///" + str(db), tmp_path)
    try:
        rows = outbox_rows(store)
        assert sorted(r.status for r in rows) == ["pending"] * 3 + ["sent"] * 2
        # The dead process's lease still holds: nobody touches its rows yet.
        assert deliver_due(store, config, T0 + timedelta(minutes=1)) == DeliveryReport()
        after_lease = T0 + LEASE_BASE + LEASE_PER_ROW * CLAIM_BATCH + timedelta(seconds=1)
        assert deliver_due(store, config, after_lease) == DeliveryReport(sent=3)

        rows = outbox_rows(store)
        assert {r.status for r in rows} == {"sent"}
        received = Counter(receiver.deliveries())
        assert set(received) == {r.dedupe_key for r in rows}  # every message arrived
        in_flight = rows[-3].dedupe_key  # newest first: rows[-3] is the third message
        assert received[in_flight] == 2  # the one in flight when the process died, again
        assert all(n == 1 for key, n in received.items() if key != in_flight)
    finally:
        store.close()
