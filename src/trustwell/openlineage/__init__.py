"""OpenLineage out: every run's events, queued in the outbox and delivered with its retries.

:mod:`~trustwell.openlineage.events` builds the events (pure);
:mod:`~trustwell.openlineage.queue` queues them with the run and says what
stayed undelivered; the outbox's ``openlineage`` channel
(:mod:`trustwell.notify.channels.openlineage`) sends them over the configured
transport.
"""
