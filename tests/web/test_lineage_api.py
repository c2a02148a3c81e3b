"""``GET /api/v1/lineage``: the nodes and edges of an asset's lineage, as ``trustwell lineage``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner
from web_site import LiveServer, api_error, ok_json

from trustwell.cli.app import create_app
from trustwell.lineage.model import DatasetRef, Edge, RunRef
from trustwell.lineage.records import record_edges

NS = "duckdb://warehouse"
SEEN = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
EXPORT = DatasetRef("s3://exports", "kpi/weekly.csv")


def report_edges(server: LiveServer) -> None:
    edges = [
        Edge(DatasetRef(NS, "other.table"), DatasetRef(NS, "marts.kpi")),
        Edge(DatasetRef(NS, "raw.feed"), DatasetRef(NS, "marts.kpi")),  # also declared
        Edge(DatasetRef(NS, "marts.kpi"), EXPORT),
    ]
    server.store.write(
        lambda conn: record_edges(conn, edges, "openlineage", run=RunRef("r-1"), seen=SEEN)
    )


def asset_node(name: str, distance: int, tier: int, owner: str) -> dict[str, object]:
    return {
        "name": name,
        "distance": distance,
        "lineage_only": False,
        "namespace": NS,  # each was reported as an OpenLineage dataset
        "dataset": name,
        "tier": tier,
        "owner": owner,
        "consumers": [],
        "state": "unknown",
        "reason": "never checked",
    }


def test_upstream_lineage_lists_nodes_with_distance_tier_owner_state_and_each_edges_origins(
    server: LiveServer,
) -> None:
    report_edges(server)
    body = ok_json(
        server.as_("viewer").get(
            "/api/v1/lineage", params={"asset": "marts.kpi", "direction": "upstream"}
        )
    )
    assert body == {
        "asset": "marts.kpi",
        "direction": "upstream",
        "depth": None,
        "nodes": [
            asset_node("marts.kpi", 0, 1, "growth-analytics"),
            asset_node("other.table", 1, 2, "growth-analytics"),
            asset_node("raw.feed", 1, 3, "data-platform"),
        ],
        "edges": [
            {"upstream": "other.table", "downstream": "marts.kpi", "origins": ["openlineage"]},
            {"upstream": "raw.feed", "downstream": "marts.kpi", "origins": ["openlineage", "yaml"]},
        ],
    }


def test_downstream_lineage_shows_a_lineage_only_dataset_and_stops_at_the_depth(
    server: LiveServer,
) -> None:
    report_edges(server)
    body = ok_json(
        server.as_("viewer").get(
            "/api/v1/lineage", params={"asset": "raw.feed", "direction": "downstream", "depth": 1}
        )
    )
    assert [(n["name"], n["distance"]) for n in body["nodes"]] == [
        ("raw.feed", 0),
        ("marts.kpi", 1),
    ]
    deeper = ok_json(
        server.as_("viewer").get(
            "/api/v1/lineage", params={"asset": "raw.feed", "direction": "downstream"}
        )
    )
    export = deeper["nodes"][-1]
    assert (export["name"], export["distance"], export["lineage_only"]) == (
        "s3://exports/kpi/weekly.csv",
        2,
        True,
    )
    assert (export["namespace"], export["dataset"], export["state"], export["tier"]) == (
        "s3://exports",
        "kpi/weekly.csv",
        None,
        None,
    )


def test_the_api_and_the_command_return_the_same_document(server: LiveServer) -> None:
    report_edges(server)
    for direction in ("upstream", "downstream"):
        api = ok_json(
            server.as_("viewer").get(
                "/api/v1/lineage", params={"asset": "marts.kpi", "direction": direction}
            )
        )
        result = CliRunner().invoke(
            create_app(),
            ["lineage", "marts.kpi", f"--{direction}", "--format", "json", "--project",
             str(server.root)],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == api


def test_an_unknown_asset_is_a_404_naming_the_nearest_asset(server: LiveServer) -> None:
    response = server.as_("viewer").get(
        "/api/v1/lineage", params={"asset": "mart.kpi", "direction": "upstream"}
    )
    message = api_error(response, 404, "not_found")
    assert message == "unknown asset 'mart.kpi': did you mean 'marts.kpi'?"


def test_lineage_needs_a_token_and_a_known_direction(server: LiveServer) -> None:
    params = {"asset": "marts.kpi", "direction": "upstream"}
    assert server.anonymous().get("/api/v1/lineage", params=params).status_code == 401
    sideways = {"asset": "marts.kpi", "direction": "sideways"}
    assert server.as_("viewer").get("/api/v1/lineage", params=sideways).status_code == 422
