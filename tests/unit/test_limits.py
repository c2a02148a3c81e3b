"""Rate limits without a server: the ``limits:`` section, the sliding window, the client address,
the signed links and the body cap's routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.limits import Rate
from trustwell.config.loader import load_project
from trustwell.notify.links import InvalidLink, Link, sign, verify
from trustwell.web.middleware import BodyLimit, loggable_target
from trustwell.web.ratelimit import Refusal, SlidingWindowLimiter, client_address

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
FIVE_PER_10M = Rate(5, timedelta(minutes=10))


def test_the_defaults_protect_a_project_without_a_limits_section(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("name: acme\n")
    limits = load_project(tmp_path).settings.limits
    assert [
        str(limits.rate(key))
        for key in (
            "reports_per_client",
            "reports_per_asset",
            "subscriptions_per_client",
            "subscriptions_per_asset",
        )
    ] == ["5 per 10m", "20 per 1h", "10 per 1h", "50 per 1h"]
    assert (limits.max_body_bytes, limits.trusted_proxies) == (1024**2, [])


def test_a_bad_limits_section_is_refused_with_lines_and_the_nearest_key(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text(
        "limits:\n"
        "  reports_per_clinet: 5/10m\n"
        "  reports_per_asset: 20 an hour\n"
        "  subscriptions_per_client: 0/1h\n"
        "  max_body: 5TB\n"
        "  trusted_proxies: [10.0.0.300]\n"
    )
    with pytest.raises(ProjectError) as raised:
        load_project(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "unknown key 'limits.reports_per_clinet' in trustwell.yml line 2: "
        "did you mean 'reports_per_client'?",
        "limits.reports_per_asset: '20 an hour' is not a rate: write a count and a window, "
        "e.g. '5/10m', or off in trustwell.yml line 3",
        "limits.subscriptions_per_client: '0/1h': the count must lie between 1 and 10,000 "
        "(write off for no limit) in trustwell.yml line 4",
        "limits.max_body: '5TB' is not a size: write a number and a unit, e.g. '1MiB' "
        "in trustwell.yml line 5",
        "limits.trusted_proxies: '10.0.0.300' is not an IP address or network "
        "(e.g. 10.0.0.5 or 10.0.0.0/8) in trustwell.yml line 6",
    ]


def test_off_turns_a_limit_off(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("limits: {reports_per_client: off}\n")
    limits = load_project(tmp_path).settings.limits
    assert limits.rate("reports_per_client") is None
    limiter = SlidingWindowLimiter()
    assert all(limiter.hit([("k", None)], T0) is None for _ in range(100))


def test_the_window_allows_the_count_then_refuses_until_the_oldest_hit_leaves() -> None:
    limiter = SlidingWindowLimiter()
    for minute in range(5):
        assert limiter.hit([("report:a", FIVE_PER_10M)], T0 + timedelta(minutes=minute)) is None
    # The oldest of the five (at 09:00) leaves the window at 09:10.
    later = T0 + timedelta(minutes=6)
    assert limiter.hit([("report:a", FIVE_PER_10M)], later) == Refusal("report:a", 240)
    assert limiter.hit([("report:b", FIVE_PER_10M)], later) is None  # another client
    assert limiter.hit([("report:a", FIVE_PER_10M)], T0 + timedelta(minutes=10)) is None
    assert limiter.hit([("report:a", FIVE_PER_10M)], T0 + timedelta(minutes=10)) == Refusal(
        "report:a", 60
    )


def test_a_request_counts_against_every_key_or_none() -> None:
    limiter = SlidingWindowLimiter()
    per_asset = Rate(2, timedelta(hours=1))
    assert limiter.hit([("client:a", FIVE_PER_10M), ("asset:x", per_asset)], T0) is None
    assert limiter.hit([("client:b", FIVE_PER_10M), ("asset:x", per_asset)], T0) is None
    refused = limiter.hit([("client:a", FIVE_PER_10M), ("asset:x", per_asset)], T0)
    assert refused == Refusal("asset:x", 3600)
    # The refused request did not use up client a's budget: four more still pass.
    for _ in range(4):
        assert limiter.hit([("client:a", FIVE_PER_10M)], T0) is None
    assert limiter.hit([("client:a", FIVE_PER_10M)], T0) is not None


def test_the_clock_is_trustwell_now(monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = SlidingWindowLimiter()
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    one = Rate(1, timedelta(minutes=1))
    assert limiter.hit([("k", one)]) is None
    assert limiter.hit([("k", one)]) == Refusal("k", 60)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:01:00Z")
    assert limiter.hit([("k", one)]) is None


def test_a_flood_from_many_addresses_cannot_grow_the_limiter_without_bound() -> None:
    limiter = SlidingWindowLimiter(max_keys=100)
    for n in range(1000):
        limiter.hit([(f"client:{n}", FIVE_PER_10M)], T0)
    assert len(limiter._hits) <= 100


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    proxies = [ip_network("10.0.0.0/8")]
    assert client_address("198.51.100.1", "203.0.113.9", []) == "198.51.100.1"
    assert client_address("198.51.100.1", "203.0.113.9", proxies) == "198.51.100.1"
    assert client_address("10.0.0.5", "203.0.113.9", proxies) == "203.0.113.9"
    # What the client wrote itself (left of the first untrusted hop) proves nothing.
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.7", proxies) == "203.0.113.9"
    assert client_address("10.0.0.5", "garbage, 10.0.0.7", proxies) == "10.0.0.7"
    assert client_address("10.0.0.5", None, proxies) == "10.0.0.5"
    assert client_address(None, None, proxies) == "unknown"


def test_signed_links_refuse_tampering_other_purposes_and_old_confirmations() -> None:
    key = b"k" * 32
    token = sign(key, Link("unsubscribe", "cfo@acme.test", assets=("marts.kpi",)), T0)
    assert verify(key, token, "unsubscribe", T0 + timedelta(days=400)) == Link(
        "unsubscribe", "cfo@acme.test", ("marts.kpi",), ()
    )
    forged = sign(b"x" * 32, Link("unsubscribe", "ceo@acme.test"), T0)
    payload, _, signature = token.partition(".")
    for bad in (forged, f"{payload[:-2]}.{signature}", token[:-1], "", "abc"):
        with pytest.raises(InvalidLink) as raised:
            verify(key, bad, "unsubscribe", T0)
        assert str(raised.value) == "this link is not valid: it was changed or cut short"
    with pytest.raises(InvalidLink) as wrong:
        verify(key, token, "confirm", T0)
    assert str(wrong.value) == "this is not a link to confirm"
    confirm = sign(key, Link("confirm", "cfo@acme.test"), T0)
    assert verify(key, confirm, "confirm", T0 + timedelta(days=7)).email == "cfo@acme.test"
    with pytest.raises(InvalidLink) as expired:
        verify(key, confirm, "confirm", T0 + timedelta(days=8))
    assert str(expired.value).startswith("this confirmation link has expired")


def test_a_route_can_have_its_own_body_cap_longest_prefix_first() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not called")

    limit = BodyLimit(
        app, default=1024**2, routes={"/api/v1/lineage": 64 * 1024**2, "/api/v1/lineage/x": 5}
    )
    assert limit.cap_for("/api/v1/reports") == 1024**2
    assert limit.cap_for("/api/v1/lineage/batch") == 64 * 1024**2
    assert limit.cap_for("/api/v1/lineage/x") == 5


def test_the_logged_target_keeps_the_path_and_hides_query_values_that_may_be_secret() -> None:
    scope = {"raw_path": b"/assets/marts.kpi", "query_string": b"q=cac&token=s3cret&next=/x"}
    assert loggable_target(scope) == "/assets/marts.kpi?q=cac&token=***&next=***"
    assert loggable_target({"raw_path": b"/a%0Ab", "query_string": b""}) == "/a%0Ab"
    assert loggable_target({"path": "/a\nb", "query_string": b""}) == "/a%0Ab"
