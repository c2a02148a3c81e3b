"""JSON Schemas of the two project file kinds, generated from the Pydantic models.

Editors use them for completion and validation (e.g. the YAML language server's
``# yaml-language-server: $schema=…`` comment). The loader remains the authority:
it also checks what a schema cannot express (names across files, SQL, ``${VAR}``).
"""

from __future__ import annotations

from typing import Any

from trustwell import __version__

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = {"project": "trustwell.yml", "assets": "assets.yml"}


def json_schema() -> dict[str, dict[str, Any]]:
    """``{"trustwell.yml": schema, "assets.yml": schema}`` for the current version.

    >>> sorted(json_schema())
    ['assets.yml', 'trustwell.yml']
    """
    from pydantic import BaseModel

    from trustwell.config.models import AssetsFile, ProjectSettings

    titles: dict[str, tuple[type[BaseModel], str]] = {
        "trustwell.yml": (ProjectSettings, "trustwell project settings (trustwell.yml)"),
        "assets.yml": (AssetsFile, "trustwell data assets and checks (assets/*.yml)"),
    }
    result: dict[str, dict[str, Any]] = {}
    for file_kind, (model, title) in titles.items():
        body = model.model_json_schema(by_alias=True, mode="validation")
        result[file_kind] = {
            "$schema": SCHEMA_DIALECT,
            "$id": f"urn:trustwell:schema:{file_kind}:{__version__}",
            **body,
            "title": title,
        }
    return result
