"""Drift baselines: compute a column's value counts once, store them, read the latest version.

``trustwell baseline save NAME --asset A --column C [--where …]`` asks the
asset's warehouse for the column's rows per value (the same aggregate
queries a ``drift`` check sends, with the same NULL/NaN rules), and stores
them as the next version of ``NAME`` in the store's ``baselines`` table
(migration 0010). A ``drift`` check with ``reference: {baseline: NAME}``
reads the latest version through :class:`StoreBaselines`, so the reference
rows are not read again. I/O lives here; the queries are
:mod:`trustwell.checks.drift_sql`'s, the statistics
:mod:`trustwell.checks.drift_stats`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell import clock
from trustwell.checks.compile import relation_for
from trustwell.checks.drift_sql import CURRENT, VALUE, Side, profile_query, rows_of, values_query
from trustwell.checks.outcome import number
from trustwell.config.errors import did_you_mean
from trustwell.errors import Invalid
from trustwell.readonly_sql import UnsafeSql, read_only_condition

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.engines.base import Engine
    from trustwell.store.database import Store

#: A baseline keeps every value's rows: at most this many distinct values.
MAX_VALUES = 100_000


@dataclass(frozen=True)
class SavedBaseline:
    """One stored version of a baseline."""

    name: str
    version: int
    asset: str
    column: str
    where: str | None
    kind: str  # numeric | categorical
    integer: bool
    rows: int
    distinct: int
    saved_at: datetime
    run_id: str | None
    values: list[list[Any]]  # [[value, rows], …] in value order

    def to_json(self, *, with_values: bool = False) -> dict[str, Any]:
        """The documented JSON object (``values`` only when asked: it can be large)."""
        found: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "asset": self.asset,
            "column": self.column,
            "where": self.where,
            "kind": self.kind,
            "integer": self.integer,
            "rows": self.rows,
            "distinct": self.distinct,
            "saved_at": clock.isoformat(self.saved_at),
            "run_id": self.run_id,
        }
        if with_values:
            found["values"] = self.values
        return found


def count_values(
    engine: Engine, project: Project, asset: str, column: str, where: str | None
) -> tuple[str, bool, list[list[Any]]]:
    """(kind, integer, rows per value) of ``asset.column`` over the rows matching ``where``."""
    found = {a.name: a for a in project.assets}
    if asset not in found:
        raise Invalid(f"unknown asset '{asset}'{did_you_mean(asset, list(found))}")
    relation = relation_for(found[asset], engine, project.root)
    columns = engine.describe(relation)
    described = next((c for c in columns if c.name.lower() == column.lower()), None)
    if described is None:
        names = [c.name for c in columns]
        raise Invalid(f"column '{column}' not found in {asset}{did_you_mean(column, names)}")
    if described.type in ("date", "timestamp"):
        raise Invalid(f"drift compares numbers or categories; {column} is a {described.type}")
    numeric = described.type in ("integer", "float", "decimal")
    try:
        condition = read_only_condition(where, engine.dialect, what="where") if where else None
    except UnsafeSql as exc:
        raise Invalid(str(exc)) from None
    sides = [Side(CURRENT, relation, condition)]
    profile = engine.execute(engine.render(profile_query(sides, column, numeric))).records()
    distinct = max((int(number(r["distinct"]) or 0) for r in profile), default=0)
    if distinct > MAX_VALUES:
        raise Invalid(
            f"{asset}.{column} has {distinct:,} distinct values: a baseline keeps at most"
            f" {MAX_VALUES:,}"
        )
    rows = engine.execute(engine.render(values_query(sides, column, numeric))).records()
    counted = [
        [float(r[VALUE]) if numeric else r[VALUE], int(r[rows_of(CURRENT)])]
        for r in rows
        if r[rows_of(CURRENT)]
    ]
    counted.sort(key=lambda pair: (type(pair[0]).__name__, pair[0]))
    kind = "numeric" if numeric else "categorical"
    return kind, described.type == "integer", counted


def save_baseline(
    store: Store,
    project: Project,
    name: str,
    *,
    asset: str,
    column: str,
    where: str | None = None,
    run_id: str | None = None,
) -> SavedBaseline:
    """Compute ``asset.column``'s value counts and store them as the next version of ``name``."""
    from trustwell.engines import connect, warehouse_files

    subject = next((a for a in project.assets if a.name == asset), None)
    if subject is None:
        names = [a.name for a in project.assets]
        raise Invalid(f"unknown asset '{asset}'{did_you_mean(asset, names)}")
    warehouse = project.warehouse_of(subject)
    config = project.settings.warehouses[warehouse]
    with connect(config, project.root, files=warehouse_files(project, warehouse)) as engine:
        kind, integer, values = count_values(engine, project, asset, column, where)
    if not values:
        raise Invalid(
            f"{asset}.{column} has no values to keep (NULL, NaN and infinities are left out)"
        )
    rows = sum(n for _, n in values)
    return store.write(
        lambda conn: _insert(conn, name, asset, column, where, kind, integer, rows, values, run_id)
    )


def _insert(
    conn: Any,
    name: str,
    asset: str,
    column: str,
    where: str | None,
    kind: str,
    integer: bool,
    rows: int,
    values: list[list[Any]],
    run_id: str | None,
) -> SavedBaseline:
    import sqlalchemy as sa

    from trustwell.store.baseline_tables import baselines as table

    latest = conn.execute(sa.select(sa.func.max(table.c.version)).where(table.c.name == name))
    version = (latest.scalar() or 0) + 1
    saved = SavedBaseline(
        name, version, asset, column, where, kind, integer, rows, len(values), clock.now(),
        run_id, values,
    )  # fmt: skip
    conn.execute(
        table.insert().values(
            name=name, version=version, asset=asset, column_name=column, where_sql=where,
            kind=kind, integer=integer, rows=rows, distinct_values=len(values),
            aggregates={"values": values}, run_id=run_id, saved_at=saved.saved_at,
        )
    )  # fmt: skip
    return saved


def _from_row(row: Any) -> SavedBaseline:
    return SavedBaseline(
        row.name, row.version, row.asset, row.column_name, row.where_sql, row.kind,
        bool(row.integer), int(row.rows), int(row.distinct_values), row.saved_at, row.run_id,
        [list(pair) for pair in row.aggregates["values"]],
    )  # fmt: skip


def latest_baseline(store: Store, name: str) -> SavedBaseline | None:
    """The latest version of ``name``, or None."""
    import sqlalchemy as sa

    from trustwell.store.baseline_tables import baselines as table

    query = sa.select(table).where(table.c.name == name).order_by(table.c.version.desc()).limit(1)
    row = store.read(lambda conn: conn.execute(query).first())
    return None if row is None else _from_row(row)


def list_baselines(store: Store) -> list[tuple[SavedBaseline, int]]:
    """Each baseline's latest version and how many versions it has, by name."""
    import sqlalchemy as sa

    from trustwell.store.baseline_tables import baselines as table

    found: dict[str, tuple[SavedBaseline, int]] = {}
    query = sa.select(table).order_by(table.c.name, table.c.version)
    for row in store.read(lambda conn: conn.execute(query).all()):
        found[row.name] = (_from_row(row), row.version)
    return list(found.values())


class StoreBaselines:
    """The :class:`~trustwell.checks.context.BaselineSource` of a run: the store's latest versions.

    Baselines are named across the project: ``asset`` (the checked asset) does
    not narrow the lookup, a baseline of another asset is a valid reference.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._read: dict[str, Mapping[str, Any] | None] = {}  # by name: read once per run

    def baseline(self, asset: str, name: str) -> Mapping[str, Any] | None:
        if name not in self._read:
            saved = latest_baseline(self.store, name)
            self._read[name] = None if saved is None else saved.to_json(with_values=True)
        return self._read[name]
