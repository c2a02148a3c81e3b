"""GX 1.x validation results as external results (pure: JSON in, results out).

Reads a single validation result (``ExpectationSuiteValidationResult.to_json_dict()``,
also what GX's validations store writes) or a checkpoint result whose
``run_results`` map each validation to one. Each validation's data asset name
(``meta.active_batch_definition.data_asset_name``) is the asset of the same name;
each expectation result becomes one :class:`ExternalResult` named
``gx:TYPE(COLUMN)``:

- ``pass`` when GX says success; ``fail`` when not (``warn`` for an expectation
  of severity ``warning`` or ``info``); ``error`` when GX could not run it;
- ``value``: the unexpected count, else the observed value when it is a number;
- ``failing_fraction``: GX's unexpected percent / 100;
- ``details``: expectation type, kwargs, observed value, element, unexpected and
  missing counts and percent, the suite, GX's validation id and run time.

GX's ``partial_unexpected_list`` (row values) is never kept: a value may be
personal data, and trustwell's own samples are masked by ``pii:``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trustwell.checks.result import Status
from trustwell.errors import Invalid
from trustwell.integrations.results import ExternalResult

#: The facts of GX's ``result`` object kept in details (numbers and the observed value).
_KEPT = (
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
    "missing_percent",
    "unexpected_percent_nonmissing",
)
_DESCRIBE_HINT = (
    "a checkpoint's describe() summary names no data asset: save each validation "
    "result instead (json.dump(v.to_json_dict()) for v in result.run_results.values())"
)


class ResultsError(Invalid):
    """The file is not a GX 1.x validation or checkpoint result (exit code 2)."""


@dataclass(frozen=True)
class Validation:
    """One validation of a GX file: its data asset and its expectation results."""

    index: int  # 1-based, in file order
    data_asset: str
    results: list[ExternalResult]


def read_results(data: Any, label: str) -> list[Validation]:
    """Every validation in ``data`` (parsed JSON); ``label`` names the file in errors."""
    used: dict[str, set[str]] = {}  # check names per asset, across the file's validations
    found = [
        _validation(index, item, label, used)
        for index, item in enumerate(_validation_documents(data, label), start=1)
    ]
    if not found:
        raise ResultsError(f"{label}: the checkpoint result holds no validation")
    return found


def _validation_documents(data: Any, label: str) -> list[Mapping[str, Any]]:
    if not isinstance(data, dict):
        raise ResultsError(f"{label}: not a GX validation or checkpoint result (a JSON object)")
    if isinstance(data.get("results"), list):
        return [data]
    runs = data.get("run_results")
    if isinstance(runs, dict):
        documents: list[Mapping[str, Any]] = []
        for key, value in runs.items():
            # GX 0.x wrapped each one: {"validation_result": …, "actions_results": …}.
            document = value.get("validation_result", value) if isinstance(value, dict) else None
            if not isinstance(document, dict) or not isinstance(document.get("results"), list):
                raise ResultsError(f"{label}: run_results[{key!r}] is not a validation result")
            documents.append(document)
        return documents
    if isinstance(data.get("validation_results"), list):
        raise ResultsError(f"{label}: {_DESCRIBE_HINT}")
    raise ResultsError(
        f"{label}: not a GX validation or checkpoint result (no 'results' or 'run_results')"
    )


def _validation(
    index: int, document: Mapping[str, Any], label: str, used_by_asset: dict[str, set[str]]
) -> Validation:
    meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    batch = meta.get("active_batch_definition") or meta.get("batch_spec") or {}
    asset = batch.get("data_asset_name") if isinstance(batch, dict) else None
    if not isinstance(asset, str) or not asset:
        raise ResultsError(
            f"{label}: validation {index} names no data asset "
            "(meta.active_batch_definition.data_asset_name)"
        )
    context = {
        "suite": document.get("suite_name"),
        "validation_id": meta.get("validation_id"),
        "run_time": (meta.get("run_id") or {}).get("run_time")
        if isinstance(meta.get("run_id"), dict)
        else None,
    }
    results: list[ExternalResult] = []
    used = used_by_asset.setdefault(asset, set())
    for position, item in enumerate(document["results"], start=1):
        where = f"{label}: validation {index}, expectation result {position}"
        if not isinstance(item, dict) or not isinstance(item.get("expectation_config"), dict):
            raise ResultsError(f"{where}: no expectation_config")
        results.append(_result(asset, item, where, used, context))
    return Validation(index, asset, results)


def _result(
    asset: str,
    item: Mapping[str, Any],
    where: str,
    used: set[str],
    context: Mapping[str, Any],
) -> ExternalResult:
    config = item["expectation_config"]
    kind = config.get("type") or config.get("expectation_type")
    if not isinstance(kind, str) or not kind:
        raise ResultsError(f"{where}: the expectation has no type")
    kwargs = config.get("kwargs") if isinstance(config.get("kwargs"), dict) else {}
    assert isinstance(kwargs, dict)
    column = kwargs.get("column") if isinstance(kwargs.get("column"), str) else None
    name = f"gx:{kind}({column})" if column else f"gx:{kind}"
    if name in used:  # the same expectation type twice on one column: numbered in suite order
        n = 2
        while f"{name}#{n}" in used:
            n += 1
        name = f"{name}#{n}"
    used.add(name)
    facts = item.get("result") if isinstance(item.get("result"), dict) else {}
    assert isinstance(facts, dict)
    status, message = _status(kind, column, item, config, facts, where)
    unexpected = _number(facts.get("unexpected_count"))
    percent = _number(facts.get("unexpected_percent"))
    value = unexpected if unexpected is not None else _number(facts.get("observed_value"))
    details: dict[str, Any] = {"expectation_type": kind}
    details["kwargs"] = {k: v for k, v in kwargs.items() if k != "batch_id"}
    details.update({k: facts[k] for k in _KEPT if k in facts})
    details.update({k: v for k, v in context.items() if v is not None})
    return ExternalResult(
        asset=asset,
        check=name,
        type=kind,
        status=status,
        value=value,
        message=message,
        column=column,
        failing_fraction=None if percent is None else min(max(percent / 100, 0.0), 1.0),
        unit="rows" if unexpected is not None else "number",
        details=details,
    )


def _status(
    kind: str,
    column: str | None,
    item: Mapping[str, Any],
    config: Mapping[str, Any],
    facts: Mapping[str, Any],
    where: str,
) -> tuple[Status, str]:
    on = f" on {column}" if column else ""
    raised = _exception(item.get("exception_info"))
    if raised is not None:
        return "error", f"GX could not run {kind}{on}: {raised}"
    success = item.get("success")
    if not isinstance(success, bool):
        raise ResultsError(f"{where}: 'success' is not true or false")
    found = _facts_text(facts)
    if success:
        return "pass", f"GX {kind}{on} passed{found}"
    severity = config.get("severity", "critical")
    status: Status = "fail" if severity in (None, "critical") else "warn"
    return status, f"GX {kind}{on} failed{found}"


def _facts_text(facts: Mapping[str, Any]) -> str:
    unexpected = _number(facts.get("unexpected_count"))
    if unexpected is not None:
        percent = _number(facts.get("unexpected_percent"))
        share = f" ({percent:.3g} %)" if percent is not None else ""
        return f": {unexpected:.0f} unexpected value{'s' * (unexpected != 1)}{share}"
    if "observed_value" in facts:
        return f": observed {facts['observed_value']!r}"
    return ""


def _exception(info: Any) -> str | None:
    """GX's message when it could not run the expectation (its two shapes), else None."""
    if not isinstance(info, dict):
        return None
    if "raised_exception" in info:
        candidates = [info]
    else:  # 1.x: one entry per metric that failed, keyed by the metric's id
        candidates = [v for v in info.values() if isinstance(v, dict)]
    for entry in candidates:
        if entry.get("raised_exception") in (True, "True", "true"):
            return str(entry.get("exception_message") or "an exception without a message")
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None
