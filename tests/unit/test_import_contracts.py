"""The import contracts of pyproject.toml hold, and the module-cycle contract finds a
cycle hidden in an import inside a function."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, *args: str, path: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_contracts_of_pyproject_hold() -> None:
    done = lint_imports(ROOT, path=[ROOT / "src"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 4 kept, 0 broken." in done.stdout


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loopy.b import helper\n\nVALUE = helper()\n")
    (package / "b.py").write_text(
        "def helper() -> int:\n    from loopy import a\n\n    return len(dir(a))\n"
    )
    (package / "c.py").write_text("from loopy.a import VALUE\n")  # one way: not a cycle
    config = tmp_path / ".importlinter"
    config.write_text(
        "[importlinter]\nroot_package = loopy\n"
        "contract_types =\n    acyclic: scripts.import_contracts.AcyclicModulesContract\n\n"
        "[importlinter:contract:cycles]\nname = No cycles\ntype = acyclic\npackages =\n    loopy\n"
    )
    done = lint_imports(tmp_path, "--config", str(config), path=[tmp_path, ROOT])
    assert done.returncode == 1, done.stdout + done.stderr
    report = " ".join(done.stdout.split())  # rich wraps long lines
    assert "No cycles BROKEN" in report
    assert (
        "1 import cycle: loopy.a -> loopy.b -> loopy.a "
        "loopy.a:1: from loopy.b import helper loopy.b:2: from loopy import a"
    ) in report
