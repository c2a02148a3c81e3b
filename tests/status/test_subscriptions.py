"""Subscribing to an asset from the page or the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trustwell.config.models import Project
from trustwell.status import UnknownAsset
from trustwell.status.subscriptions import (
    assets_with_subscribers,
    extra_subscribers,
    subscribe,
    subscribers,
    unsubscribe,
)
from trustwell.store import Store
from trustwell.store.web_tables import audit_log


def test_subscribe_is_idempotent_audited_and_merged_with_yaml(
    store: Store, project: Project
) -> None:
    assert subscribe(store, project, "marts.kpi", " CFO@acme.test ", actor="alice").created
    assert not subscribe(store, project, "marts.kpi", "cfo@acme.test", actor="alice").created
    assert subscribe(store, project, "marts.kpi", "finance@acme.test", actor="bob").created
    assert subscribers(store, project, "marts.kpi") == ["finance@acme.test", "cfo@acme.test"]
    with store.engine.connect() as conn:
        audit = conn.execute(sa.select(audit_log.c.actor, audit_log.c.action)).all()
        assert extra_subscribers(conn, ["marts.kpi", "raw.feed"]) == {
            "marts.kpi": ["cfo@acme.test", "finance@acme.test"]
        }
        merged = assets_with_subscribers(conn, {a.name: a for a in project.assets})
    assert audit == [("alice", "subscription.created"), ("bob", "subscription.created")]
    assert merged["marts.kpi"].subscribers == ["finance@acme.test", "cfo@acme.test"]
    assert project.asset("marts.kpi").subscribers == ["finance@acme.test"]  # type: ignore[union-attr]


def test_unsubscribe_removes_only_stored_subscriptions(store: Store, project: Project) -> None:
    subscribe(store, project, "raw.feed", "ana@acme.test", actor="ana")
    assert unsubscribe(store, project, "raw.feed", "ana@acme.test", actor="ana") is True
    assert unsubscribe(store, project, "raw.feed", "ana@acme.test", actor="ana") is False
    assert subscribers(store, project, "raw.feed") == []


def test_bad_asset_or_address_is_refused(store: Store, project: Project) -> None:
    with pytest.raises(UnknownAsset) as raised:
        subscribe(store, project, "raw.fed", "ana@acme.test", actor="ana")
    assert str(raised.value) == "unknown asset 'raw.fed': did you mean 'raw.feed'?"
    with pytest.raises(ValueError) as bad:
        subscribe(store, project, "raw.feed", "not an address", actor="ana")
    assert str(bad.value) == "'not an address' is not an email address"
