"""The ``trustwell`` command: a thin Typer layer over the service functions.

Each command module exposes ``register(app)``; this module only assembles
them, so ``trustwell --help`` imports nothing heavy.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

# Typer is imported by create_app, not here: `trustwell run` from a kept plan
# (trustwell.quickrun) never needs it.


def _version(value: bool) -> None:
    import typer

    from trustwell import __version__

    if value:
        typer.echo(f"trustwell {__version__}")
        raise typer.Exit()


def _root_callback() -> Any:
    import typer

    def _root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        """trustwell: detect, respond, prevent, certify, show."""

    return _root


def create_app(command: str | None = None, *, listing: bool = False) -> typer.Typer:
    """A fresh application with every command registered (tests build their own).

    With ``command`` (the first argument :func:`main` was given), only the module
    of that command is imported and registered: what ``trustwell run`` starts with.
    With ``listing``, every command is a stand-in with its name and help and no
    option (:mod:`trustwell.cli.listing`): what ``trustwell --help`` prints.
    """
    from trustwell.cli import commands

    app = _root_app()
    for module in commands(command):
        module.register(app)
    if listing:
        from trustwell.cli.listing import listing as stand_ins

        return stand_ins(app, _root_app())
    return app


def _root_app() -> typer.Typer:
    import typer

    from trustwell.cli.common import TrustwellGroup

    app = typer.Typer(
        cls=TrustwellGroup,
        name="trustwell",
        help="Checks-as-code, incidents and trust signals for your data.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Plain help and usage errors: Typer's Rich formatter imports ~0.1 s of
        # rich and markdown-it, more than the rest of `trustwell --help`.
        rich_markup_mode=None,
    )
    app.callback()(_root_callback())
    return app


def main() -> None:
    """The ``trustwell`` command: every log line scrubbed, and a crash too.

    The cyclic garbage collector is told to wait for 50,000 new objects (not
    700) between young collections: start-up creates a few hundred thousand
    objects (modules, classes, Pydantic schemas) that are never garbage, and
    collecting them over and over cost ~0.06-0.09 s of CPU in every
    ``trustwell run``. Reference counting still frees everything else at once.
    ``trustwell run`` goes further: no collection at all until its project is
    loaded (:func:`~trustwell.cli.common.hold_collection`), ~0.1 s of CPU less.

    Pydantic plugins are off unless ``PYDANTIC_DISABLE_PLUGINS`` is set (to
    an empty value, say): looking for them reads the entry points of every
    installed package (~0.02 s) before the first model is built, and
    trustwell's models are its own (Typer turns them off for its too).
    """
    import gc
    import os

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

    from trustwell.redact import install_log_scrubbing

    _, middle, old = gc.get_threshold()
    gc.set_threshold(50_000, middle, old)
    install_log_scrubbing()
    try:
        first = sys.argv[1] if len(sys.argv) > 1 else ""
        if first == "run":  # a one-shot process: no collection until its checks start
            from trustwell.quickrun.run import quick_run

            try:
                code = quick_run(sys.argv[2:])  # a kept plan, before Typer: trustwell.quickrun
            except KeyboardInterrupt:  # as Click ends a command on Ctrl-C; nothing was recorded
                sys.stderr.write("\nAborted!\n")
                raise SystemExit(1) from None
            if code is not None:
                raise SystemExit(code)
            from trustwell.cli.common import hold_collection

            hold_collection()
        # Only root options (--help, --version) or nothing: the command list alone.
        root_only = not first or first.startswith("-")
        create_app(None if root_only else first, listing=root_only)()
    except Exception as exc:
        # A bug, not a user error: show the traceback as Python would, but an
        # exception's text may carry a connection string, so scrubbed.
        import traceback

        from trustwell.redact import scrub

        sys.stderr.write(scrub("".join(traceback.format_exception(exc))))
        raise SystemExit(1) from None
