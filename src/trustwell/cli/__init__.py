"""Command-line interface: parse arguments, call a service, print."""

from __future__ import annotations

import importlib
from types import ModuleType

# Command modules, each with ``register(app)``. Order is the order in --help.
_COMMAND_MODULES = (
    "run",
    "history",
    "slo",
    "anomaly",
    "lineage",
    "incident",
    "ops",
    "metrics",
    "review",
    "serve",
    "token",
    "subscriptions",
    "oncall",
    "outbox",
    "runbook",
    "postmortem",
    "actions",
    "project_cmds",
    "import_cmds",
    "demo",
    "certify",
    "contract",
    "debt",
    "baseline",
)


def commands() -> list[ModuleType]:
    found = []
    for name in _COMMAND_MODULES:
        try:
            found.append(importlib.import_module(f"trustwell.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"trustwell.cli.{name}":
                raise
    return found
