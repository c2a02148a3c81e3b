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


#: The top-level commands of the modules not named after their one command.
#: ``tests/cli/test_run_imports.py`` checks every module against this table.
_COMMANDS_OF = {
    "ops": ("tick", "drill"),
    "subscriptions": ("unsubscribe",),
    "project_cmds": ("init", "schema"),
    "import_cmds": ("import",),
}


def module_of(command: str) -> str | None:
    """The command module that registers the top-level ``command``, if any."""
    for name in _COMMAND_MODULES:
        if command in _COMMANDS_OF.get(name, (name,)):
            return name
    return None


def commands(command: str | None = None) -> list[ModuleType]:
    """The command modules: all of them, or only the one registering ``command``.

    Typer inspects the parameters of every registered command each time the
    program starts, so ``trustwell run`` registers only ``run``; an unknown
    name gets every module (and Click's "did you mean").
    """
    only = module_of(command) if command else None
    found = []
    for name in (only,) if only else _COMMAND_MODULES:
        try:
            found.append(importlib.import_module(f"trustwell.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"trustwell.cli.{name}":
                raise
    return found
