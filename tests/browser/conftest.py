"""Browser tests: Playwright driving Debian's headless Chromium against a real
``trustwell serve`` subprocess on 127.0.0.1.

One server for the whole session, on a small demo-like project: a stale raw
feed with a mart downstream of it (INC for the feed, the mart affected along
lineage), a second, independent stale feed whose incident the responder test
acknowledges and resolves, a healthy asset the report test reports on (and
so opens an incident on) and one that stays healthy throughout.
``trustwell run`` ran once at a fixed ``TRUSTWELL_NOW`` (the server keeps the
same clock), and tokens were made with ``trustwell token create``.

Chromium comes from Debian (``scripts/bootstrap`` installs it); Playwright
never downloads its own browsers here. A missing ``/usr/bin/chromium`` is an
error, not a skip: the browser tests are part of the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_site import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    Site,
    die_with_parent,
    free_port,
    server_env,
    trustwell,
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

    port = free_port()
    log = (root / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trustwell",
            "serve",
            "--project",
            str(root),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-scheduler",
        ],
        env=server_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"trustwell serve exited {process.returncode}:\n"
                    + (root / "serve.log").read_text()
                )
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("trustwell serve did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield Site(url, root, tokens, incidents)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


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
    """A fresh browser context (no cookies) per test, at a phone-friendly width."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
