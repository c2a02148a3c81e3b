"""Reading dbt artifacts (pure), and a generated file that would not load: on small manifests.

The real dbt's output is tested in test_dbt_real.py; these cover what that
project does not have: ephemeral models, group owners, bad tiers, tests of
two models, skipped tests, other artifacts given in the wrong place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.conftest import cli
from trustwell.integrations.dbt.manifest import DbtArtifactError, read_manifest
from trustwell.integrations.dbt.run_results import read_run_results, results_for_tests

MANIFEST_V12 = "https://schemas.getdbt.com/dbt/manifest/v12.json"
RUN_RESULTS_V6 = "https://schemas.getdbt.com/dbt/run-results/v6.json"


def node(kind: str, name: str, *parents: str, **extra: Any) -> dict[str, Any]:
    return {
        "resource_type": kind,
        "name": name,
        "schema": "analytics",
        "alias": name,
        "config": extra.pop("config", {"materialized": "table"}),
        "depends_on": {"nodes": list(parents)},
        **extra,
    }


def manifest(**nodes: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"dbt_schema_version": MANIFEST_V12, "project_name": "p", "invocation_id": "i"},
        "nodes": nodes,
        "sources": {},
        "groups": {"group.p.core": {"name": "core", "owner": {"name": "platform"}}},
        "exposures": {},
    }


def test_lineage_passes_through_an_ephemeral_model_which_is_no_asset() -> None:
    read = read_manifest(
        manifest(
            **{
                "model.p.a": node("model", "a"),
                "model.p.mid": node(
                    "model", "mid", "model.p.a", config={"materialized": "ephemeral"}
                ),
                "model.p.b": node("model", "b", "model.p.mid"),
            }
        ),
        "m.json",
    )
    assert [a.name for a in read.assets] == ["analytics.a", "analytics.b"]
    assert read.edges == [("analytics.a", "analytics.b")]


def test_owner_comes_from_the_group_and_a_tier_outside_1_to_3_is_left_out_and_said() -> None:
    read = read_manifest(
        manifest(**{"model.p.a": node("model", "a", group="core", meta={"tier": 5})}), "m.json"
    )
    (asset,) = read.assets
    assert (asset.owner, asset.tier) == ("platform", None)
    assert read.notes == ["analytics.a: meta.tier 5 is not 1, 2 or 3: left out"]


def test_a_singular_test_of_two_models_is_left_out_and_said() -> None:
    read = read_manifest(
        manifest(
            **{
                "model.p.a": node("model", "a"),
                "model.p.b": node("model", "b"),
                "test.p.both": node("test", "both", "model.p.a", "model.p.b"),
            }
        ),
        "m.json",
    )
    assert read.tests == []
    assert read.notes == ["test both: it tests no single model, seed, snapshot or source: left out"]


def test_a_skipped_test_has_no_result_and_is_said() -> None:
    read = read_manifest(
        manifest(
            **{
                "model.p.a": node("model", "a"),
                "test.p.t": node("test", "t", "model.p.a", attached_node="model.p.a"),
            }
        ),
        "m.json",
    )
    run = read_run_results(
        {
            "metadata": {"dbt_schema_version": RUN_RESULTS_V6},
            "results": [{"unique_id": "test.p.t", "status": "skipped", "failures": None}],
        },
        "r.json",
    )
    assert results_for_tests(read, run) == ([], ["test t: skipped in this run: no result recorded"])


def test_run_results_given_as_the_manifest_are_refused_by_name() -> None:
    with pytest.raises(DbtArtifactError) as caught:
        read_manifest({"metadata": {"dbt_schema_version": RUN_RESULTS_V6}}, "r.json")
    assert str(caught.value) == (
        "r.json: not a dbt manifest (no metadata.dbt_schema_version naming manifest)"
    )


def test_a_generated_file_that_would_not_load_is_put_back_and_nothing_recorded(
    tmp_path: Path,
) -> None:
    (tmp_path / "trustwell.yml").write_text("name: p\n")
    (tmp_path / "assets").mkdir()
    generated = tmp_path / "assets" / "dbt.yml"
    generated.write_text("assets: []\n")
    # A test's `where` becomes the check's: trustwell refuses one that writes.
    where = {"materialized": "test", "where": "1=1; drop table analytics.a"}
    data = manifest(
        **{
            "model.p.a": node("model", "a", columns={"id": {"name": "id"}}),
            "test.p.not_null_a_id": node(
                "test",
                "not_null_a_id",
                "model.p.a",
                attached_node="model.p.a",
                column_name="id",
                test_metadata={"name": "not_null", "kwargs": {"column_name": "id"}},
                config=where,
            ),
        }
    )
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    code, stdout, stderr = cli(tmp_path, "import", "dbt", str(tmp_path / "manifest.json"))
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: assets/dbt.yml left as it was: with this manifest it would not load:\n"
        "where must be one SQL statement, got 2 in assets/dbt.yml line 15\n"
    )
    assert generated.read_text() == "assets: []\n"


def test_a_snapshot_is_an_asset_and_a_source_is_named_by_its_identifier() -> None:
    data = manifest(**{"snapshot.p.s": node("snapshot", "s", "source.p.raw.events")})
    data["sources"] = {
        "source.p.raw.events": {
            "resource_type": "source",
            "name": "events",
            "source_name": "raw",
            "schema": "landing",
            "identifier": "events_v2",
            "config": {},
            "meta": {"owner": "platform", "tier": 2},
        }
    }
    read = read_manifest(data, "m.json")
    assert [(a.name, a.resource_type, a.owner, a.tier) for a in read.assets] == [
        ("analytics.s", "snapshot", None, None),
        ("landing.events_v2", "source", "platform", 2),
    ]
    assert read.edges == [("landing.events_v2", "analytics.s")]
