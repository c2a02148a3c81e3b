"""The API speaks the same words and rules as the CLI: status filters, domain errors,
the incident document; over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from web_site import LiveServer

API = "/api/v1"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def _declare(server: LiveServer, asset: str, title: str = "looks off") -> str:
    created = server.as_("responder").post(
        f"{API}/incidents", json={"asset": asset, "title": title}
    )
    ident: str = _ok(created, 201)["id"]
    return ident


def _move(server: LiveServer, ident: str, status: str) -> None:
    _ok(server.as_("responder").post(f"{API}/incidents/{ident}/status", json={"status": status}))


def test_the_status_filter_takes_the_words_of_incident_list(server: LiveServer) -> None:
    declared = _declare(server, "marts.kpi")
    monitoring = _declare(server, "raw.feed")
    _move(server, monitoring, "monitoring")
    resolved = _declare(server, "other.table")
    _move(server, resolved, "investigating")
    _ok(
        server.as_("responder").post(
            f"{API}/incidents/{resolved}/resolve", json={"cause": "unknown", "summary": "gone"}
        )
    )

    def ids(status: str) -> list[str]:
        found = _ok(server.as_("viewer").get(f"{API}/incidents", params={"status": status}))
        return [i["id"] for i in found]

    assert ids("open") == [monitoring, declared]
    assert ids("active") == [declared]
    assert ids("monitoring") == [monitoring]
    assert ids("resolved") == [resolved]
    assert ids("dismissed") == []


def test_an_unknown_status_word_is_422_with_the_valid_words(server: LiveServer) -> None:
    response = server.as_("viewer").get(f"{API}/incidents", params={"status": "opne"})
    assert _error(response, 422, "invalid") == (
        "unknown status 'opne': use one of open, active, declared, acknowledged, "
        "investigating, identified, monitoring, resolved, closed, dismissed: "
        "did you mean 'open'?"
    )
