"""OpenLineage in: events from the pipelines become lineage, check results and signals.

:mod:`~trustwell.integrations.openlineage_in.parse` reads one event (pure);
:mod:`~trustwell.integrations.openlineage_in.ingest` stores a batch of them once
each (the lineage store, :func:`~trustwell.integrations.external.record_external`).
It lives under ``integrations`` (not beside the output side in ``openlineage``)
because it records results through the integrations' one entry point, which
sits above the services.
"""
