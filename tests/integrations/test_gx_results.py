"""``trustwell import gx-results`` refuses what is not a GX result, whole, and records nothing.

The good paths run against real GX output in test_gx_real.py; these are the files
a user may pass by mistake, each next to nothing recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.conftest import cli, cli_json


def validation(asset: str | None, *results: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"great_expectations_version": "1.24.1"}
    if asset is not None:
        meta["active_batch_definition"] = {"datasource_name": "w", "data_asset_name": asset}
    return {"success": False, "suite_name": "s", "results": list(results), "meta": meta}


def expectation_result(
    success: Any, kind: str = "expect_column_values_to_be_unique"
) -> dict[str, Any]:
    return {
        "success": success,
        "expectation_config": {"type": kind, "kwargs": {"column": "id"}, "severity": "critical"},
        "result": {"element_count": 3, "unexpected_count": 1, "unexpected_percent": 33.3},
        "exception_info": {"raised_exception": False},
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{\n  "results": [,]}', " line 2 column 15: not valid JSON: Expecting value"),
        ("[1, 2]", ": not a GX validation or checkpoint result (a JSON object)"),
        (
            '{"name": "orders"}',
            ": not a GX validation or checkpoint result (no 'results' or 'run_results')",
        ),
        (
            json.dumps({"success": False, "statistics": {}, "validation_results": []}),
            ": a checkpoint's describe() summary names no data asset: save each validation "
            "result instead (json.dump(v.to_json_dict()) for v in result.run_results.values())",
        ),
        (
            json.dumps({"run_results": {"a": validation("raw.feed"), "b": [1]}}),
            ": run_results['b'] is not a validation result",
        ),
        (
            json.dumps(validation(None, expectation_result(False))),
            ": validation 1 names no data asset (meta.active_batch_definition.data_asset_name)",
        ),
        (
            json.dumps(validation("raw.feed", expectation_result(False), expectation_result("no"))),
            ": validation 1, expectation result 2: 'success' is not true or false",
        ),
        (
            json.dumps(validation("raw.feed", {"success": True})),
            ": validation 1, expectation result 1: no expectation_config",
        ),
        (json.dumps({"run_results": {}}), ": the checkpoint result holds no validation"),
    ],
)
def test_a_file_that_is_not_a_gx_result_exits_2_naming_it_and_records_nothing(
    project_dir: Path, content: str, message: str
) -> None:
    path = project_dir / "result.json"
    path.write_text(content)
    code, stdout, stderr = cli(project_dir, "import", "gx-results", str(path))
    assert (code, stdout, stderr) == (2, "", f"error: {path}{message}\n")
    assert cli_json(project_dir, "history", "raw.feed") == []
    assert cli_json(project_dir, "incident", "list") == []


def test_a_failed_expectation_of_severity_warning_warns_and_opens_nothing(
    project_dir: Path,
) -> None:
    result = expectation_result(False)
    result["expectation_config"]["severity"] = "warning"
    path = project_dir / "result.json"
    path.write_text(json.dumps(validation("raw.feed", result)))
    document = cli_json(project_dir, "import", "gx-results", str(path))
    ((found),) = document["results"]
    assert (found["check"], found["status"], found["value"]) == (
        "gx:expect_column_values_to_be_unique(id)",
        "warn",
        1.0,
    )
    assert document["incidents"] == []


def test_a_gx_error_carrying_a_password_is_stored_and_shown_without_it(
    project_dir: Path,
) -> None:
    result = expectation_result(False)
    result["exception_info"] = {
        "MetricConfigurationID(metric_name='column_values.unique.condition')": {
            "exception_message": "could not connect to postgresql://gx:Sekrit-9@db.acme/x",
            "raised_exception": True,
        }
    }
    path = project_dir / "result.json"
    path.write_text(json.dumps(validation("raw.feed", result)))
    code, stdout, _ = cli(project_dir, "import", "gx-results", str(path))
    assert code == 0
    assert stdout.startswith("recorded 1 GX result as run ")
    assert stdout.splitlines()[0].endswith(": 1 error")
    assert "Sekrit-9" not in stdout
    assert "could not connect to postgresql://gx:" in stdout
    (entry,) = cli_json(project_dir, "history", "raw.feed")
    assert entry["status"] == "error"
    assert entry["message"].startswith(
        "GX could not run expect_column_values_to_be_unique on id: could not connect to"
    )
    assert "Sekrit-9" not in json.dumps(entry)
