"""Incident metrics: time to detect, acknowledge and resolve, recurrence, detection sources.

:mod:`trustwell.metrics.compute` is pure (and imported here);
:mod:`trustwell.metrics.service` reads the store, so import it where needed:

>>> from trustwell.metrics.service import incident_metrics
>>> incident_metrics(store, project)["ttr"]
{'median_seconds': 5400.0, 'p90_seconds': 14400.0}
"""

from trustwell.metrics.compute import (
    MetricIncident,
    compute_metrics,
    estimate_occurred_at,
    quantile,
    recurring_ids,
)

__all__ = [
    "MetricIncident",
    "compute_metrics",
    "estimate_occurred_at",
    "quantile",
    "recurring_ids",
]
