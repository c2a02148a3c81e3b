"""``trustwell review``: write the monthly review as HTML and Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import ProjectOption, fail_invalid, load_project_or_exit


def register(app: typer.Typer) -> None:
    """Add ``trustwell review`` to the app."""
    app.command("review")(review_command)


def review_command(
    month: Annotated[str, typer.Option("--month", help="The month to review, YYYY-MM.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write to (default: the project's reviews/)."),
    ] = None,
    project: Path = ProjectOption,
) -> None:
    """Write the monthly incident review (review-YYYY-MM.html and .md) and print the paths.

    The review ends with the data-quality debt as it stands (``trustwell debt``).
    """
    from trustwell.cli.debt import load_debt_or_exit
    from trustwell.review.build import build_review, render_html, render_markdown
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    hand = load_debt_or_exit(loaded)
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        review = build_review(store, loaded, month, debt=hand)
    except ValueError as exc:
        raise fail_invalid(f"error: {exc}") from None
    finally:
        store.close()
    folder = out if out is not None else loaded.root / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"review-{month}.html"
    md_path = folder / f"review-{month}.md"
    html_path.write_text(render_html(review), encoding="utf-8")
    md_path.write_text(render_markdown(review), encoding="utf-8")
    typer.echo(str(html_path))
    typer.echo(str(md_path))
