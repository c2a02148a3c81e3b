"""Asset states and the asset page, from runs recorded on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.conftest import Warehouse
from trustwell.checks.service import run_project
from trustwell.config.models import Project
from trustwell.incidents.service import declare, set_status
from trustwell.status import UnknownAsset
from trustwell.status.detail import asset_detail
from trustwell.status.state import asset_states
from trustwell.status.subscriptions import subscribe
from trustwell.store import Store


def states(store: Store, project: Project) -> dict[str, tuple[str, str]]:
    return {s.asset: (s.state, s.reason) for s in asset_states(store, project)}


def test_never_run_assets_are_unknown(store: Store, project: Project) -> None:
    assert {name: state for name, (state, _) in states(store, project).items()} == {
        "raw.feed": "unknown",
        "marts.kpi": "unknown",
        "other.table": "unknown",
    }


def test_healthy_run_makes_every_asset_trusted(store: Store, project: Project) -> None:
    run_project(project)
    found = asset_states(store, project)
    assert [(s.asset, s.state) for s in found] == [
        ("raw.feed", "trusted"),
        ("marts.kpi", "trusted"),
        ("other.table", "trusted"),
    ]
    feed = found[0]
    assert feed.reason == "2 checks passed at 09:00"
    assert (feed.tier, feed.owner, feed.failing, feed.incident) == (3, "data-platform", [], None)


def test_failing_feed_puts_it_and_its_downstream_mart_in_incident(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    found = {s.asset: s for s in asset_states(store, project)}
    assert found["raw.feed"].state == "incident"
    assert found["raw.feed"].reason == "INC-1 is open on this asset"
    assert found["raw.feed"].failing == ["freshness:loaded_at"]
    assert (found["marts.kpi"].state, found["marts.kpi"].incident) == ("incident", "INC-1")
    assert found["marts.kpi"].reason == "part of INC-1 upstream (raw.feed)"
    assert found["other.table"].state == "trusted"


def test_dismissed_incident_leaves_a_failing_check_as_warning(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    set_status(store, project, "INC-1", "dismissed", actor="alice")
    found = {s.asset: s for s in asset_states(store, project)}
    assert found["raw.feed"].state == "warning"
    assert found["raw.feed"].reason == "freshness:loaded_at failing since 09:00"
    assert found["marts.kpi"].state == "trusted"


def test_a_warning_check_makes_the_asset_warning(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-21 12:00:00")  # 21h old: warns after 20h
    run_project(project)
    assert states(store, project)["raw.feed"] == (
        "warning",
        "freshness:loaded_at warning since 09:00",
    )


def test_old_runs_make_assets_stale(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_project(project)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T11:00:00Z")
    assert states(store, project)["other.table"] == (
        "stale",
        "last checked Sun 22 Nov 09:00, more than 25h ago",
    )


def test_manual_incident_upstream_reaches_downstream_asset(store: Store, project: Project) -> None:
    run_project(project)
    declare(store, project, asset="raw.feed", title="Vendor outage", actor="alice")
    assert states(store, project)["marts.kpi"][0] == "incident"


def test_asset_detail_has_checks_history_lineage_incidents_and_subscribers(
    store: Store, project: Project, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_project(project)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=2)
    run_project(project)
    subscribe(store, project, "marts.kpi", "cfo@acme.test", actor="alice")
    detail = asset_detail(store, project, "marts.kpi")
    assert detail.state.state == "incident"
    assert (detail.upstream, detail.downstream) == (["raw.feed"], [])
    (check,) = detail.checks
    assert check.name == "row_count"
    assert [value for _, value in check.values] == [3.0, 2.0]
    assert check.latest is not None and check.latest.status == "fail"
    assert [(i.id, i.impact, i.status) for i in detail.incidents] == [("INC-1", "root", "declared")]
    assert detail.subscribers == ["finance@acme.test", "cfo@acme.test"]
    assert asset_detail(store, project, "raw.feed").downstream == ["marts.kpi"]


def test_unknown_asset_names_the_nearest(store: Store, project: Project, project_dir: Path) -> None:
    with pytest.raises(UnknownAsset) as raised:
        asset_detail(store, project, "marts.kpj")
    assert str(raised.value) == "unknown asset 'marts.kpj': did you mean 'marts.kpi'?"
