"""What incident services need to know of the project, computed once per call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from trustwell.durations import parse_duration
from trustwell.incidents.model import AssetImpact, severity_for
from trustwell.lineage.graph import LineageGraph
from trustwell.lineage.service import project_graph

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project, ResponsePolicy
    from trustwell.store import Store


@dataclass
class IncidentContext:
    """The project, its assets by name and its lineage graph (declared and reported).

    With a ``store`` the graph is the lineage service's (``upstream:`` merged
    with the edges the pipelines reported); without one, the declared graph.
    """

    project: Project
    store: Store | None = field(default=None, repr=False)
    graph: LineageGraph = field(init=False)
    assets: dict[str, Asset] = field(init=False)

    def __post_init__(self) -> None:
        self.assets = {a.name: a for a in self.project.assets}
        if self.store is None:
            self.graph = LineageGraph.declared(self.project.assets)
        else:
            self.graph = project_graph(self.store, self.project)

    @property
    def settings(self) -> Any:
        return self.project.settings

    def severity(self, root: str) -> str:
        impacts = {
            name: AssetImpact(asset.tier, asset.customer_facing)
            for name, asset in self.assets.items()
        }
        return severity_for(root, self.graph.descendants(root), impacts)

    def owner(self, asset: str) -> str | None:
        found = self.assets.get(asset)
        return found.owner if found else None

    def owner_teams(self, assets: list[str]) -> list[str]:
        teams = [self.owner(a) for a in assets]
        return list(dict.fromkeys(t for t in teams if t))

    def policy(self, severity: str) -> ResponsePolicy:
        from trustwell.incidents.deadlines import policy_for

        return policy_for(self.project.settings.response, severity)

    def next_update(self, severity: str, since: datetime) -> datetime | None:
        from trustwell.incidents.deadlines import next_update_due

        return next_update_due(since, self.policy(severity), self.timezone)

    @property
    def timezone(self) -> str:
        return str(self.project.settings.timezone)

    def update_every(self, severity: str) -> timedelta | None:
        every = self.policy(severity).update_every
        return parse_duration(every) if every else None
