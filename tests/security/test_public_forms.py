"""Public forms cannot be turned against the company (issue 7, section 3).

Each test is an attack from the review, sent over real HTTP to a real server
(uvicorn as ``trustwell serve`` runs it) with a real SMTP sink, on SQLite and
PostgreSQL stores: the refusal a user sees, and what was (not) stored or queued.
"""

# The fixtures of public_forms_support are imported by name and injected by pytest.
# ruff: noqa: F811

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from email.message import Message
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from public_forms_support import (  # noqa: F401 -- fixtures used by name
    CONFIRM_LINK,
    NOTICE_LINK,
    Site,
    body_of,
    csrf_of,
    free_port,
    limits,
    link_in,
    send_report,
    site,
    subscribe,
    write_project,
)

STRANGERS = {f"victim{n}@example.org" for n in range(6)}


def for_another_address(link: str) -> str:
    """The link with the address in its payload changed and its signature kept."""
    base, _, token = link.partition("?token=")
    payload, _, signature = unquote(token).partition(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["e"] = "ceo@acme.test"
    changed = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
    return f"{base}?token={quote(f'{changed}.{signature}', safe='')}"


def change_status(site: Site, status: str) -> None:
    answer = site.as_("responder").post("/api/v1/incidents/INC-1/status", json={"status": status})
    assert answer.status_code == 200, answer.text


def to(messages: list[Message], address: str) -> list[Message]:
    return [m for m in messages if m["To"] == address]


# --- rate limits ---------------------------------------------------------------------------


def test_many_reports_from_one_client_get_429_and_nothing_reaches_the_strangers(
    site: Site,
) -> None:
    browser = site.stranger()
    for n in range(5):
        answer = send_report(browser, f"victim{n}@example.org")
        assert answer.status_code == 200, answer.text
        assert "Your reference is <strong" in answer.text  # the reference at once
    refused = send_report(browser, "victim5@example.org")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    assert (
        "Too many reports from you (at most 5 reports in 10 minutes). Please try again in "
        "10 minutes. Nothing was sent."
    ) in refused.text
    assert site.count("reports") == 5  # the sixth was not stored
    # Each address got its one confirmation, nothing else; the sixth not even that.
    assert sorted(site.queued_to(STRANGERS)) == [
        (f"victim{n}@example.org", "address.confirmation") for n in range(5)
    ]
    change_status(site, "investigating")
    change_status(site, "identified")
    assert sorted(site.queued_to(STRANGERS)) == [
        (f"victim{n}@example.org", "address.confirmation") for n in range(5)
    ]
    assert site.queued_to({"finance@acme.test"})  # the YAML subscriber still hears


def test_reports_from_a_token_are_limited_per_token_with_a_json_429(site: Site) -> None:
    body = {"asset": "marts.kpi", "description": "KPI doubled", "contact": "cfo@acme.test"}
    for _ in range(5):
        assert site.as_("reporter").post("/api/v1/reports", json=body).status_code == 201
    refused = site.as_("reporter").post("/api/v1/reports", json=body)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    assert refused.json() == {
        "error": {
            "code": "too_many_requests",
            "message": "Too many reports from you (at most 5 reports in 10 minutes)."
            " Please try again in 10 minutes.",
        }
    }
    assert site.count("reports") == 5
    # Another caller from the same address has its own budget: the token, not the address.
    assert send_report(site.stranger(), "ana@acme.test").status_code == 200


@pytest.mark.parametrize("limits", ["limits: {reports_per_asset: 3/1h}\n"])
def test_reports_on_one_asset_are_limited_whoever_sends_them(site: Site) -> None:
    assert send_report(site.stranger(), "a@example.org").status_code == 200
    assert send_report(site.stranger(), "b@example.org", asset="marts.kpi").status_code == 200
    body = {"asset": "marts.kpi", "description": "KPI doubled", "contact": "cfo@acme.test"}
    assert site.as_("reporter").post("/api/v1/reports", json=body).status_code == 201
    refused = site.as_("responder").post("/api/v1/reports", json=body)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3600"
    assert refused.json()["error"]["message"] == (
        "Too many reports for marts.kpi right now (at most 3 reports in 1 hour from everyone)."
        " Please try again in 1 hour."
    )
    assert (
        site.as_("responder")
        .post("/api/v1/reports", json={**body, "asset": "other.table"})
        .status_code
        == 201
    )
    assert site.count("reports") == 4


def test_300_anonymous_subscriptions_from_one_client_are_limited(site: Site) -> None:
    browser = site.stranger()
    token = csrf_of(browser.get("/assets/raw.feed").text)
    answers = [
        browser.post(
            f"/assets/{'marts.kpi' if n % 2 else 'raw.feed'}/subscribe",
            data={"csrf_token": token, "email": f"s{n}@example.org"},
        )
        for n in range(300)
    ]
    assert [a.status_code for a in answers[:10]] == [303] * 10
    assert {a.status_code for a in answers[10:]} == {429}
    assert answers[10].headers["retry-after"] == "3600"
    assert "Too many subscriptions from you (at most 10 subscriptions in 1 hour)." in (
        answers[10].text
    )
    assert site.count("subscriptions") == 10
    assert site.count("outbox", "event = 'address.confirmation'") == 10
    api = site.as_("reporter")
    for n in range(10):
        answer = api.post("/api/v1/assets/raw.feed/subscriptions", json={"email": f"t{n}@x.org"})
        assert answer.status_code == 201
    refused = api.post("/api/v1/assets/raw.feed/subscriptions", json={"email": "t10@x.org"})
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "3600")
    assert site.count("subscriptions") == 20


@pytest.mark.parametrize("limits", ["limits: {trusted_proxies: [127.0.0.1]}\n"])
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(site: Site) -> None:
    for client in ("203.0.113.9", "198.51.100.7"):
        browser = site.stranger()
        browser.headers["X-Forwarded-For"] = f"6.6.6.6, {client}"
        assert [send_report(browser, "ana@acme.test").status_code for _ in range(6)] == [
            *[200] * 5,
            429,
        ]
    addresses = site.store.read(
        lambda conn: sorted(
            conn.exec_driver_sql("SELECT DISTINCT client_address FROM reports").scalars()
        )
    )
    assert addresses == ["198.51.100.7", "203.0.113.9"]


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(site: Site) -> None:
    codes = []
    for n in range(6):
        browser = site.stranger()
        browser.headers["X-Forwarded-For"] = f"203.0.113.{n}"
        codes.append(send_report(browser, "ana@acme.test").status_code)
    assert codes == [200] * 5 + [429]
    assert site.store.read(
        lambda conn: conn.exec_driver_sql("SELECT DISTINCT client_address FROM reports").all()
    ) == [("127.0.0.1",)]


# --- confirmation ---------------------------------------------------------------------------


def test_unconfirmed_addresses_get_nothing_until_they_follow_their_link(site: Site) -> None:
    browser = site.stranger()
    done = send_report(browser, "CFO@Example.org")
    assert "We sent a message to cfo@example.org: follow its link" in done.text
    assert subscribe(site.stranger(), "marts.kpi", "stranger@example.org").status_code == 303
    change_status(site, "investigating")
    (confirmation,) = to(site.deliver(), "cfo@example.org")
    assert confirmation["Subject"] == "Confirm your address for acme data notices"
    text = body_of(confirmation)
    assert "to hear about your report on Weekly KPIs." in text
    assert "The KPI doubled" not in text  # a visitor's words never reach a stranger
    assert to(site.smtp.messages, "stranger@example.org")[0]["Subject"].startswith("Confirm")
    assert sorted(site.queued_to({"cfo@example.org", "stranger@example.org"})) == [
        ("cfo@example.org", "address.confirmation"),
        ("stranger@example.org", "address.confirmation"),
    ]

    link = link_in(confirmation, CONFIRM_LINK)
    page = httpx.get(link)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200
    assert "Send data notices from acme to <strong>cfo@example.org</strong>?" in page.text
    change_status(site, "identified")
    assert len(to(site.deliver(), "cfo@example.org")) == 1
    confirmed = httpx.post(link)
    assert confirmed.status_code == 200
    assert "cfo@example.org is confirmed: it will get the notices it asked for." in confirmed.text
    change_status(site, "monitoring")
    notices = to(site.deliver(), "cfo@example.org")
    assert [m["Subject"] for m in notices[1:]] == ["Data notice: Weekly KPIs"]
    assert body_of(notices[1]).startswith("Weekly KPIs should be correct again.")
    assert not to(site.smtp.messages, "stranger@example.org")[1:]  # still unconfirmed


def test_one_confirmation_per_address_per_day(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = site.stranger()
    assert subscribe(browser, "raw.feed", "ana@example.org").status_code == 303
    again = subscribe(browser, "marts.kpi", "ana@example.org")
    page = browser.get(again.headers["location"])
    assert "Follow the link in the message we sent to ana@example.org earlier today" in page.text
    report = send_report(browser, "ana@example.org")
    assert "Follow the link in the message we sent to ana@example.org earlier today" in report.text
    assert len(to(site.deliver(), "ana@example.org")) == 1
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T09:00:00Z")
    assert subscribe(browser, "other.table", "ana@example.org").status_code == 303
    assert len(to(site.deliver(), "ana@example.org")) == 2


def test_a_signed_in_reporter_is_trusted_at_once(site: Site) -> None:
    body = {"asset": "marts.kpi", "description": "KPI doubled", "contact": "cfo@acme.test"}
    answer = site.as_("reporter").post("/api/v1/reports", json=body)
    assert answer.status_code == 201
    assert answer.json()["reference"].startswith("RPT-")  # the acknowledgement, at once
    assert to(site.deliver(), "cfo@acme.test") == []  # no confirmation needed
    change_status(site, "investigating")
    told = to(site.deliver(), "cfo@acme.test")
    assert [m["Subject"] for m in told] == ["Data notice: Weekly KPIs"]


# --- unsubscribe ----------------------------------------------------------------------------


def test_the_unsubscribe_link_of_a_real_notice_stops_the_notices(site: Site) -> None:
    assert send_report(site.stranger(), "ana@example.org").status_code == 200
    (notice,) = to(site.deliver(), "finance@acme.test")  # the YAML subscriber of marts.kpi
    link = link_in(notice, NOTICE_LINK)
    assert notice["List-Unsubscribe"] == f"<{link}>"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = httpx.get(link)
    assert page.status_code == 200
    assert "Stop e-mails about Weekly KPIs" in page.text
    assert "Stop all e-mails from acme" in page.text
    done = httpx.post(link, data={"scope": "these"})
    assert done.status_code == 200
    assert "finance@acme.test will get no more e-mails about Weekly KPIs." in done.text
    change_status(site, "investigating")
    assert to(site.deliver(), "finance@acme.test") == [notice]
    listed = site.as_("reporter").get("/api/v1/assets/marts.kpi/subscriptions")
    assert listed.json() == []


def test_one_click_unsubscribe_of_a_reporter_ends_that_reports_notices(site: Site) -> None:
    body = {"asset": "marts.kpi", "description": "KPI doubled", "contact": "cfo@acme.test"}
    reference = site.as_("reporter").post("/api/v1/reports", json=body).json()["reference"]
    change_status(site, "investigating")
    (notice,) = to(site.deliver(), "cfo@acme.test")
    # What a mail program sends from the List-Unsubscribe-Post header (RFC 8058).
    target = notice["List-Unsubscribe"].strip("<>")
    answer = httpx.post(target, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert f"cfo@acme.test will get no more e-mails about your report {reference}." in answer.text
    unsubscribed = site.store.read(
        lambda conn: conn.exec_driver_sql("SELECT unsubscribed_at FROM reports").scalar()
    )
    assert unsubscribed is not None
    change_status(site, "identified")
    assert to(site.deliver(), "cfo@acme.test") == [notice]


def test_everything_stops_all_notices_until_the_address_confirms_again(site: Site) -> None:
    subscribe(site.stranger(), "other.table", "x@example.org")
    assert send_report(site.stranger(), "y@example.org").status_code == 200
    (notice,) = to(site.deliver(), "finance@acme.test")
    done = httpx.post(link_in(notice, NOTICE_LINK), data={"scope": "all"})
    assert "finance@acme.test will get no more e-mails from acme." in done.text
    answer = site.as_("reporter").post(
        "/api/v1/assets/raw.feed/subscriptions", json={"email": "finance@acme.test"}
    )
    assert answer.status_code == 201  # kept, but a colleague cannot undo an opt-out
    change_status(site, "investigating")
    messages = to(site.deliver(), "finance@acme.test")
    assert [m["Subject"] for m in messages] == [
        "Data notice: Weekly KPIs",
        "Confirm your address for acme data notices",  # only its owner opts in again
    ]


def test_a_changed_link_is_refused_and_changes_nothing(site: Site) -> None:
    assert send_report(site.stranger(), "ana@example.org").status_code == 200
    (notice,) = to(site.deliver(), "finance@acme.test")
    link = link_in(notice, NOTICE_LINK)
    for bad in (for_another_address(link), link[:-3], link.replace("/unsubscribe", "/confirm")):
        answer = httpx.post(bad, data={"scope": "all"})
        assert answer.status_code == 400
        assert "This link does not work" in answer.text
        assert "Nothing was changed." in answer.text
    assert site.count("email_addresses", "opted_out_at IS NOT NULL") == 0


def test_unsubscribe_in_the_api(site: Site) -> None:
    api = site.as_("reporter")
    api.post("/api/v1/assets/raw.feed/subscriptions", json={"email": "ops@acme.test"})
    reference = api.post(
        "/api/v1/reports",
        json={"asset": "raw.feed", "description": "late", "contact": "ops@acme.test"},
    ).json()["reference"]
    answer = api.post(
        "/api/v1/unsubscribe",
        json={"email": "ops@acme.test", "assets": ["raw.feed"], "reports": [reference]},
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "email": "ops@acme.test",
        "assets": ["raw.feed"],
        "reports": [reference],
        "all": False,
    }
    assert api.post("/api/v1/unsubscribe", json={"email": "ops@acme.test"}).json() == {
        "error": {
            "code": "invalid",
            "message": 'say what to stop: "assets", "reports" or "all": true',
        }
    }
    wrong = api.post("/api/v1/unsubscribe", json={"email": "ops@acme.test", "assets": ["raw.fed"]})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["message"] == "unknown asset 'raw.fed': did you mean 'raw.feed'?"
    theirs = api.post(
        "/api/v1/unsubscribe", json={"email": "cfo@acme.test", "reports": [reference]}
    )
    assert theirs.status_code == 404
    assert theirs.json()["error"]["message"] == f"cfo@acme.test sent no report '{reference}'"
    anonymous = httpx.post(f"{site.url}/api/v1/unsubscribe", json={"email": "ops@acme.test"})
    assert anonymous.status_code == 401


def test_unsubscribe_in_the_cli(site: Site) -> None:
    from typer.testing import CliRunner

    from trustwell.cli.app import create_app

    site.as_("reporter").post("/api/v1/assets/raw.feed/subscriptions", json={"email": "o@a.test"})

    def cli(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            create_app(), ["unsubscribe", *args, "--as", "alice", "--project", str(site.root)]
        )
        return result.exit_code, result.stdout, result.stderr

    assert cli("O@a.test", "--asset", "raw.feed") == (
        0,
        "o@a.test hears no more about: raw.feed\n",
        "",
    )
    assert cli("o@a.test", "--asset", "raw.feed")[1] == (
        "nothing changed: o@a.test was not hearing about that\n"
    )
    code, out, _ = cli("o@a.test", "--all", "--format", "json")
    assert (code, json.loads(out)["all"]) == (0, True)
    assert cli("o@a.test") == (
        2,
        "",
        "error: say what to stop: --asset NAME, --report RPT-… or --all\n",
    )
    assert cli("o@a.test", "--asset", "raw.fed") == (
        2,
        "",
        "error: unknown asset 'raw.fed': did you mean 'raw.feed'?\n",
    )
    audit = site.store.read(
        lambda conn: conn.exec_driver_sql(
            "SELECT actor, action FROM audit_log WHERE actor = 'alice' ORDER BY id"
        ).all()
    )
    assert audit == [("alice", "subscription.deleted"), ("alice", "address.opted_out")]


# --- caps before reading -------------------------------------------------------------------


def raw_request(site: Site, head: str, body: bytes = b"") -> bytes:
    """Send ``head`` (and ``body``) on a plain socket; return what the server answers.

    The server must answer without waiting for a body it was promised: the
    socket timeout only keeps a broken server from hanging the test.
    """
    port = int(site.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):  # the server closes after a 413
            answer += chunk
        return answer


def test_an_unauthenticated_300_mb_body_is_refused_before_it_is_read(site: Site) -> None:
    answer = raw_request(
        site,
        "POST /api/v1/reports HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        "Content-Length: 300000000\n",
    )  # and not one byte of the body follows
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.split(b"\r\n\r\n", 1)[1] == (
        b'{"error": {"code": "too_large", "message": "the request body is larger than'
        b' 1 MiB, the most this server reads"}}'
    )
    form = raw_request(site, "POST /report HTTP/1.1\nHost: x\nContent-Length: 300000000\n")
    assert form.startswith(b"HTTP/1.1 413 ")
    assert form.endswith(
        b"\r\n\r\nThe request body is larger than 1 MiB, the most this server reads.\n"
    )


def test_a_chunked_body_past_the_cap_is_refused_while_it_streams(site: Site) -> None:
    chunk = b"x" * 65536
    # Exactly 1 MiB in 16 chunks, then one byte more: nothing is left unread but that byte.
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(16)) + b"1\r\nx\r\n"
    answer = raw_request(
        site,
        "POST /api/v1/reports HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        "Transfer-Encoding: chunked\n",
        body,
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code": "too_large"' in answer
    assert site.count("reports") == 0
    # A body within the cap, sent the same way, is read and answered as usual.
    small = json.dumps({"asset": "marts.kpi", "description": "x", "contact": "a@b.test"}).encode()
    normal = site.as_("reporter").post(
        "/api/v1/reports", content=iter([small]), headers={"Content-Type": "application/json"}
    )
    assert normal.status_code == 201


def test_a_description_of_10001_characters_is_refused_in_the_form_and_the_api(
    site: Site,
) -> None:
    browser = site.stranger()
    assert 'maxlength="10000"' in browser.get("/report").text
    long = "x" * 10_001
    form = send_report(browser, "ana@acme.test", description=long)
    assert form.status_code == 422
    assert "Please keep the description to 10,000 characters (it has 10,001)." in form.text
    api = site.as_("reporter").post(
        "/api/v1/reports",
        json={"asset": "marts.kpi", "description": long, "contact": "ana@acme.test"},
    )
    assert api.status_code == 422
    assert api.json()["error"]["message"] == (
        "body.description: String should have at most 10000 characters"
    )
    assert site.count("reports") == 0
    # Line breaks count once, as the browser counted them for maxlength.
    exact = send_report(browser, "ana@acme.test", description="xx\r\n" * 3333 + "x")
    assert exact.status_code == 200
    stored = site.store.read(
        lambda conn: conn.exec_driver_sql("SELECT description FROM reports").scalar()
    )
    assert len(stored) == 10_000


# --- neutral titles -------------------------------------------------------------------------


def test_a_reporters_words_never_become_public_by_themselves(site: Site) -> None:
    words = "The CFO cooks the books"
    browser = site.stranger()
    assert send_report(browser, "ana@example.org", description=words).status_code == 200
    status = browser.get("/")
    assert "Reported problem with Weekly KPIs" in status.text
    assert words not in status.text
    assert words not in browser.get("/incidents/INC-1").text
    assert words not in browser.get("/assets/marts.kpi").text
    (notice,) = to(site.deliver(), "finance@acme.test")
    assert words not in body_of(notice) and words not in notice["Subject"]
    incident = site.as_("reporter").get("/api/v1/incidents/INC-1").json()
    assert incident["title"] == "Reported problem with Weekly KPIs"
    assert any(words in entry["text"] for entry in incident["timeline"])  # internal: kept
    site.as_("responder").post(
        "/api/v1/incidents/INC-1/updates",
        json={"message": "checking the loader", "public": "Weekly KPIs may be too high."},
    )
    assert "Weekly KPIs may be too high." in browser.get("/").text


# --- access log and abuse data --------------------------------------------------------------


def test_each_report_stores_its_client_address(site: Site) -> None:
    assert send_report(site.stranger(), "ana@example.org").status_code == 200
    stored = site.store.read(
        lambda conn: conn.exec_driver_sql("SELECT client_address FROM reports").scalar()
    )
    assert stored == "127.0.0.1"


def test_the_access_log_names_the_caller_and_never_shows_a_token(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    token = site.as_("reporter").headers["Authorization"].removeprefix("Bearer ")

    def logged() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "trustwell.access"]

    with caplog.at_level("INFO", logger="trustwell.access"):
        site.as_("reporter").get("/api/v1/assets", params={"q": "kpi", "token": "s3cret-link"})
        site.stranger().get("/unsubscribe", params={"token": "s3cret-link"})
        send_report(site.stranger(), "ana@example.org", description="private words")
        # The server logs once it has answered: wait for the line of the last answer.
        deadline = time.monotonic() + 20
        while len(logged()) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
    lines = logged()
    assert len(lines) == 4
    assert lines[0].startswith('127.0.0.1 rita "GET /api/v1/assets?q=kpi&token=***" 200 ')
    assert lines[1].startswith('127.0.0.1 anonymous "GET /unsubscribe?token=***" 400 ')
    assert any(line.startswith('127.0.0.1 anonymous "POST /report" 200 ') for line in lines)
    assert all(line.endswith("ms") for line in lines)
    logged = "\n".join(lines)
    for secret in (token, "s3cret-link", "private words", "ana@example.org", "trustwell_csrf"):
        assert secret not in logged


def test_trustwell_serve_logs_requests_itself_and_not_uvicorns_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustwell.auth.tokens import create_token
    from trustwell.store import open_store

    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    port = free_port()
    root = write_project(tmp_path, store=None, url=f"http://127.0.0.1:{port}", smtp=9, limits="")
    store = open_store("sqlite:///.trustwell/trustwell.db", root)
    token = create_token(store, name="vera", role="viewer", actor="test")
    store.close()
    command = [sys.executable, "-m", "trustwell", "serve", "--project", str(root)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--no-scheduler"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # a guard while it starts, not a measurement
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        answer = httpx.get(
            f"{url}/api/v1/assets?token=s3cret-link",
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "6.6.6.6"},
        )
        assert answer.status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert '127.0.0.1 vera "GET /api/v1/assets?token=***" 200 ' in stderr
    assert '127.0.0.1 anonymous "GET /healthz" 200 ' in stderr
    for leaked in (token, "s3cret-link", "6.6.6.6", "HTTP/1.1"):  # HTTP/1.1: uvicorn's lines
        assert leaked not in stderr


def test_the_budget_comes_back_when_the_window_has_passed(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = site.stranger()
    assert [send_report(browser, "a@b.test").status_code for _ in range(6)] == [200] * 5 + [429]
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:09:59Z")
    assert send_report(browser, "a@b.test").status_code == 429
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:10:00Z")
    assert send_report(browser, "a@b.test").status_code == 200
