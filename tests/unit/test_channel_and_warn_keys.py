"""Channel and ``warn:`` keys are reported like check keys: the nearest valid key, and the
line of the key itself (a missing key: the line of the entry that lacks it)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project


def problems(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def test_a_misspelt_channel_key_is_on_its_own_line_with_the_nearest_key(tmp_path: Path) -> None:
    settings = """\
        name: acme
        channels:
          ops:
            type: webhook
            ulr: "http://127.0.0.1:9/hook"
          chat:
            type: slack
            webhook_url: "http://127.0.0.1:9/x"
            retry_fro: 2h
          mail: {type: email, smtp: "smtp://localhost:1025", from: a@b.test, startls: true}
          hook:
            type: webhook
            url: "ftp://127.0.0.1/hook"
          jira:
            type: jria
    """
    assert problems(tmp_path, {"trustwell.yml": settings}) == [
        "channels.ops: missing key 'url' (type webhook) in trustwell.yml line 3",
        "channels.ops: unknown key 'ulr' (type webhook) in trustwell.yml line 5:"
        " did you mean 'url'?",
        "channels.chat: unknown key 'retry_fro' (type slack) in trustwell.yml line 9:"
        " did you mean 'retry_for'?",
        "channels.mail: unknown key 'startls' (type email) in trustwell.yml line 10:"
        " did you mean 'starttls'?",
        "channels.hook: url must be an http:// or https:// URL, got 'ftp://'"
        " in trustwell.yml line 13",
        "channels.jira: unknown channel type 'jria' in trustwell.yml line 15: did you mean 'jira'?",
    ]


def test_a_rule_across_channel_keys_is_on_the_line_of_the_channel(tmp_path: Path) -> None:
    settings = """\
        channels:
          ops:
            type: webhook
            url: "http://127.0.0.1:9/hook"
            alert_after: 2d
    """
    assert problems(tmp_path, {"trustwell.yml": settings}) == [
        "channels.ops: alert_after (2d) must be shorter than retry_for (1d)"
        " in trustwell.yml line 2",
    ]


def test_a_warn_level_missing_its_key_is_reported_on_the_warn_line(tmp_path: Path) -> None:
    assets = """\
        assets:
          - name: orders
            checks:
              - type: freshness
                column: loaded_at
                max_age: 26h
                warn:
                  max_agee: 12h
    """
    assert problems(tmp_path, {"assets/orders.yml": assets}) == [
        "missing key 'warn.max_age' in check 'freshness' in assets/orders.yml line 7",
        "unknown key 'warn.max_agee' in check 'freshness' in assets/orders.yml line 8:"
        " did you mean 'max_age'?",
    ]


def test_a_warehouse_missing_its_type_is_reported_on_its_own_line(tmp_path: Path) -> None:
    settings = """\
        warehouses:
          main:
            path: w.duckdb
    """
    assert problems(tmp_path, {"trustwell.yml": settings}) == [
        "missing key 'type' in warehouse 'main' in trustwell.yml line 2:"
        " one of duckdb, postgres, spark",
    ]
