"""Data-quality debt (SPEC 5): what the project owes its data, ranked by interest.

>>> from trustwell.debt.service import debt_report
>>> found = debt_report(store, project)
>>> found.total.interest, [i.id for i in found.items][:2]
(23.0, ['check_failing:raw.feed/freshness', 'orders-backfill'])

:mod:`~trustwell.debt.model` (items, ranking, totals) and
:mod:`~trustwell.debt.derive` (debt from facts) are pure;
:mod:`~trustwell.debt.service` reads the facts; :mod:`~trustwell.debt.files`
reads ``debt/*.yml``.
"""
