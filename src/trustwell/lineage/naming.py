"""Which asset an OpenLineage dataset is. Pure.

An asset with an ``openlineage: {namespace, name}`` alias is exactly that
dataset. Without an alias an asset is, in any namespace, the dataset named
like the asset or like its table (``table:``, else the asset's name). A
dataset that maps to no asset, or to two, is a lineage-only node.

>>> index = AssetIndex.from_assets(project.assets)
>>> index.asset_for("duckdb://warehouse", "marts.revenue")
'marts.revenue'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class _Alias(Protocol):
    @property
    def namespace(self) -> str: ...
    @property
    def name(self) -> str: ...


class _Asset(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def table_name(self) -> str: ...
    @property
    def openlineage(self) -> _Alias | None: ...


@dataclass(frozen=True)
class AssetIndex:
    """The project's assets by OpenLineage alias and by default name."""

    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_assets(cls, assets: Iterable[_Asset]) -> AssetIndex:
        """Index ``assets`` (config models or anything with the same three attributes)."""
        aliases: dict[tuple[str, str], str] = {}
        by_name: dict[str, set[str]] = {}
        for asset in assets:
            if asset.openlineage is not None:
                aliases[(asset.openlineage.namespace, asset.openlineage.name)] = asset.name
                continue  # an alias replaces the default naming
            for name in {asset.name, asset.table_name}:
                by_name.setdefault(name, set()).add(asset.name)
        # Two assets reading one table (on two warehouses) cannot be told apart by name.
        names = {n: next(iter(found)) for n, found in by_name.items() if len(found) == 1}
        return cls(aliases, names)

    def asset_for(self, namespace: str, name: str) -> str | None:
        """The asset the dataset ``namespace`` + ``name`` is, or None (a lineage-only node)."""
        return self.aliases.get((namespace, name)) or self.names.get(name)
