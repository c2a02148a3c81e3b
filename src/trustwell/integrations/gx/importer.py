"""``trustwell import gx-results``: a GX result file recorded as external results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.config.errors import nearest_names_hint
from trustwell.integrations.external import UnknownAsset, record_external
from trustwell.integrations.gx.results import read_results
from trustwell.integrations.jsonfile import read_json

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport
    from trustwell.config.models import Project
    from trustwell.store import Store


def import_gx_results(
    project: Project, store: Store, path: Path, *, actor: str | None = None
) -> RunReport:
    """Record every expectation result of ``path`` as one run; nothing when any is wrong.

    A data asset the project does not declare is refused with the file, the
    validation and the nearest asset names (:class:`UnknownAsset`, exit code 2).
    """
    validations = read_results(read_json(path), str(path))
    known = [a.name for a in project.assets]
    for validation in validations:
        if validation.data_asset not in known:
            hint = nearest_names_hint(validation.data_asset, known)
            raise UnknownAsset(
                f"{path}: validation {validation.index}: no asset is named "
                f"'{validation.data_asset}' (GX's data asset name){hint}"
            )
    results = [r for v in validations for r in v.results]
    return record_external(project, store, "gx", results, actor=actor)
