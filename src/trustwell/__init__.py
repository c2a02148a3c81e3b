"""trustwell: checks-as-code, incidents and trust signals for data teams.

The public Python API is small and pinned by a test::

    import trustwell
    result = trustwell.validate(frame, checks=[{"type": "not_null", "column": "id"}])
    assert result.passed, result.summary()

Names are imported lazily so that ``import trustwell`` (and the CLI) start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["CheckResult", "Validation", "ValidationFailed", "__version__", "validate"]

if TYPE_CHECKING:
    from trustwell.api import Validation, ValidationFailed, validate
    from trustwell.checks.result import CheckResult

_LAZY = {
    "validate": "trustwell.api",
    "Validation": "trustwell.api",
    "ValidationFailed": "trustwell.api",
    "CheckResult": "trustwell.checks.result",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trustwell' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
