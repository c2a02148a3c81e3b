"""``${VAR}`` and ``${VAR:-default}`` in project files, replaced from the environment.

Secrets never need to be written into files: ``url: "${ANALYTICS_PG_URL}"``.
``$${`` writes a literal ``${`` (a single ``$`` elsewhere is left alone, so
PostgreSQL's ``$$`` quoting in SQL is untouched).

This is the one place where a value comes out of the environment, so it is
where secrets are registered with :mod:`trustwell.redact`: the value of a
variable whose name looks secret (:func:`looks_secret`), and the passwords
and ``password=`` values found in any text a substitution produced.
Registering here, before the project is even validated, keeps them out of an
invalid project's error list too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from trustwell.redact import credentials_in, register_secrets

_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATE")
_SECRET_PARTS = {"KEY", "PWD", "PW", "DSN"}
_NOT_SECRET = {"PWD", "OLDPWD"}  # the shell's working directories


def looks_secret(name: str) -> bool:
    """True for a variable name that holds a secret by its name.

    Any name containing PASSWORD, PASSWD, SECRET, TOKEN, CREDENTIAL, APIKEY
    or PRIVATE, or with KEY, PWD, PW or DSN as one of its
    ``_``-separated parts (``AWS_SECRET_ACCESS_KEY``, ``DB_PW``,
    ``PGPASSWORD``); the shell's ``PWD`` and ``OLDPWD`` are not.

    >>> [looks_secret(n) for n in ("JIRA_TOKEN", "STRIPE_KEY", "KEYBOARD", "PWD")]
    [True, True, False, False]
    """
    upper = name.upper()
    if upper in _NOT_SECRET:
        return False
    return any(w in upper for w in _SECRET_WORDS) or bool(_SECRET_PARTS & set(upper.split("_")))


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
        if looks_secret(name):
            register_secrets([value])
        return value

    result = _REFERENCE.sub(replace, text)
    if missing:
        raise UndefinedVariable(missing)
    register_secrets(credentials_in(result))
    return result
