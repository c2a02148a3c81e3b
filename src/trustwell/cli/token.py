"""``trustwell token create|revoke``: API tokens for the web service."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from trustwell.cli.common import ProjectOption, actor_name, load_project_or_exit
from trustwell.cli.incident_common import ActorOption

token_app = typer.Typer(help="Create and revoke API tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


@token_app.command("create")
def create_command(
    name: str = typer.Option(..., "--name", help="Who or what uses the token."),
    role: str = typer.Option(..., "--role", help="viewer, reporter, responder or admin."),
    actor: str | None = ActorOption,
    project: Path = ProjectOption,
) -> None:
    """Create a token; it is printed once, alone on the last line."""
    from trustwell.auth.tokens import create_token
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:  # AuthError is a domain error: the root group prints it (exit 2)
        token = create_token(store, name=name, role=role, actor=actor_name(actor))
    finally:
        store.close()
    print(f"created {role} token {name!r}; it is shown only now:", file=sys.stderr)
    print(token)


@token_app.command("revoke")
def revoke_command(
    name: str = typer.Option(..., "--name"),
    actor: str | None = ActorOption,
    project: Path = ProjectOption,
) -> None:
    """Revoke a token (its sessions end too)."""
    from trustwell.auth.tokens import revoke_token
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        revoke_token(store, name=name, actor=actor_name(actor))
    finally:
        store.close()
