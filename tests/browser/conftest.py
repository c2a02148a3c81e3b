"""Browser tests: Playwright driving Debian's headless Chromium against a real
``trustwell serve`` subprocess on 127.0.0.1.

One server for the whole session, on a small demo-like project: a stale raw
feed with a mart downstream of it (INC for the feed, the mart affected along
lineage), a second, independent stale feed whose incident the responder test
acknowledges and resolves, a healthy asset the report test reports on (and
so opens an incident on) and one that stays healthy throughout. A second
server (``later_site``) runs with its clock two months later, on a project
with two runs in the same second.
``trustwell run`` ran once at a fixed ``TRUSTWELL_NOW`` (the server keeps the
same clock), and tokens were made with ``trustwell token create``.

Chromium comes from Debian (``scripts/bootstrap`` installs it); Playwright
never downloads its own browsers here. A missing ``/usr/bin/chromium`` is an
error, not a skip: the browser tests are part of the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_site import (
    ACKED_AT,
    CHROMIUM,
    CHROMIUM_ARGS,
    LATER,
    TIMEOUT_MS,
    LaterSite,
    Site,
    serve,
    trustwell,
    warehouse_sql,
    write_project,
)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file():
        raise RuntimeError(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Run scripts/bootstrap (or `apt-get install -y chromium`); Playwright's own "
            "browser download is not used."
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A real ``trustwell serve --no-scheduler`` subprocess on a free port."""
    root = write_project(tmp_path_factory.mktemp("browser") / "project")
    ran = trustwell(root, "run", check=False)
    if ran.returncode != 1:  # 1: a check failed, as intended
        raise RuntimeError(f"trustwell run exited {ran.returncode}\n{ran.stdout}\n{ran.stderr}")
    listed = json.loads(trustwell(root, "incident", "list", "--format", "json").stdout)
    by_root = {item["root_asset"]: item["id"] for item in listed}
    assert set(by_root) == {"raw.ad_spend", "raw.crm_accounts"}, listed
    incidents = {"ad_spend": by_root["raw.ad_spend"], "crm": by_root["raw.crm_accounts"]}
    tokens = {}
    for name, role in (("vera", "viewer"), ("ross", "responder")):
        out = trustwell(root, "token", "create", "--name", name, "--role", role).stdout
        tokens[role] = out.strip().splitlines()[-1]

    with serve(root) as url:
        yield Site(url, root, tokens, incidents)


@pytest.fixture(scope="session")
def later_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaterSite]:
    """A second server, whose clock is in January 2027, on the same project whose
    runs were all on 2026-11-22 09:00:00: raw.countries ran twice in that second
    (passing; then, its table emptied, failing and declaring an incident), and
    that incident was acknowledged 5h 25m later."""
    root = write_project(tmp_path_factory.mktemp("later") / "project")
    trustwell(root, "run", "--asset", "raw.countries")
    warehouse_sql(root, "DELETE FROM raw.countries")
    ran = trustwell(root, "run", "--asset", "raw.countries", check=False)
    if ran.returncode != 1:
        raise RuntimeError(f"trustwell run exited {ran.returncode}\n{ran.stdout}\n{ran.stderr}")
    (listed,) = json.loads(trustwell(root, "incident", "list", "--format", "json").stdout)
    trustwell(root, "incident", "ack", listed["id"], "--as", "alice", now=ACKED_AT)
    out = trustwell(root, "token", "create", "--name", "vera", "--role", "viewer").stdout
    with serve(root, now=LATER) as url:
        yield LaterSite(url, root, listed["id"], out.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser context (no cookies) per test, 1280 px wide."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str, int], Any]]:
    """``open_page(base_url, width)``: a fresh context (no cookies) at that width.

    390 px is a phone (with a phone's touch and scale), 1280 px a laptop."""
    contexts: list[Any] = []

    def opened(base_url: str, width: int) -> Any:
        phone = width < 600
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": 844 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield opened
    finally:
        for context in contexts:
            context.close()
