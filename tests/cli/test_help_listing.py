"""`trustwell --help` lists stand-ins (trustwell.cli.listing): it prints what the real app does."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from trustwell.cli.app import create_app


@pytest.mark.parametrize("width", [60, 80, 200])
@pytest.mark.parametrize("args", [["--help"], [], ["--version"], ["--bogus"]])
def test_the_listing_prints_what_the_whole_application_prints(args: list[str], width: int) -> None:
    runner = CliRunner()
    real = runner.invoke(create_app(), args, prog_name="trustwell", terminal_width=width)
    listed = runner.invoke(
        create_app(listing=True), args, prog_name="trustwell", terminal_width=width
    )
    assert (listed.exit_code, listed.stdout, listed.stderr) == (
        real.exit_code,
        real.stdout,
        real.stderr,
    )
    assert real.exit_code in (0, 2) and (real.stdout or real.stderr)
    if args == ["--help"]:
        for name in ("run", "incident", "import", "tick", "baseline"):  # commands and groups
            assert f"\n  {name} " in real.stdout


def test_stand_ins_keep_names_helps_and_hidden_commands_of_any_app() -> None:
    from trustwell.cli.listing import listing

    app = typer.Typer(name="x", no_args_is_help=True)
    app.callback()(lambda: None)

    @app.command()
    def shown_cmd(flag: bool = False) -> None:
        """Shown, named after its function: the first line.

        More text that the list leaves out.
        """

    @app.command("secret", hidden=True)
    def secret() -> None:
        """Hidden."""

    @app.command("old", deprecated=True, help="Explicit help wins.", short_help="Short.")
    def old() -> None:
        """Docstring that loses."""

    named = typer.Typer(name="group", help="A named group.")
    named.command("sub")(secret)
    unnamed = typer.Typer()
    unnamed.command("lent")(old)
    app.add_typer(named)
    app.add_typer(unnamed)

    into = typer.Typer(name="x", no_args_is_help=True)
    into.callback()(lambda: None)
    runner = CliRunner()
    real = runner.invoke(app, ["--help"], prog_name="x")
    listed = runner.invoke(listing(app, into), ["--help"], prog_name="x")
    assert listed.stdout == real.stdout
    assert "shown-cmd" in real.stdout and "secret" not in real.stdout
    assert "lent" in real.stdout and "group" in real.stdout and "Short." in real.stdout
