"""``trustwell --help``: the command list without building every command's options.

Typer turns each registered command into a Click command by reading its
function's signature and annotations: for the ~50 commands, a third of
``trustwell --help``. The list shows only each command's name and help, so
:func:`listing` gives Typer a stand-in for each command and group, with the
same name, help, short help, hidden and deprecated flags as Typer itself
resolves them, and no parameter. ``tests/cli/test_help_listing.py`` holds the
help of the stand-ins to the help of the real application.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def _stand_in() -> None:
    """Never run: a command of the listing (main() builds the real one to run it)."""


def listing(app: typer.Typer, into: typer.Typer) -> typer.Typer:
    """``into`` with a parameterless stand-in for every command and group registered on ``app``."""
    import typer
    from typer.main import get_command_name, solve_typer_info_defaults

    for info in app.registered_commands:
        callback = info.callback
        assert callback is not None  # Typer's own rule: a command has a function
        name = info.name or get_command_name(callback.__name__)
        into.command(
            name,
            help=info.help if info.help is not None else inspect.getdoc(callback),
            short_help=info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
        )(_stand_in)
    for group in app.registered_groups:
        solved = solve_typer_info_defaults(group)
        if not solved.name:  # a group without a name lends its commands to the parent
            assert group.typer_instance is not None
            into.add_typer(listing(group.typer_instance, typer.Typer()))
            continue
        into.add_typer(
            typer.Typer(),
            name=solved.name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )
    return into
