"""Roles, pure: viewers read, reporters also report, responders run incidents,
admins manage."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("viewer", "reporter", "responder", "admin")


def role_rank(role: str) -> int:
    return ROLES.index(role)


def allows(role: str, needed: str) -> bool:
    """True when ``role`` is at least ``needed``."""
    return role_rank(role) >= role_rank(needed)


@dataclass(frozen=True)
class Principal:
    """The caller: a token's name (used as the actor on every write) and its role."""

    name: str
    role: str
    token_id: int | None = None

    def can(self, needed: str) -> bool:
        return allows(self.role, needed)


ANONYMOUS = Principal(name="anonymous", role="viewer")
