"""One domain error base: each error says its code, HTTP status and exit code itself."""

from __future__ import annotations

import pytest

from trustwell.auth.tokens import AuthError
from trustwell.checks.service import SelectionError
from trustwell.config.errors import ProjectError
from trustwell.errors import TrustwellError
from trustwell.incidents.actions import ActionItemError, ActionItemNotFound
from trustwell.incidents.diagnostics import UnsafeDiagnostic
from trustwell.incidents.model import IllegalTransition, Status, UnknownStatusWord
from trustwell.incidents.postmortem import PostmortemError
from trustwell.incidents.records import IncidentNotFound
from trustwell.incidents.reports import ReportNotFound
from trustwell.incidents.service import IncidentError
from trustwell.notify.config import ChannelConfigError
from trustwell.status import UnknownAsset
from trustwell.store.database import StoreError

CASES = [
    (IncidentNotFound("no incident INC-9"), "not_found", 404),
    (ActionItemNotFound("no action item #3"), "not_found", 404),
    (ReportNotFound("no report 'RPT-1'"), "not_found", 404),
    (IllegalTransition("INC-1", Status.closed, Status.declared), "illegal_transition", 409),
    (ActionItemError("action item #3 is already done"), "conflict", 409),
    (IncidentError("unknown person 'bobb'"), "invalid", 422),
    (UnknownStatusWord("opne"), "invalid", 422),
    (AuthError("no active token named 'x'"), "invalid", 422),
    (PostmortemError("INC-1 has no post-mortem yet"), "invalid", 422),
    (SelectionError("unknown asset 'x'"), "invalid", 422),
    (UnknownAsset("unknown asset 'x'"), "invalid", 422),
    (UnsafeDiagnostic("a diagnostic must be one read-only query"), "invalid", 422),
    (ProjectError([]), "invalid_project", 500),
    (ChannelConfigError([]), "invalid_channels", 500),
    (StoreError("the store x cannot be used: gone"), "store_unavailable", 503),
]


@pytest.mark.parametrize(("error", "code", "status"), CASES, ids=lambda v: type(v).__name__)
def test_each_domain_error_carries_its_code_status_and_exit_code(
    error: TrustwellError, code: str, status: int
) -> None:
    assert isinstance(error, TrustwellError)
    assert (error.code, error.http_status, error.exit_code) == (code, status, 2)


def test_errors_stay_what_callers_caught_before() -> None:
    # Code outside the services still catches the built-in kinds.
    assert isinstance(IncidentNotFound("x"), LookupError)
    assert isinstance(IllegalTransition("INC-1", Status.closed, Status.declared), ValueError)
    assert isinstance(IncidentError("x"), ValueError)
    assert isinstance(UnknownAsset("x"), LookupError)
