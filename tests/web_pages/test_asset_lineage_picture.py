"""The asset page draws lineage as an SVG: nodes coloured by state, in words too, linked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from trustwell.lineage.model import DatasetRef, Edge
from trustwell.lineage.records import record_edges
from trustwell.status.model import LineageNode, LineagePicture
from trustwell.store import Store
from trustwell.web.pages.lineage_picture import MAX_PER_LAYER, lineage_svg
from web_pages.conftest import login

NS = "duckdb://warehouse"
SEEN = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def picture_of(html: str) -> str:
    return html.split('<svg class="lineage"', 1)[1].split("</svg>", 1)[0]


def nodes_of(svg: str) -> list[tuple[str, str]]:
    """(class, aria-label) of every node, in drawing order."""
    return re.findall(r'<(?:a|g) class="lineage-node ([^"]+)"[^>]*aria-label="([^"]+)"', svg)


def test_the_asset_page_draws_its_upstream_in_incident_red_with_a_link(
    client: TestClient, incident: str
) -> None:
    svg = picture_of(client.get("/assets/marts.kpi").text)
    assert nodes_of(svg) == [
        ("node-incident node-current", "marts.kpi: incident, this asset"),
        ("node-incident", "raw.feed: incident, 1 hop upstream"),
    ]
    assert '<a class="lineage-node node-incident" href="/assets/raw.feed"' in svg
    assert '<title id="lineage-title">Lineage of marts.kpi: 1 upstream, 0 downstream</title>' in svg
    assert svg.count('class="lineage-edge"') == 1
    assert (
        "<ul>"
        not in client.get("/assets/marts.kpi")
        .text.split('id="h-lineage"')[1]
        .split("</section>")[0]
    )  # a picture, not a bullet list


def test_a_reported_edge_and_a_lineage_only_dataset_appear_in_the_picture(
    client: TestClient, store: Store
) -> None:
    login(client, store, "viewer")
    export = DatasetRef("s3://exports", "kpi/weekly.csv")
    edges = [
        Edge(DatasetRef(NS, "other.table"), DatasetRef(NS, "marts.kpi")),
        Edge(DatasetRef(NS, "marts.kpi"), export),
    ]
    store.write(lambda conn: record_edges(conn, edges, "openlineage", seen=SEEN))
    svg = picture_of(client.get("/assets/marts.kpi").text)
    assert nodes_of(svg) == [
        ("node-unknown node-current", "marts.kpi: unknown, this asset"),
        ("node-unknown", "other.table: unknown, 1 hop upstream"),
        ("node-unknown", "raw.feed: unknown, 1 hop upstream"),
        ("node-dataset", "s3://exports/kpi/weekly.csv: dataset, 1 hop downstream"),
    ]
    assert 'href="/assets/other.table"' in svg
    # A long name is cut on the node and whole in its label.
    assert ">s3://exports/kpi/week…</text>" in svg
    assert 'href="/assets/s3' not in svg  # a lineage-only dataset has no page
    assert svg.count('class="lineage-edge"') == 3


def test_an_anonymous_visitor_sees_a_lineage_only_dataset_unnamed(
    client: TestClient, store: Store
) -> None:
    edge = Edge(DatasetRef(NS, "marts.kpi"), DatasetRef("s3://acme-internal", "kpi/weekly.csv"))
    store.write(lambda conn: record_edges(conn, [edge], "openlineage", seen=SEEN))
    page = client.get("/assets/marts.kpi").text
    assert "acme-internal" not in page
    assert ("node-dataset", "other dataset 1: dataset, 1 hop downstream") in nodes_of(
        picture_of(page)
    )


def test_an_asset_without_lineage_says_so_instead_of_a_picture(client: TestClient) -> None:
    page = client.get("/assets/other.table").text
    assert '<svg class="lineage"' not in page
    assert "No upstream or downstream assets known." in page


def test_every_name_in_the_picture_is_escaped() -> None:
    picture = LineagePicture(
        nodes=[
            LineageNode("a", 0, "trusted"),
            LineageNode('s3://x/<script>"', 1, None, lineage_only=True),
        ],
        edges=[("a", 's3://x/<script>"')],
    )
    svg = str(lineage_svg("a", picture))
    assert "<script>" not in svg
    assert ">s3://x/&lt;script&gt;&quot;</text>" in svg


def test_a_wide_layer_shows_a_few_nodes_two_abreast_and_counts_the_rest() -> None:
    below = [LineageNode(f"mart_{i:02}", 1, "trusted") for i in range(MAX_PER_LAYER + 3)]
    svg = str(lineage_svg("raw", LineagePicture([LineageNode("raw", 0, "trusted"), *below])))
    assert len(nodes_of(svg)) == 1 + MAX_PER_LAYER
    assert ">+3 more</text>" in svg
    xs = {float(x) for x in re.findall(r'<rect x="([0-9.]+)"', svg)}
    assert xs == {4.0, 96.0, 188.0}  # two columns inside 360 px, the lone asset centred
    assert 'width="360"' in svg
