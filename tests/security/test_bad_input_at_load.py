"""Bad input is caught at load time, never a crash (issue 7, section 5).

Every hostile or careless project file goes through the real loader and through
``trustwell run``: each problem is listed with file and line (and the nearest
valid name where there is one), the command exits 2, and nothing runs. Good
inputs beside the bad ones show that the rule is no wider than it must be.
"""

from __future__ import annotations

import sqlite3
import textwrap
import tracemalloc
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.config.yaml_limits import MAX_FILE_BYTES

Files = dict[str, str]


def write(root: Path, files: Files) -> Path:
    # A folder without trustwell.yml is no project at all: an empty one has every default.
    for name, text in {"trustwell.yml": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    return result.exit_code, result.stderr


def refused(root: Path, files: Files) -> list[str]:
    """The problems of the project, as the loader and as ``trustwell run`` report them."""
    write(root, files)
    with pytest.raises(ProjectError) as raised:
        load_project(root)
    messages = [str(p) for p in raised.value.problems]
    code, stderr = cli(root, "run")
    assert code == 2
    count = len(messages)
    assert stderr == (
        f"error: the project is invalid ({count} problem{'s' * (count != 1)}):\n"
        + "".join(f"  {m}\n" for m in messages)
    )
    assert not (root / ".trustwell").exists()  # nothing ran, so nothing was stored
    return messages


def loads(root: Path, files: Files) -> Project:
    return load_project(write(root, files))


def one_asset(checks: str, header: str = "") -> str:
    """An assets file with one asset ``orders``; its first check starts on line 5."""
    body = textwrap.indent(textwrap.dedent(checks), "      ")
    return f"assets:\n  - name: orders\n    table: shop.orders\n{header}    checks:\n{body}"


def checks(text: str) -> Files:
    return {"assets/orders.yml": one_asset(text)}


# --- hostile YAML -------------------------------------------------------------------------


def billion_laughs() -> str:
    """Nine levels of nine aliases: 30 lines that stand for 387 million values."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join([*lines, "assets: *l9", ""])


def merge_bomb() -> str:
    """``<<:`` merges of merges: each level doubles the keys of the one before."""
    lines = ["k0: &k0 {a: 1, b: 2}"]
    lines += [f"k{i}: &k{i} [*k{i - 1}, *k{i - 1}, {{<<: *k{i - 1}}}]" for i in range(1, 40)]
    return "\n".join([*lines, "assets: []", ""])


def alias_tower() -> str:
    """Each anchor nests the one before ten levels deeper: shallow as written, 300 deep in use."""
    lines = ["t0: &t0 x"]
    lines += [f"t{i}: &t{i} {'[' * 10}*t{i - 1}{']' * 10}" for i in range(1, 31)]
    return "\n".join([*lines, "assets: []", ""])


LIMIT = "the limit for a project file"
TOO_DEEP = f"mappings and lists are nested more than 64 levels deep, {LIMIT}"
TOO_MANY = f"the file holds more than 200,000 values once its aliases (*name) are expanded, {LIMIT}"
OVERSIZE = MAX_FILE_BYTES + 10

HOSTILE = {
    "billion laughs": (
        {"assets/bomb.yml": billion_laughs()},
        [f"{TOO_MANY} in assets/bomb.yml line 6"],
    ),
    "merge keys of merge keys": (
        {"assets/merge.yml": merge_bomb()},
        [f"{TOO_MANY} in assets/merge.yml line 11"],
    ),
    "5,000 nested lists": (
        {"assets/deep.yml": "assets: " + "[" * 5000 + "]" * 5000 + "\n"},
        [f"{TOO_DEEP} in assets/deep.yml line 1"],
    ),
    "5,000 nested mappings in trustwell.yml": (
        {"trustwell.yml": "openlineage: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n"},
        [f"{TOO_DEEP} in trustwell.yml line 1"],
    ),
    "depth reached through aliases": (
        {"assets/tower.yml": alias_tower()},
        [f"{TOO_DEEP} in assets/tower.yml line 8"],
    ),
    "an alias inside its own anchor": (
        {"assets/loop.yml": "assets: &a\n  - name: orders\n    upstream: *a\n"},
        [
            "alias *a refers to a node that contains it (a recursive structure)"
            " in assets/loop.yml line 3"
        ],
    ),
    "a file over 4 MiB": (
        {"assets/huge.yml": "assets: []\n#" + "x" * (OVERSIZE - 13) + "\n"},
        [
            f"the file is {OVERSIZE:,} bytes, more than the limit of 4 MiB for a project file"
            " in assets/huge.yml"
        ],
    ),
    "an integer of 5,000 digits": (
        checks("- {type: row_count, min: " + "9" * 5000 + "}\n"),
        [
            "the number '99999999999999999999…9999999999' cannot be read: it has more than"
            " 4,300 digits in assets/orders.yml line 5"
        ],
    ),
    "a date that does not exist": (
        checks("- {type: range, column: day, min: 2026-13-45}\n"),
        [
            "the date '2026-13-45' cannot be read: month must be in 1..12"
            " in assets/orders.yml line 5"
        ],
    ),
}


@pytest.mark.parametrize(("files", "expected"), HOSTILE.values(), ids=HOSTILE)
def test_hostile_yaml_is_a_problem_with_file_and_line_found_before_it_expands(
    tmp_path: Path, files: Files, expected: list[str]
) -> None:
    write(tmp_path, files)
    tracemalloc.start()
    try:
        with pytest.raises(ProjectError):
            load_project(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Refused from the nodes as written: expanding the bomb took 4 GB before.
    assert peak < 8 * MAX_FILE_BYTES
    assert refused(tmp_path, files) == expected


def test_hostile_runbook_front_matter_is_refused_like_any_project_file(tmp_path: Path) -> None:
    front = "title: Stale\nchecks: " + "[" * 100 + "]" * 100 + "\n"
    write(tmp_path, {"runbooks/stale.md": f"---\n{front}---\n# Stale\n"})
    code, stderr = cli(tmp_path, "runbook", "list")
    assert code == 2
    assert stderr == (
        f"error: invalid runbooks:\n  invalid YAML in the front matter: {TOO_DEEP}"
        " in runbooks/stale.md line 3\n"
    )


def test_anchors_merges_and_deep_values_within_the_limits_load(tmp_path: Path) -> None:
    # 64 levels: the document, openlineage's mapping, 61 nested a's and the value 1. The
    # YAML limits let it through: what is reported is the key the openlineage: model refuses.
    deep = "openlineage: {transport: console, a: " + "{a: " * 60 + "1" + "}" * 61 + "\n"
    with pytest.raises(ProjectError) as info:
        loads(tmp_path, {"trustwell.yml": deep})
    assert [str(p) for p in info.value.problems] == [
        "unknown key 'openlineage.a' in trustwell.yml line 1"
    ]
    assets = """\
        assets:
          - name: orders
            table: shop.orders
            checks:
              - &defaults {type: not_null, column: id, max_failing: 2}
              - {<<: *defaults, column: email, max_failing: 3}
    """
    project = loads(tmp_path, {"trustwell.yml": "", "assets/o.yml": textwrap.dedent(assets)})
    first, second = project.assets[0].checks
    assert (first.display_name, first.threshold()) == ("not_null:id", {"max_failing": 2})
    assert (second.display_name, second.threshold()) == ("not_null:email", {"max_failing": 3})


# --- durations ------------------------------------------------------------------------------

ZERO = "must be longer than 0"
CENTURY = "must be at most 100 years (36500d)"
ROTATION = "members: [alice], start: 2026-01-05T09:00:00Z"
DURATIONS = {
    "max_age 0s": (
        checks("- {type: freshness, column: loaded_at, max_age: 0s}\n"),
        f"max_age: '0s' {ZERO} in assets/orders.yml line 5",
    ),
    "max_age past any date": (
        checks("- {type: freshness, column: loaded_at, max_age: 99999999999999999999d}\n"),
        f"max_age: '99999999999999999999d' {CENTURY} in assets/orders.yml line 5",
    ),
    "warn max_age 0m": (
        checks("- {type: freshness, column: loaded_at, max_age: 1h, warn: {max_age: 0m}}\n"),
        f"warn.max_age: '0m' {ZERO} in assets/orders.yml line 5",
    ),
    "ack_within 0m": (
        {"trustwell.yml": "response:\n  SEV-1: {ack_within: 0m}\n"},
        f"ack_within of SEV-1: '0m' {ZERO} in trustwell.yml line 2",
    ),
    "update_every 101 years": (
        {"trustwell.yml": "response:\n  SEV-2:\n    update_every: 5300w\n"},
        f"update_every of SEV-2: '5300w' {CENTURY} in trustwell.yml line 3",
    ),
    "rotation every 0d": (
        {"trustwell.yml": f"oncall:\n  dp: {{{ROTATION}, rotation: {{every: 0d}}}}\n"},
        "on-call rotation 'dp': rotation '0d' is not valid: the period must be longer than 0"
        " in trustwell.yml line 2",
    ),
    "rotation every 1e20 days": (
        {"trustwell.yml": f"oncall:\n  dp: {{{ROTATION}, rotation: 99999999999999999999d}}\n"},
        "on-call rotation 'dp': rotation '99999999999999999999d' is not valid: the period"
        f" {CENTURY} in trustwell.yml line 2",
    ),
    "warehouse timeout 0s": (
        {"trustwell.yml": "warehouses:\n  main: {type: duckdb, timeout: 0s}\n"},
        f"timeout of warehouse 'main': '0s' {ZERO} in trustwell.yml line 2",
    ),
}


@pytest.mark.parametrize(("files", "expected"), DURATIONS.values(), ids=DURATIONS)
def test_durations_are_longer_than_0_and_at_most_100_years(
    tmp_path: Path, files: Files, expected: str
) -> None:
    assert refused(tmp_path, files) == [expected]


def test_durations_from_a_second_to_100_years_load(tmp_path: Path) -> None:
    project = loads(
        tmp_path,
        {
            "trustwell.yml": "response:\n  SEV-1: {ack_within: 1s, update_every: 36500d}\n"
            f"oncall:\n  dp: {{{ROTATION}, rotation: {{every: 5200w}}}}\n",
            **checks("- {type: freshness, column: loaded_at, max_age: 0.5s}\n"),
        },
    )
    assert project.settings.response["SEV-1"].update_every == "36500d"


# --- bounds and warn levels -------------------------------------------------------------------

BOUNDS = {
    "row_count": (
        "- type: row_count\n  min: 10\n  max: 5\n",
        "min 10 is greater than max 5 in check 'row_count' in assets/orders.yml line 7",
    ),
    "stat": (
        "- {type: stat, column: amount, stat: mean, min: 10, max: 5}\n",
        "min 10 is greater than max 5 in check 'stat' in assets/orders.yml line 5",
    ),
    "range": (
        "- {type: range, column: amount, min: 10, max: 5.5}\n",
        "min 10 is greater than max 5.5 in check 'range' in assets/orders.yml line 5",
    ),
    "range of dates": (
        "- {type: range, column: day, min: 2026-02-01, max: 2026-01-01}\n",
        "min 2026-02-01 is greater than max 2026-01-01 in check 'range' in assets/orders.yml"
        " line 5",
    ),
    "length": (
        "- {type: length, column: currency, min: 4, max: 3}\n",
        "min 4 is greater than max 3 in check 'length' in assets/orders.yml line 5",
    ),
    "sql query": (
        "- {type: sql, name: paid, query: select 1, min: 2, max: 1}\n",
        "min 2 is greater than max 1 in check 'paid' in assets/orders.yml line 5",
    ),
    "warn of row_count": (
        "- type: row_count\n  min: 1\n  warn: {min: 20, max: 10}\n",
        "warn.min 20 is greater than warn.max 10 in check 'row_count' in assets/orders.yml line 7",
    ),
    "warn of a sql query": (
        "- {type: sql, name: paid, query: select 1, max: 9, warn: {min: 5, max: 3}}\n",
        "warn.min 5 is greater than warn.max 3 in check 'paid' in assets/orders.yml line 5",
    ),
}


@pytest.mark.parametrize(("check", "expected"), BOUNDS.values(), ids=BOUNDS)
def test_min_above_max_is_refused(tmp_path: Path, check: str, expected: str) -> None:
    assert refused(tmp_path, checks(check)) == [expected]


NEVER = "a warn level must be stricter than the fail level, or it never warns"
LOOSER = {
    "warn.min below min": (
        "- type: stat\n  column: amount\n  stat: mean\n  min: 10\n  max: 500\n"
        "  warn: {min: 5, max: 300}\n",
        f"warn.min 5 is below min 10: {NEVER} in check 'stat' in assets/orders.yml line 10",
    ),
    "warn.max above max": (
        "- {type: row_count, min: 1, max: 100, warn: {max: 200}}\n",
        f"warn.max 200 is above max 100: {NEVER} in check 'row_count' in assets/orders.yml line 5",
    ),
    "warn.max_age longer": (
        "- {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 2d}}\n",
        f"warn.max_age 2d is longer than max_age 26h: {NEVER} in check 'freshness'"
        " in assets/orders.yml line 5",
    ),
    "warn.max_failing above the default 0": (
        "- {type: not_null, column: id, warn: {max_failing: 5}}\n",
        f"warn.max_failing 5 is above max_failing 0 (the default): {NEVER} in check"
        " 'not_null' in assets/orders.yml line 5",
    ),
    "warn.max_failing above max_failing": (
        "- {type: sql, name: paid, failing_rows: select 1, max_failing: 2,"
        " warn: {max_failing: 5}}\n",
        f"warn.max_failing 5 is above max_failing 2: {NEVER} in check 'paid'"
        " in assets/orders.yml line 5",
    ),
    "warn.max_failing_fraction above": (
        "- {type: unique, column: id, max_failing_fraction: 0.01,"
        " warn: {max_failing_fraction: 0.05}}\n",
        f"warn.max_failing_fraction 0.05 is above max_failing_fraction 0.01: {NEVER}"
        " in check 'unique' in assets/orders.yml line 5",
    ),
    "a warn fraction when no row may fail": (
        "- {type: not_null, column: id, warn: {max_failing_fraction: 0.05}}\n",
        "warn.max_failing_fraction 0.05 allows failing rows, but max_failing is 0 (the default):"
        f" {NEVER} in check 'not_null' in assets/orders.yml line 5",
    ),
}


@pytest.mark.parametrize(("check", "expected"), LOOSER.values(), ids=LOOSER)
def test_a_warn_level_looser_than_the_fail_level_is_refused(
    tmp_path: Path, check: str, expected: str
) -> None:
    # Each of these could never warn: the fail level is reached first.
    assert refused(tmp_path, checks(check)) == [expected]


def test_equal_bounds_and_stricter_or_equal_warn_levels_load(tmp_path: Path) -> None:
    project = loads(
        tmp_path,
        checks("""\
            - {type: row_count, min: 5, max: 5}
            - {type: stat, column: amount, stat: mean, min: 10, max: 500, warn: {min: 20, max: 500}}
            - {type: range, column: day, min: "2026-02-01", max: 2026-02-01}
            - {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 26h}}
            - {type: not_null, column: id, max_failing: 5, warn: {max_failing: 2}}
            - {type: unique, column: id, max_failing: 5, warn: {max_failing_fraction: 0.5}}
        """),
    )
    assert len(project.assets[0].checks) == 6


# --- names ------------------------------------------------------------------------------------

NAMES = {
    "column ''": (
        checks("- {type: not_null, column: ''}\n"),
        "column must be a non-empty name, got '' in assets/orders.yml line 5",
    ),
    "a blank entry in columns": (
        checks("- {type: unique, columns: [id, ' ']}\n"),
        "columns[1] must be a non-empty name, got ' ' in assets/orders.yml line 5",
    ),
    "freshness column ''": (
        checks("- {type: freshness, column: '', max_age: 1h}\n"),
        "column must be a non-empty name, got '' in assets/orders.yml line 5",
    ),
    "schema column ''": (
        checks("- type: schema\n  columns: {id: integer, '': string}\n"),
        "a column name under columns: is empty in check 'schema' in assets/orders.yml line 6",
    ),
    "a table of four parts": (
        {"assets/o.yml": "assets:\n  - name: orders\n    table: a.b.c.d\n"},
        "table 'a.b.c.d' has 4 parts, more than catalog.schema.table in assets/o.yml line 3",
    ),
    "a table with an empty part": (
        {"assets/o.yml": "assets:\n  - name: orders\n    table: shop..orders\n"},
        "table 'shop..orders' has an empty part between its dots in assets/o.yml line 3",
    ),
    "an asset name used as a table of four parts": (
        {"assets/o.yml": "assets:\n  - name: a.b.c.d\n"},
        "table name 'a.b.c.d' (the asset's name, as no table:, query: or path: is given)"
        " has 4 parts, more than catalog.schema.table in asset 'a.b.c.d' in assets/o.yml line 2",
    ),
    "an asset name with '/'": (
        {"assets/o.yml": "assets:\n  - name: marts/cac\n    table: marts.cac\n"},
        "name 'marts/cac' contains '/', which cannot be part of a link or an API route"
        " (/assets/NAME): use '.' or '_' instead in assets/o.yml line 2",
    ),
    "an empty asset name": (
        {"assets/o.yml": "assets:\n  - name: ' '\n    table: marts.cac\n"},
        "name must not be empty in assets/o.yml line 2",
    ),
}


@pytest.mark.parametrize(("files", "expected"), NAMES.values(), ids=NAMES)
def test_blank_columns_bad_table_names_and_unroutable_asset_names_are_refused(
    tmp_path: Path, files: Files, expected: str
) -> None:
    assert refused(tmp_path, files) == [expected]


def test_three_part_tables_and_dotted_names_of_queries_load(tmp_path: Path) -> None:
    assets = """\
        assets:
          - {name: orders, table: lake.shop.orders}
          - {name: a.b.c.d.e, query: select 1 as x}
          - {name: marts.weekly_cac}
    """
    project = loads(tmp_path, {"assets/o.yml": textwrap.dedent(assets)})
    assert [a.table_name for a in project.assets] == [
        "lake.shop.orders",
        "a.b.c.d.e",
        "marts.weekly_cac",
    ]


# --- numbers ----------------------------------------------------------------------------------

BOOLEANS = {
    "row_count min": (
        checks("- {type: row_count, min: true}\n"),
        "min must be a number, got true in assets/orders.yml line 5",
    ),
    "range max": (
        checks("- {type: range, column: amount, max: false}\n"),
        "max must be a number, a date or a date and time, got false in assets/orders.yml line 5",
    ),
    "length min": (
        checks("- {type: length, column: code, min: true}\n"),
        "min must be an integer, got true in assets/orders.yml line 5",
    ),
    "max_failing": (
        checks("- {type: not_null, column: id, max_failing: true}\n"),
        "max_failing must be an integer, got true in assets/orders.yml line 5",
    ),
    "max_failing_fraction": (
        checks("- {type: not_null, column: id, max_failing_fraction: true}\n"),
        "max_failing_fraction must be a number, got true in assets/orders.yml line 5",
    ),
    "samples": (
        checks("- {type: not_null, column: id, samples: true}\n"),
        "samples must be an integer, got true in assets/orders.yml line 5",
    ),
    "tier": (
        {"assets/orders.yml": one_asset("- {type: row_count, min: 1}\n", "    tier: true\n")},
        "tier must be one of 1, 2 or 3, got true in assets/orders.yml line 4",
    ),
    "threads": (
        {"trustwell.yml": "warehouses:\n  main: {type: duckdb, threads: true}\n"},
        "threads must be an integer, got true in trustwell.yml line 2",
    ),
    "NaN": (
        checks("- {type: stat, column: amount, stat: mean, max: .nan}\n"),
        "max must be a finite number, got nan in assets/orders.yml line 5",
    ),
}


@pytest.mark.parametrize(("files", "expected"), BOOLEANS.values(), ids=BOOLEANS)
def test_a_boolean_or_nan_where_a_number_is_expected_is_refused(
    tmp_path: Path, files: Files, expected: str
) -> None:
    assert refused(tmp_path, files) == [expected]


def test_ints_floats_and_numeric_strings_still_load(tmp_path: Path) -> None:
    project = loads(
        tmp_path,
        checks("""\
            - {type: row_count, min: "5", max: 1e3}
            - {type: range, column: amount, min: 0, max: 99.5}
            - {type: length, column: code, min: 2.0, max: "3"}
            - {type: not_null, column: id, max_failing: "2", samples: 0}
            - {type: accepted_values, column: active, values: [true, false]}
        """),
    )
    row_count, amount, code, ids, _ = project.assets[0].checks
    assert row_count.threshold() == {"min": 5.0, "max": 1000.0}
    assert amount.threshold() == {"max_failing": 0}
    assert (code.min, code.max, ids.max_failing) == (2, 3, 2)  # type: ignore[union-attr]


# --- channels, people, teams, owners ----------------------------------------------------------

CHANNELS = """\
channels:
  slack: {type: slack, webhook_url: "ftp://hooks.slack.test/x"}
  hook: {type: webhook, url: hooks.acme.test/trustwell}
  jira: {type: jira, url: "file:///etc/passwd", project: DATA, token: t0ken}
  mail: {type: email, smtp: "https://mail.acme.test", from: tw@acme.test}
  mail2: {type: email, smtp: "smtp://", from: tw@acme.test}
"""


def test_channel_urls_without_a_deliverable_scheme_are_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, {"trustwell.yml": CHANNELS}) == [
        "channels.slack: webhook_url must be an http:// or https:// URL, got 'ftp://'"
        " in trustwell.yml line 2",
        "channels.hook: url must be an http:// or https:// URL, got no scheme"
        " in trustwell.yml line 3",
        "channels.jira: url must be an http:// or https:// URL, got 'file://'"
        " in trustwell.yml line 4",
        "channels.mail: smtp must be an smtp:// or smtps:// URL, got 'https://'"
        " in trustwell.yml line 5",
        "channels.mail2: smtp must be an smtp:// or smtps:// URL with a host"
        " in trustwell.yml line 6",
    ]


def test_http_https_smtp_and_smtps_channels_load(tmp_path: Path) -> None:
    settings = """\
        channels:
          slack: {type: slack, webhook_url: "https://hooks.slack.test/services/T0/B0/x"}
          hook: {type: webhook, url: "http://127.0.0.1:9000/hook"}
          jira: {type: jira, url: "https://acme.atlassian.test", project: DATA, token: t0ken}
          mail: {type: email, smtp: "smtps://mail.acme.test:465", from: tw@acme.test}
          plain: {type: email, smtp: "smtp://localhost", from: tw@acme.test}
    """
    project = loads(tmp_path, {"trustwell.yml": textwrap.dedent(settings)})
    assert list(project.settings.channels) == ["slack", "hook", "jira", "mail", "plain"]


PEOPLE = """\
people:
  alice: {email: alice@acme.test}
  bob: {email: bob@acme.test}
teams:
  data-platform: {members: [alice, bobb, carol@acme.test], lead: dave}
oncall:
  data-platform:
    members: [alice, alcie]
    start: 2026-01-05T09:00:00Z
    overrides:
      - {who: carl, from: 2026-01-06T09:00:00Z, to: 2026-01-07T09:00:00Z}
"""


def test_people_of_teams_and_rotations_must_be_declared_under_people(tmp_path: Path) -> None:
    # An e-mail address reaches its owner without an entry, so it is not a problem.
    assert refused(tmp_path, {"trustwell.yml": PEOPLE}) == [
        "'bobb' of team 'data-platform' is not declared under people: in trustwell.yml line 5:"
        " did you mean 'bob'?",
        "'dave' of team 'data-platform' is not declared under people: in trustwell.yml line 5",
        "'alcie' of on-call rotation 'data-platform' is not declared under people:"
        " in trustwell.yml line 8: did you mean 'alice'?",
        "'carl' of on-call rotation 'data-platform' is not declared under people:"
        " in trustwell.yml line 11",
    ]


def test_without_people_team_members_are_free_names(tmp_path: Path) -> None:
    settings = "teams:\n  data-platform: {members: [alice, bob], lead: dave}\n"
    project = loads(tmp_path, {"trustwell.yml": settings})
    assert project.settings.teams["data-platform"].members == ["alice", "bob"]


TEAM_CHANNELS = """\
teams:
  data-platform: {channel: data-platfrom}
  growth: {channel: mail}
  finance: {channel: finance}
channels:
  data-platform: {type: slack, webhook_url: "https://hooks.slack.test/x"}
  mail: {type: email, smtp: "smtp://localhost:25", from: tw@acme.test}
"""


def test_a_teams_channel_must_be_an_announcing_channel_under_channels(tmp_path: Path) -> None:
    assert refused(tmp_path, {"trustwell.yml": TEAM_CHANNELS}) == [
        "channel 'data-platfrom' of team 'data-platform' is not a channel under channels:"
        " in trustwell.yml line 2: did you mean 'data-platform'?",
        "channel 'mail' of team 'growth' is an email channel: a team's channel announces"
        " incidents, so it must be of type slack, webhook or jira in trustwell.yml line 3",
        "channel 'finance' of team 'finance' is not a channel under channels:"
        " in trustwell.yml line 4: declare it under channels:",
    ]


def test_a_team_channel_is_checked_when_no_channels_are_declared(tmp_path: Path) -> None:
    assert refused(tmp_path, {"trustwell.yml": "teams:\n  data-platform: {channel: ops}\n"}) == [
        "channel 'ops' of team 'data-platform' is not a channel under channels:"
        " in trustwell.yml line 2: declare it under channels:"
    ]


def test_an_email_incident_channel_is_refused(tmp_path: Path) -> None:
    settings = (
        "incident_channel: mail\n"
        "channels:\n  mail: {type: email, smtp: 'smtp://localhost:25', from: tw@acme.test}\n"
    )
    assert refused(tmp_path, {"trustwell.yml": settings}) == [
        "incident_channel 'mail' is an email channel: it announces incidents, so it must be of"
        " type slack, webhook or jira in trustwell.yml line 1"
    ]


@pytest.mark.parametrize(
    ("settings", "hint"),
    [
        ("name: shop\n", ": declare it under teams:"),
        ("teams:\n  growth-ops: {}\n  finance: {}\n", ": did you mean 'growth-ops'?"),
    ],
    ids=["no teams declared", "teams declared"],
)
def test_an_owner_must_be_a_declared_team(tmp_path: Path, settings: str, hint: str) -> None:
    files = {"trustwell.yml": settings, "assets/o.yml": "assets:\n  - {name: cac, owner: growth}\n"}
    assert refused(tmp_path, files) == [
        f"owner 'growth' of asset 'cac' is not a team declared in trustwell.yml"
        f" in assets/o.yml line 2{hint}"
    ]


def test_announcing_team_channels_and_declared_owners_load(tmp_path: Path) -> None:
    settings = """\
        people:
          alice: {email: alice@acme.test}
        teams:
          data-platform: {members: [alice, bob@acme.test], lead: alice, channel: platform}
        channels:
          platform: {type: webhook, url: "https://ops.acme.test/trustwell"}
    """
    files = {
        "trustwell.yml": textwrap.dedent(settings),
        "assets/o.yml": "assets:\n  - {name: cac, owner: data-platform}\n",
    }
    assert loads(tmp_path, files).assets[0].owner == "data-platform"


# --- all together -----------------------------------------------------------------------------


def test_every_problem_is_listed_together_and_nothing_recorded_is_lost(tmp_path: Path) -> None:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA shop")
    connection.execute("CREATE TABLE shop.orders AS SELECT 1 AS id")
    connection.close()
    settings = "warehouses:\n  main: {type: duckdb, path: warehouse.duckdb}\n"
    write(tmp_path, {"trustwell.yml": settings, **checks("- {type: row_count, min: 1}\n")})
    assert cli(tmp_path, "run")[0] == 0
    broken = settings + "teams:\n  dp: {channel: ops}\nresponse:\n  SEV-1: {ack_within: 0s}\n"
    write(
        tmp_path,
        {
            "trustwell.yml": broken,
            **checks("""\
                - {type: row_count, min: true}
                - {type: range, column: amount, min: 10, max: 5}
                - {type: not_null, column: ''}
                - {type: freshness, column: loaded_at, max_age: 0s}
            """),
            "assets/more.yml": "assets:\n  - {name: a/b, owner: growth}\n",
        },
    )
    code, stderr = cli(tmp_path, "run")
    assert code == 2
    assert stderr.splitlines() == [
        "error: the project is invalid (8 problems):",
        "  channel 'ops' of team 'dp' is not a channel under channels: in trustwell.yml line 4:"
        " declare it under channels:",
        "  ack_within of SEV-1: '0s' must be longer than 0 in trustwell.yml line 6",
        "  name 'a/b' contains '/', which cannot be part of a link or an API route"
        " (/assets/NAME): use '.' or '_' instead in assets/more.yml line 2",
        "  owner 'growth' of asset 'a/b' is not a team declared in trustwell.yml"
        " in assets/more.yml line 2: known names are 'dp'",
        "  min must be a number, got true in assets/orders.yml line 5",
        "  min 10 is greater than max 5 in check 'range' in assets/orders.yml line 6",
        "  column must be a non-empty name, got '' in assets/orders.yml line 7",
        "  max_age: '0s' must be longer than 0 in assets/orders.yml line 8",
    ]
    with sqlite3.connect(tmp_path / ".trustwell" / "trustwell.db") as store:
        assert store.execute("select count(*) from runs").fetchone() == (1,)
