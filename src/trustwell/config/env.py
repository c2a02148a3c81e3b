"""``${VAR}`` and ``${VAR:-default}`` in project files, replaced from the environment.

Secrets never need to be written into files: ``url: "${ANALYTICS_PG_URL}"``.
``$${`` writes a literal ``${`` (a single ``$`` elsewhere is left alone, so
PostgreSQL's ``$$`` quoting in SQL is untouched).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class UndefinedVariable(ValueError):
    """A ``${VAR}`` without a default names a variable that is not set."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        listed = ", ".join(f"'{n}'" for n in names)
        super().__init__(f"environment variable {listed} is not set")


def substitute(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace every ``${VAR}`` / ``${VAR:-default}`` in ``text``.

    As in the shell, ``:-`` also uses the default when the variable is set
    but empty. Raises :class:`UndefinedVariable` naming every variable that
    is unset and has no default.

    >>> substitute("${HOST:-localhost}:${PORT:-5432}", {"PORT": "6543"})
    'localhost:6543'
    """
    env = os.environ if environ is None else environ
    if "${" not in text:
        return text
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name, default = match.group(1), match.group(2)
        value = env.get(name)
        if default is not None and not value:
            return default
        if value is None:
            if name not in missing:
                missing.append(name)
            return ""
        return value

    result = _REFERENCE.sub(replace, text)
    if missing:
        raise UndefinedVariable(missing)
    return result
