"""trustwell: checks-as-code, incidents and trust signals for data teams.

The public Python API is small and pinned by a test::

    import trustwell
    results = trustwell.validate(df, checks=[{"type": "not_null", "column": "id"}])
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
