"""The stable identities of checks and of their definitions, without SQLAlchemy.

Apart from :mod:`trustwell.store.service` (which re-exports them) so that
:mod:`trustwell.store.quick` writes exactly the ids and hashes
:func:`~trustwell.store.service.record_run` writes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

# uuid5 namespace for check identities; never change it (ids are stored).
_CHECK_NAMESPACE = uuid.UUID("6f1f2a52-58c5-4d3e-9a53-1f0c3b7e2d41")


def check_id(asset: str, check: str) -> str:
    """The stable identity of a check: the same asset and check name give the same id.

    >>> check_id("marts.weekly_cac", "row_count") == check_id("marts.weekly_cac", "row_count")
    True
    """
    return str(uuid.uuid5(_CHECK_NAMESPACE, f"{asset}\x1f{check}"))


def definition_hash(definition: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a check definition (to notice edited checks)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
