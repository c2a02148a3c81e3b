"""``GET /api/v1/assets/{name}/trust``: the trust document, as ``trustwell certify ASSET``."""

from __future__ import annotations

from web_site import LiveServer, api_error, ok_json

from trustwell.certification.trust import trust_document
from trustwell.clock import now

API = "/api/v1"


def run(server: LiveServer) -> None:
    ok_json(server.as_("responder").post(f"{API}/runs", json={"assets": ["raw.feed"]}), 201)
    ok_json(server.as_("responder").post(f"{API}/runs", json={"assets": ["marts.kpi"]}), 201)


def test_trust_document_of_an_asset(server: LiveServer) -> None:
    run(server)
    kpi = ok_json(server.as_("viewer").get(f"{API}/assets/marts.kpi/trust"))
    assert kpi == trust_document(server.store, server.project, "marts.kpi", now())
    # finance has no requires: the low-risk defaults (schema, freshness) are missing
    finance = kpi["use_cases"]["finance"]
    assert (kpi["badge"], finance["state"]) == ("untrusted", "uncertified")
    assert finance["missing"] == ["schema", "freshness"]
    assert kpi["reason"].startswith("Not certified for finance: schema: ")
    assert kpi["score"]["formula_version"] == "1" and len(kpi["score"]["parts"]) == 9
    assert kpi["slos"] == []
    feed = ok_json(server.as_("viewer").get(f"{API}/assets/raw.feed/trust"))
    assert feed["use_cases"] == {} and feed["reason"].endswith("takes part in no use case.")


def test_use_case_parameter_unknown_names_and_auth(server: LiveServer) -> None:
    run(server)
    viewer = server.as_("viewer")
    only = ok_json(viewer.get(f"{API}/assets/marts.kpi/trust", params={"use_case": "finance"}))
    assert list(only["use_cases"]) == ["finance"]
    outside = ok_json(viewer.get(f"{API}/assets/raw.feed/trust", params={"use_case": "finance"}))
    assert (outside["badge"], outside["use_cases"]) == ("untrusted", {})
    message = api_error(
        viewer.get(f"{API}/assets/marts.kpi/trust", params={"use_case": "financ"}), 404, "not_found"
    )
    assert "did you mean 'finance'" in message
    message = api_error(viewer.get(f"{API}/assets/marts.kp/trust"), 404, "not_found")
    assert "did you mean 'marts.kpi'" in message
    api_error(server.anonymous().get(f"{API}/assets/marts.kpi/trust"), 401, "unauthorized")
    api_error(server.anonymous().get(f"{API}/assets/nothing/trust"), 401, "unauthorized")


def test_trust_is_documented_in_openapi(server: LiveServer) -> None:
    schema = ok_json(server.anonymous().get("/openapi.json"))
    operation = schema["paths"][f"{API}/assets/{{name}}/trust"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    trust = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"asset", "badge", "reason", "use_cases", "score", "slos"} <= set(trust["required"])
    assert trust["properties"]["badge"]["enum"] == ["trusted", "limited", "untrusted"]
    assert [p["name"] for p in operation["parameters"]] == ["name", "use_case"]
