"""The one base of domain errors, and how each interface reports them.

A service raises a domain error when a caller asked for something that does not
exist or cannot be done; the error carries, as class attributes, what every
interface needs to report it: a stable machine-readable ``code``, the HTTP
status of the JSON API and the exit code of the CLI. The web maps them once
(:mod:`trustwell.web.errors`), the CLI once (its root group in
:mod:`trustwell.cli.common`), so a new error needs no handler of its own.

>>> class ReportNotFound(NotFound):
...     '''No report has this reference.'''
>>> error = ReportNotFound("no report RPT-123")
>>> (error.code, error.http_status, error.exit_code, str(error))
('not_found', 404, 2, 'no report RPT-123')

Pure: no I/O and no imports beyond the standard library, so every layer may
derive from it.
"""

from __future__ import annotations

from typing import ClassVar

#: The CLI's exit code for "the project or the command line is invalid" (SPEC section 2).
EXIT_INVALID = 2


class TrustwellError(Exception):
    """A domain error: what went wrong, and how each interface reports it.

    ``str(error)`` is the message a user reads; the web and the CLI pass it
    through :func:`trustwell.redact.scrub` before showing it.
    """

    #: A stable, machine-readable code: the ``error.code`` of the JSON API.
    code: ClassVar[str] = "error"
    #: The HTTP status of the JSON API.
    http_status: ClassVar[int] = 500
    #: The exit code of the CLI.
    exit_code: ClassVar[int] = EXIT_INVALID

    @property
    def message(self) -> str:
        """The text a user reads (not yet scrubbed)."""
        return str(self)


class NotFound(TrustwellError, LookupError):
    """The caller named something that does not exist (HTTP 404)."""

    code = "not_found"
    http_status = 404


class Invalid(TrustwellError, ValueError):
    """The caller gave a value the service refuses (HTTP 422)."""

    code = "invalid"
    http_status = 422


class Conflict(TrustwellError):
    """The change is not allowed in the current state (HTTP 409)."""

    code = "conflict"
    http_status = 409


class Unavailable(TrustwellError):
    """Something the service depends on cannot be used right now (HTTP 503)."""

    code = "unavailable"
    http_status = 503


class Misconfigured(TrustwellError):
    """The project's own files do not allow this (HTTP 500: the server's side is wrong)."""

    code = "misconfigured"
    http_status = 500
