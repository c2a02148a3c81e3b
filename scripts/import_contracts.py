"""An import-linter contract that import-linter lacks: no import cycle between modules.

``acyclic_siblings`` compares packages; this one compares modules, so that a cycle
through an import inside a function (``reports`` → ``service`` → ``reporters`` →
``reports``) is found wherever its modules live. Registered in ``pyproject.toml``
(``[tool.importlinter] contract_types``); ``lint-imports`` runs from the repository
root, which it puts on ``sys.path``, so ``scripts.import_contracts`` imports.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    """No module of ``packages`` imports, directly or not, a module that imports it."""

    type_name = "acyclic_modules"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        """Every cycle, once, as the chain of modules that closes it."""
        roots: list[str] = list(self.packages)  # type: ignore[call-overload]
        inside = {m for m in graph.modules if any(m == r or m.startswith(r + ".") for r in roots)}
        cycles: dict[frozenset[str], tuple[str, ...]] = {}
        for module in sorted(inside):
            for imported in sorted(graph.find_modules_directly_imported_by(module) & inside):
                back = graph.find_shortest_chain(importer=imported, imported=module)
                if back is None:
                    continue
                chain = (module, *back)
                cycles.setdefault(frozenset(chain), chain)
        found = [(chain, _where(graph, chain)) for chain in sorted(cycles.values())]
        return ContractCheck(kept=not found, metadata={"cycles": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """One paragraph per cycle: ``a -> b -> a``, then the line of each import."""
        cycles: list[tuple[tuple[str, ...], list[str]]] = check.metadata["cycles"]
        output.print_error(f"{len(cycles)} import cycle{'s' * (len(cycles) != 1)}:")
        output.new_line()
        for chain, lines in cycles:
            output.print_error(" -> ".join(chain))
            for line in lines:
                output.print_error(f"    {line}")
            output.new_line()


def _where(graph: ImportGraph, chain: tuple[str, ...]) -> list[str]:
    """``module:line: import ...`` for each import of the chain (its first one)."""
    lines = []
    for importer, imported in pairwise(chain):
        details: list[dict[str, Any]] = graph.get_import_details(
            importer=importer, imported=imported
        )
        for detail in details[:1]:
            lines.append(f"{importer}:{detail['line_number']}: {detail['line_contents']}")
    return lines
