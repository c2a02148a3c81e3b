"""Debt derived from what the project and its store already know. Pure: facts in, items out.

:class:`Facts` is what :mod:`trustwell.debt.service` reads (the assets as
declared, streaks of failing or warning results, resolved incidents still
owing a post-mortem, overdue action items, revoked certificates);
:func:`derive` turns it into :class:`~trustwell.debt.model.DebtItem` values,
each kind with the principal and interest of :data:`DEFAULTS`, so derived and
hand-written items rank together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from trustwell.debt.model import DebtItem

#: How long a check must fail or warn, or a certificate stay revoked, before it is debt.
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Cost:
    """The default principal (points) and interest (points per week) of a derived kind."""

    principal: float
    interest: float
    label: str  # what the kind means, for docs and --help


#: Every derived kind, with its default cost (documented in docs/debt.md).
DEFAULTS: dict[str, Cost] = {
    "check_failing": Cost(2.0, 5.0, "a check failing or warning for over a week"),
    "certificate_revoked": Cost(2.0, 5.0, "a certificate revoked for over a week"),
    "postmortem_missing": Cost(1.0, 3.0, "a resolved incident without its required post-mortem"),
    "no_checks": Cost(1.0, 3.0, "an asset without checks"),
    "action_overdue": Cost(1.0, 2.0, "an open action item past its due date"),
    "no_owner": Cost(0.5, 2.0, "an asset without an owner"),
    "no_lineage": Cost(1.0, 1.0, "an asset without known lineage (no upstream)"),
    "no_description": Cost(0.5, 1.0, "an asset without a description"),
}


@dataclass(frozen=True)
class AssetFacts:
    """An asset as declared, and what the store adds about it."""

    name: str
    owner: str | None
    description: str | None
    has_checks: bool  # declared checks, or results another tool reported recently
    lineage_known: bool  # an upstream asset, declared or reported (certification's test)


@dataclass(frozen=True)
class FailingCheck:
    """A check whose every fail or warn result since ``since`` went without a pass."""

    asset: str
    check: str
    status: str  # "fail" when any result of the streak failed, else "warn"
    since: datetime  # the first fail or warn result after the last pass


@dataclass(frozen=True)
class OwedPostmortem:
    """A resolved incident whose severity requires a post-mortem not yet completed."""

    incident: str  # INC-7
    title: str
    severity: str
    asset: str  # the root asset
    since: datetime  # resolved (or declared) at
    postmortem: str | None  # None (not started) or "draft"


@dataclass(frozen=True)
class OverdueAction:
    """An open action item past its due date."""

    id: int
    title: str
    incident: str | None
    asset: str | None  # the incident's root asset
    owner: str | None  # a person
    team: str | None  # the root asset's owner, else a team listing the owner
    due_at: datetime


@dataclass(frozen=True)
class RevokedCertificate:
    """The latest decision of an asset for a use case, revoked since ``since``."""

    asset: str
    use_case: str
    since: datetime


@dataclass(frozen=True)
class Facts:
    """Everything :func:`derive` needs, read at ``now``."""

    now: datetime
    timezone: str = "UTC"  # the project's: a due date is a day there
    assets: list[AssetFacts] = field(default_factory=list)
    failing: list[FailingCheck] = field(default_factory=list)
    postmortems: list[OwedPostmortem] = field(default_factory=list)
    actions: list[OverdueAction] = field(default_factory=list)
    revoked: list[RevokedCertificate] = field(default_factory=list)


def derive(facts: Facts) -> list[DebtItem]:
    """The derived debt of ``facts`` (unranked: see :func:`trustwell.debt.model.rank`)."""
    owners = {a.name: a.owner for a in facts.assets}
    zone = ZoneInfo(facts.timezone)
    items: list[DebtItem] = []
    for asset in facts.assets:
        missing = {
            "no_owner": asset.owner is None,
            "no_description": not (asset.description or "").strip(),
            "no_checks": not asset.has_checks,
            "no_lineage": not asset.lineage_known,
        }
        for kind, is_missing in missing.items():
            if is_missing:
                what = DEFAULTS[kind].label.removeprefix("an asset ")
                items.append(_item(kind, asset.name, f"{asset.name} {what}", asset.name, owners))
    cutoff = facts.now - WEEK
    for check in facts.failing:
        if check.since < cutoff:
            verb = "failing" if check.status == "fail" else "warning"
            title = f"{check.asset}: check {check.check} {verb} for over a week"
            key = f"{check.asset}/{check.check}"
            items.append(_item("check_failing", key, title, check.asset, owners, check.since))
    for owed in facts.postmortems:
        state = "a draft" if owed.postmortem == "draft" else "none started"
        title = (
            f"{owed.incident} ({owed.severity}) {owed.title}: post-mortem not complete ({state})"
        )
        items.append(
            _item("postmortem_missing", owed.incident, title, owed.asset, owners, owed.since)
        )
    for action in facts.actions:
        of = f" of {action.incident}" if action.incident else ""
        title = f"action item #{action.id}{of}: {action.title}"
        item = _item("action_overdue", f"#{action.id}", title, action.asset, owners, action.due_at)
        due = action.due_at.astimezone(zone).date()
        items.append(replace(item, team=action.team or item.team, due=due))
    for cert in facts.revoked:
        if cert.since < cutoff:
            title = f"{cert.asset}: certificate for {cert.use_case} revoked for over a week"
            key = f"{cert.asset}/{cert.use_case}"
            items.append(_item("certificate_revoked", key, title, cert.asset, owners, cert.since))
    return items


def _item(
    kind: str,
    key: str,
    title: str,
    asset: str | None,
    owners: dict[str, str | None],
    since: datetime | None = None,
) -> DebtItem:
    cost = DEFAULTS[kind]
    team = owners.get(asset) if asset is not None else None
    return DebtItem(
        id=f"{kind}:{key}",
        kind=kind,
        title=title,
        asset=asset,
        team=team,
        principal=cost.principal,
        interest=cost.interest,
        since=since,
        due=None,
        source="derived",
    )
