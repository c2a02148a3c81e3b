"""Results carry ``unit`` and ``details`` through the API: run response, results, asset page."""

from __future__ import annotations

from web_site import LiveServer, load_warehouse, ok_json

API = "/api/v1"
LATEST = {"latest": "2026-11-20T06:00:00Z"}


def test_details_are_stored_and_in_every_result_object_of_the_api(server: LiveServer) -> None:
    load_warehouse(server.root, feed_loaded_at="2026-11-20 06:00:00")
    responder, viewer = server.as_("responder"), server.as_("viewer")
    run = ok_json(responder.post(f"{API}/runs", json={"assets": ["raw.feed"]}), 201)
    by_check = {r["check"]: r for r in run["results"]}
    freshness, unique = by_check["freshness:loaded_at"], by_check["unique:id"]
    assert (freshness["unit"], freshness["details"]) == ("duration", LATEST)
    assert (unique["unit"], unique["details"]) == ("rows", None)

    stored = ok_json(
        viewer.get(f"{API}/assets/raw.feed/results", params={"check": "freshness:loaded_at"})
    )
    assert [(r["status"], r["details"]) for r in stored] == [("fail", LATEST)]

    page = ok_json(viewer.get(f"{API}/assets/raw.feed"))
    latest = {c["name"]: c["latest"] for c in page["checks"]}
    assert latest["freshness:loaded_at"]["details"] == LATEST
    assert latest["unique:id"]["details"] is None
