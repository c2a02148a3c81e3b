"""The scheduler of ``trustwell serve`` (placeholder until the scheduler lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store


class Scheduler:
    """Runs scheduled checks and ``tick`` in a background thread."""

    def __init__(self, project: Project, store: Store) -> None:
        self.project, self.store = project, store

    def start(self) -> None:
        """Start the background thread."""

    def stop(self) -> None:
        """Stop it and wait for the current job."""
