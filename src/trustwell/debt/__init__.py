"""Data-quality debt (SPEC 5): what the project owes its data, ranked by interest.

>>> from trustwell.debt.service import debt_report
>>> found = debt_report(store, project)                      # doctest: +SKIP
>>> [i.id for i in found.items][:2], found.teams["growth"].interest   # doctest: +SKIP
(['orders-backfill', 'check_failing:raw.orders/not_null:id'], 9.0)

:mod:`~trustwell.debt.model` (items, ranking, totals) and
:mod:`~trustwell.debt.derive` (debt from facts) are pure;
:mod:`~trustwell.debt.service` reads the facts; :mod:`~trustwell.debt.files`
reads ``debt/*.yml``.
"""
