"""Request and response models of the JSON API.

Requests forbid unknown fields and bound every size, so a malformed or huge
body is a 422 ``invalid`` before any service runs. Texts refuse control
characters (PostgreSQL cannot store NUL, and no field needs a bell), times
must carry a zone and lie between 1970 and 9999 (a year-1 time with an offset
cannot even be converted to UTC).

Responses are documented with models that allow extra fields: they describe
the JSON the services produce without freezing it. An incident is the one
versioned incident document of :mod:`trustwell.incidents.document`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _plausible(value: datetime) -> datetime:
    if not 1970 <= value.year <= 9998:
        raise ValueError("must lie between 1970 and 9998")
    return value


_Printable = AfterValidator(_printable)


def _bounded(max_length: int, pattern: str | None = None) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=pattern
    )


Name = Annotated[str, _bounded(400), _Printable]  # an asset, a person
Title = Annotated[str, _bounded(300), _Printable]
Message = Annotated[str, _bounded(10_000), _Printable]
Email = Annotated[str, _bounded(300, r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), _Printable]
IncidentRef = Annotated[str, _bounded(30, r"^(?:[Ii][Nn][Cc]-)?[0-9]{1,9}$")]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Severity = Literal["SEV-1", "SEV-2", "SEV-3"]
IncidentStatus = Literal[
    "declared",
    "acknowledged",
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "closed",
    "dismissed",
]
AssetState = Literal["trusted", "warning", "incident", "stale", "unknown"]


class Body(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------------


class SubscriptionIn(Body):
    email: Email


class UnsubscribeIn(Body):
    email: Email
    assets: list[Name] = Field(default_factory=list, max_length=100)
    reports: list[Annotated[str, _bounded(40, r"^[A-Za-z0-9-]+$")]] = Field(
        default_factory=list, max_length=100
    )
    all: bool = Field(default=False, description="stop every notice to this address")


class DeclareIn(Body):
    asset: Name
    title: Title
    severity: Severity | None = None
    occurred_at: Moment | None = None


class StatusIn(Body):
    status: IncidentStatus


class UpdateIn(Body):
    message: Message
    public: Message | None = None
    eta: Moment | None = None


class AssignIn(Body):
    commander: Name | None = None
    add_smes: list[Name] = Field(default_factory=list, max_length=50)
    remove_smes: list[Name] = Field(default_factory=list, max_length=50)


class SeverityIn(Body):
    severity: Severity
    reason: Message | None = None


class ResolveIn(Body):
    cause: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(
        description="a root-cause category, e.g. upstream-source, third-party, pipeline-bug"
    )
    summary: Message


class DismissIn(Body):
    reason: Message


class ReportIn(Body):
    asset: Name = Field(description="an asset or a dashboard (a declared consumer)")
    description: Message
    urgency: Literal["low", "normal", "high"] = "normal"
    contact: Email
    occurred_at: Moment | None = None


class RunIn(Body):
    assets: list[Name] = Field(min_length=1, max_length=100)


class ActionIn(Body):
    title: Title
    owner: Name | None = None
    due_at: Moment | None = None
    incident: IncidentRef | None = None


# --- responses ------------------------------------------------------------------------


class Out(BaseModel):
    """A documented response: the fields named here, and any the service adds."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class AssetOut(Out):
    asset: str
    state: AssetState
    tier: int
    owner: str | None
    description: str | None
    use_cases: list[str]
    last_run_at: str | None
    failing: list[str]
    warnings: list[str]
    incident: str | None
    reason: str


class UseCaseTrustOut(Out):
    state: Literal["certified", "at_risk", "revoked", "uncertified"]
    since: str
    reasons: list[str]
    missing: list[str]
    outcomes: list[dict[str, Any]] = Field(description="each requirement's verdict and detail")


class ScorePartOut(Out):
    signal: str
    weight: float
    value: float = Field(description="0..1: what the signal is worth now")
    detail: str


class ScoreOut(Out):
    value: int = Field(ge=0, le=100)
    formula_version: str
    parts: list[ScorePartOut]


class SloTrustOut(Out):
    name: str
    objective: float
    attainment: float | None
    budget_left: float | None
    burn_rate: float | None


class TrustOut(Out):
    """The trust document (SPEC 5, docs/trust-score.md), as ``trustwell certify ASSET``."""

    asset: str
    badge: Literal["trusted", "limited", "untrusted"]
    reason: str
    use_cases: dict[str, UseCaseTrustOut]
    score: ScoreOut
    slos: list[SloTrustOut]


# An incident is the one incident document (trustwell.incidents.document.IncidentDocument),
# the same as the CLI's JSON and webhooks'.


class IncidentBrief(BaseModel):
    id: str
    status: str


class ReportCreated(BaseModel):
    reference: str
    incident: IncidentBrief | None
    message: str


class SubscriptionOut(BaseModel):
    asset: str
    email: str
    created: bool = Field(description="false when the address was subscribed already")
    subscribers: list[str]


class UnsubscribedOut(BaseModel):
    email: str
    assets: list[str] = Field(description="assets it hears no more about (changed now)")
    reports: list[str] = Field(description="reports it hears no more about (changed now)")
    all: bool = Field(description="true when every notice was stopped now")


class ActionOut(Out):
    id: int
    incident: str | None
    title: str
    owner: str | None
    due_at: str | None
    status: str


class RunOut(Out):
    run_id: str
    started_at: str
    finished_at: str
    status: str
    results: list[dict[str, Any]]
    incidents: list[dict[str, Any]]


#: Error responses every endpoint may give, for the OpenAPI document.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "missing or unknown token"},
    403: {"model": ErrorOut, "description": "the token's role is not enough"},
    422: {"model": ErrorOut, "description": "the request is invalid"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "not found"}}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "the change is not allowed in the current state"}
}
LIMITED: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "the request body is over the size limit"},
    429: {
        "model": ErrorOut,
        "description": "over a rate limit (limits: in trustwell.yml); see Retry-After",
        "headers": {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        },
    },
}
