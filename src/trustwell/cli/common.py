"""Helpers shared by the commands: loading the project, exit codes, consoles."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.config.models import Project

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class OutputFormat(enum.StrEnum):
    """``--format`` of the commands that print either a table or JSON."""

    text = "text"
    json = "json"


FormatArg = Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")]


ProjectOption = typer.Option(
    Path("."), "--project", "-p", help="Project folder (default: the current folder)."
)


def hold_collection() -> None:
    """No cyclic garbage collection until :func:`release_collection` (start-up only).

    Start-up (imports, Pydantic schemas, the project) creates over a million
    objects that are never garbage; with the collector on, each young
    collection scans tens of thousands of them again.
    """
    import gc

    gc.disable()


def release_collection() -> None:
    """End of start-up: what it made is frozen (never scanned again), collection back on.

    The few cycles start-up leaves unreachable are frozen with the rest (under
    a thousand objects for the benchmark's project): a full collection to find
    them would cost what holding saved. Does nothing when collection was not
    held (a test calling a command in-process).
    """
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def actor_name(value: str | None) -> str:
    """Who acts: ``--as``, else ``TRUSTWELL_USER``, else the login name."""
    if value:
        return value
    import getpass
    import os

    return os.environ.get("TRUSTWELL_USER") or getpass.getuser()


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def print_error(message: str) -> None:
    """Print an error line to stderr, scrubbed: messages carry exceptions' texts."""
    from trustwell.redact import scrub

    print(scrub(message), file=sys.stderr)


def fail_invalid(message: str) -> typer.Exit:
    """Print a usage/project error to stderr (scrubbed); return the Exit(2) to raise."""
    print_error(message)
    return typer.Exit(EXIT_INVALID)


class TrustwellGroup(TyperGroup):
    """The root command group: every domain error is one scrubbed line and its exit code.

    Services raise :class:`trustwell.errors.TrustwellError` subclasses (an unknown
    incident, an illegal transition, a store that cannot be opened or used, …),
    each with its ``exit_code``; mapping them here, once, keeps a traceback from
    any command, including ones added later.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from trustwell.errors import TrustwellError

            if isinstance(exc, TrustwellError):
                print_error(f"error: {exc}")
                raise typer.Exit(exc.exit_code) from None
            raise


def load_project_or_exit(root: Path) -> Project:
    """Load and validate the project, or print every problem and exit 2.

    A folder without ``trustwell.yml`` is not a project, even with ``assets/``:
    the loader alone would read it as an empty project with default settings,
    so ``run`` would check nothing and exit 0 (a CI job gone green) and the
    store would be created there. Refused first, before anything is written.
    """
    from trustwell.config.documents import SETTINGS_FILE
    from trustwell.config.errors import ProjectError
    from trustwell.config.loader import load_project

    folder = root.resolve()
    if folder.is_dir() and not (folder / SETTINGS_FILE).is_file():
        raise fail_invalid(
            f"error: no {SETTINGS_FILE} in {folder} (create one with 'trustwell init')"
        )
    try:
        return load_project(root)
    except ProjectError as exc:
        count = len(exc.problems)
        print_error(f"error: the project is invalid ({count} problem{'s' * (count != 1)}):")
        for problem in exc.problems:
            print_error(f"  {problem}")
        raise typer.Exit(EXIT_INVALID) from None
