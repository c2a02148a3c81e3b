"""Evidently 0.7's own drift functions, the oracle of the ``drift`` check's tests.

Evidently 0.7.23's package ``__init__`` does not import under the pandas of
this environment (pandas 3 removed ``pandas.core.dtypes.common.
infer_dtype_from_object``, which ``evidently.legacy.tests`` imports). The
statistics themselves do not need that chain: this helper registers
Evidently's packages by their real folders without running their
``__init__`` files, stands in for the stat-test *registry* (a decorator
table, no arithmetic), and then imports Evidently's real modules
``stattests/utils.py``, ``psi.py``, ``jensenshannon.py``,
``chisquare_stattest.py``, ``ks_stattest.py`` and
``wasserstein_distance_norm.py``: every value the tests compare with comes
from Evidently's code, unchanged. Warnings Evidently and its dependencies
raise on import or on use are silenced here only, by category and message.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


@dataclass
class _StatTest:
    """Stands in for ``registry.StatTest``: the name and defaults, nothing computed."""

    name: str
    display_name: str
    allowed_feature_types: list[Any] = field(default_factory=list)
    default_threshold: float = 0.05


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the warnings Evidently's code raises under this NumPy/pandas/SciPy."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"evidently|numpy")
        warnings.filterwarnings("ignore", message=r".*deprecated.*", category=FutureWarning)
        warnings.filterwarnings("ignore", message=r".*mode\.chained_assignment.*")
        # chi-square with a category absent from the reference: SciPy divides by 0 (p = 0).
        warnings.filterwarnings("ignore", message="divide by zero", category=RuntimeWarning)
        yield


@cache
def _modules() -> dict[str, Any]:
    root = Path(importlib.util.find_spec("evidently").origin).parent  # type: ignore[arg-type,union-attr]
    for name, folder in [
        ("evidently", root),
        ("evidently.legacy", root / "legacy"),
        ("evidently.legacy.calculations", root / "legacy" / "calculations"),
        ("evidently.legacy.calculations.stattests", root / "legacy/calculations/stattests"),
    ]:
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(folder)]
            sys.modules[name] = package
    registry = types.ModuleType("evidently.legacy.calculations.stattests.registry")
    registry.StatTest = _StatTest  # type: ignore[attr-defined]
    registry.register_stattest = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    sys.modules.setdefault(registry.__name__, registry)
    base = "evidently.legacy.calculations.stattests."
    with quiet():
        found = {"ColumnType": importlib.import_module("evidently.legacy.core").ColumnType}
        for module, name in [
            ("utils", "get_binned_data"),
            ("psi", "_psi"),
            ("jensenshannon", "_jensenshannon"),
            ("chisquare_stattest", "_chi_stat_test"),
            ("ks_stattest", "_ks_stat_test"),
            ("wasserstein_distance_norm", "_wasserstein_distance_norm"),
        ]:
            found[name] = getattr(importlib.import_module(base + module), name)
    return found


_FUNCTIONS = {
    "psi": "_psi",
    "jensen_shannon": "_jensenshannon",
    "chi_square": "_chi_stat_test",
    "ks": "_ks_stat_test",
    "wasserstein": "_wasserstein_distance_norm",
}


def evidently_value(
    method: str, reference: Sequence[Any], current: Sequence[Any], *, numeric: bool
) -> float:
    """The value of Evidently's stat test on the rows (NULLs dropped first, as Evidently does)."""
    import numpy as np
    import pandas as pd

    found = _modules()
    kind = found["ColumnType"].Numerical if numeric else found["ColumnType"].Categorical

    def series(values: Sequence[Any]) -> Any:
        kept = [v for v in values if v is not None]
        if numeric and all(isinstance(v, int) for v in kept):
            return pd.Series(np.array(kept, dtype=np.int64))
        return pd.Series(kept, dtype=float if numeric else object)

    with quiet():
        value, _ = found[_FUNCTIONS[method]](series(reference), series(current), kind, 0.1)
    return float(value)
