"""The API speaks the same words and rules as the CLI: status filters, domain errors,
the incident document; over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from web_site import LiveServer, api_error, ok_json, write_project

API = "/api/v1"


def _declare(server: LiveServer, asset: str, title: str = "looks off") -> str:
    created = server.as_("responder").post(
        f"{API}/incidents", json={"asset": asset, "title": title}
    )
    ident: str = ok_json(created, 201)["id"]
    return ident


def _move(server: LiveServer, ident: str, status: str) -> None:
    ok_json(
        server.as_("responder").post(f"{API}/incidents/{ident}/status", json={"status": status})
    )


def test_the_status_filter_takes_the_words_of_incident_list(server: LiveServer) -> None:
    declared = _declare(server, "marts.kpi")
    monitoring = _declare(server, "raw.feed")
    _move(server, monitoring, "monitoring")
    resolved = _declare(server, "other.table")
    _move(server, resolved, "investigating")
    ok_json(
        server.as_("responder").post(
            f"{API}/incidents/{resolved}/resolve", json={"cause": "unknown", "summary": "gone"}
        )
    )

    def ids(status: str) -> list[str]:
        found = ok_json(server.as_("viewer").get(f"{API}/incidents", params={"status": status}))
        return [i["id"] for i in found]

    assert ids("open") == [monitoring, declared]
    assert ids("active") == [declared]
    assert ids("monitoring") == [monitoring]
    assert ids("resolved") == [resolved]
    assert ids("dismissed") == []


def test_an_unknown_status_word_is_422_with_the_valid_words(server: LiveServer) -> None:
    response = server.as_("viewer").get(f"{API}/incidents", params={"status": "opne"})
    assert api_error(response, 422, "invalid") == (
        "unknown status 'opne': use one of open, active, declared, acknowledged, "
        "investigating, identified, monitoring, resolved, closed, dismissed: "
        "did you mean 'open'?"
    )


# --- domain errors: one base, mapped once -----------------------------------------------


def test_an_action_item_is_closed_through_its_own_incident_only(server: LiveServer) -> None:
    responder = server.as_("responder")
    first, second = _declare(server, "marts.kpi"), _declare(server, "raw.feed")
    item = ok_json(
        responder.post(f"{API}/actions", json={"title": "add a check", "incident": second}), 201
    )["id"]
    wrong = responder.post(f"{API}/incidents/{first}/actions/{item}/done")
    assert api_error(wrong, 404, "not_found") == f"action item #{item} is not one of {first}'s"
    (listed,) = ok_json(server.as_("viewer").get(f"{API}/actions"))
    assert (listed["id"], listed["status"]) == (item, "open")  # unchanged

    done = ok_json(responder.post(f"{API}/incidents/{second}/actions/{item}/done"))
    assert (done["id"], done["incident"], done["status"]) == (item, second, "done")
    again = responder.post(f"{API}/incidents/{second}/actions/{item}/done")
    assert api_error(again, 409, "conflict") == f"action item #{item} is already done"
    missing = responder.post(f"{API}/incidents/INC-99/actions/{item}/done")
    assert api_error(missing, 404, "not_found") == "no incident INC-99"


@pytest.mark.postgres
def test_a_store_that_goes_away_mid_request_is_503_with_a_scrubbed_message(
    tmp_path: Path, fresh_pg_url: str, pg_server: Any
) -> None:
    import psycopg

    from threaded_server import serve_in_thread
    from trustwell.auth.tokens import create_token
    from trustwell.store import open_store
    from trustwell.web.app import create_app

    # Trust auth ignores the password: it is there to prove it is never shown.
    with_password = fresh_pg_url.replace("://trustwell@", "://trustwell:s3cret-pw@", 1)
    assert with_password != fresh_pg_url
    root = write_project(tmp_path, with_password)
    store = open_store(with_password, root)
    token = create_token(store, name="vera", role="viewer", actor="test")
    store.close()
    name = fresh_pg_url.rsplit("/", 1)[1]
    with (
        serve_in_thread(create_app(root, scheduler=False)) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        assert client.get(f"{API}/incidents").status_code == 200
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        try:
            response = client.get(f"{API}/incidents")
        finally:
            with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    message = api_error(response, 503, "store_unavailable")
    shown = with_password.replace("postgresql://", "postgresql+psycopg://").replace(
        "s3cret-pw", "***"
    )
    assert message.startswith(f"the store {shown} cannot be used: ")
    assert f'database "{name}" is not currently accepting connections' in message
    assert "s3cret-pw" not in response.text
