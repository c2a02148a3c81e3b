"""Which asset an OpenLineage dataset is: its alias, else its name or table, else none."""

from __future__ import annotations

from trustwell.config.models import Asset
from trustwell.lineage.naming import AssetIndex

ORDERS = Asset.model_validate({"name": "orders", "table": "shop.orders"})
REVENUE = Asset.model_validate(
    {"name": "marts.revenue", "openlineage": {"namespace": "postgres://db:5432", "name": "a.b.c"}}
)


def test_an_alias_maps_exactly_its_dataset_and_replaces_the_default_name() -> None:
    index = AssetIndex.from_assets([ORDERS, REVENUE])
    assert index.asset_for("postgres://db:5432", "a.b.c") == "marts.revenue"
    assert index.asset_for("postgres://other:5432", "a.b.c") is None
    assert index.asset_for("postgres://db:5432", "marts.revenue") is None


def test_without_an_alias_the_asset_name_or_its_table_maps_in_any_namespace() -> None:
    index = AssetIndex.from_assets([ORDERS, REVENUE])
    assert index.asset_for("duckdb://warehouse", "orders") == "orders"
    assert index.asset_for("s3://bucket", "shop.orders") == "orders"
    assert index.asset_for("duckdb://warehouse", "raw.events") is None


def test_two_assets_on_one_table_leave_the_dataset_lineage_only() -> None:
    twin = Asset.model_validate({"name": "orders_eu", "table": "shop.orders"})
    index = AssetIndex.from_assets([ORDERS, twin])
    assert index.asset_for("duckdb://warehouse", "shop.orders") is None
    assert index.asset_for("duckdb://warehouse", "orders_eu") == "orders_eu"
