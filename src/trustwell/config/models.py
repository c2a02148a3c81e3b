"""Typed models of ``trustwell.yml`` and ``assets/*.yml``.

These are the whole vocabulary of a project on disk (SPEC section 1). Keys are
strict: an unknown key is an error that names the nearest valid one. Sections
used by later features (on-call, channels, response, use cases) are parsed and
kept so that a project written today keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trustwell.checks.registry import CHECK_TYPES, LATER_TYPES
from trustwell.checks.spec import Check, Int, refuse_bool, rule
from trustwell.config.incremental import Incremental
from trustwell.config.limits import Limits
from trustwell.config.openlineage import OpenLineageSettings
from trustwell.config.use_cases import Policy, PolicyProblem, read_policy

DEFAULT_STORE = "sqlite:///.trustwell/trustwell.db"
#: What a use case may require: every built-in check type and those the SPEC announces
#: (a requirement on one of those cannot hold yet, so the asset stays uncertified).
REQUIRABLE_TYPES = (*CHECK_TYPES, *LATER_TYPES)


class _Strict(BaseModel):
    # Built on first use: a run validates through a few root models (~0.08 s CPU less).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- warehouses -------------------------------------------------------------


class DuckDBWarehouse(_Strict):
    type: Literal["duckdb"]
    path: str = ":memory:"  # a .duckdb file relative to the project, or :memory:
    timezone: str | None = None  # how to read timestamps without a zone (default UTC)
    threads: Int | None = Field(default=None, ge=1)
    timeout: str | None = None  # per-query limit, e.g. "5m"
    read_only: bool = True  # checks never write; read-only lets runs share the file
    # DuckDB's own memory cap ("512MB", "2GiB", "25%"; its default is 80% of the RAM):
    # above it DuckDB evicts cached table blocks, spills to temp_directory, or fails the
    # statement (docs/warehouses.md).
    memory_limit: str | None = None
    temp_directory: str | None = None  # where DuckDB spills, relative to the project

    @field_validator("memory_limit")
    @classmethod
    def _memory_size(cls, value: str | None) -> str | None:
        if value is None:
            return None
        found = _MEMORY_SIZE.match(value)
        amount = float(found[1]) if found else 0.0
        if not found or amount <= 0 or (found[2] == "%" and amount > 100):
            raise ValueError(
                f"memory_limit '{value}' is not a memory size: write a number and a unit"
                " (KB, MB, GB, TB, or KiB, MiB, GiB, TiB) or a share of the RAM, e.g. '512MB'"
                " or '25%'"
            )
        return f"{found[1]}{found[2]}"


#: A DuckDB memory size: a number and a 1000- or 1024-based unit, or a percentage.
_MEMORY_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|%)\s*$", re.IGNORECASE)


class PostgresWarehouse(_Strict):
    type: Literal["postgres"]
    # postgresql://user:pw@host:port/db (use ${VAR} for secrets); never in repr().
    url: str = Field(repr=False)
    timezone: str | None = None
    timeout: str | None = None


class SparkWarehouse(_Strict):
    """Spark SQL: ``master: local[N]`` or ``spark://…`` (this process drives it),
    or ``remote: sc://…`` for Spark Connect. ``master`` defaults to ``local[2]``."""

    type: Literal["spark"]
    master: str | None = None
    # sc://host:15002 (needs trustwell[spark-connect]); may hold ;token=…, so never in repr().
    remote: str | None = Field(default=None, repr=False)
    database: str | None = None  # where unqualified table names are looked up
    timezone: str | None = None
    timeout: str | None = None
    conf: dict[str, str] = Field(default_factory=dict, repr=False)

    @model_validator(mode="after")
    def _one_target(self) -> SparkWarehouse:
        if self.master is not None and self.remote is not None:
            raise ValueError("give one of master or remote, not both")
        if self.remote is not None and not self.remote.startswith("sc://"):
            raise ValueError(
                f"remote {self.remote!r} is not a Spark Connect URL like sc://host:15002"
            )
        return self


Warehouse = Annotated[
    DuckDBWarehouse | PostgresWarehouse | SparkWarehouse, Field(discriminator="type")
]
WAREHOUSE_TYPES = ("duckdb", "postgres", "spark")


# --- people, teams and the sections used by incidents ------------------------


class Person(_Strict):
    email: str | None = None
    slack: str | None = None
    name: str | None = None


class Team(_Strict):
    members: list[str] = Field(default_factory=list)
    lead: str | None = None
    channel: str | None = None


class Override(_Strict):
    who: str
    from_: str = Field(alias="from")
    to: str


class Rotation(_Strict):
    members: list[str]
    rotation: str | dict[str, str] = "weekly"  # daily | weekly | {every: 3d}
    start: str
    overrides: list[Override] = Field(default_factory=list)


class ResponsePolicy(_Strict):
    ack_within: str | None = None
    update_every: str | None = None
    postmortem: Literal["required", "optional", "none"] = "optional"
    business_hours: bool = False


class UseCase(_Strict):
    """One certification policy (SPEC 5); read into a Policy by ``config/use_cases.py``."""

    # Check types, owner, description, {lineage: known}, {slo: met}, {pass_rate:, window:};
    # None: the defaults of ``risk``. Each item is checked there, to name its line.
    requires: list[Any] | None = None
    risk: Literal["low", "medium", "high"] | None = None
    max_open_severity: str = "none"  # none | SEV-1 | SEV-2 | SEV-3
    valid_for: str | None = None  # a duration; evidence older than this no longer counts
    description: str | None = None

    def policy(self, name: str) -> Policy:
        """The typed policy of this use case (validated when the project loaded)."""
        return read_policy(name, *self._written(), check_types=REQUIRABLE_TYPES)[0]

    def problems(self, name: str) -> list[PolicyProblem]:
        """What is wrong in what was written, each with its path below ``use_cases.NAME``."""
        return read_policy(name, *self._written(), check_types=REQUIRABLE_TYPES)[1]

    def _written(self) -> tuple[list[Any] | None, str | None, str, str | None]:
        return self.requires, self.risk, self.max_open_severity, self.valid_for


class ActionPolicy(_Strict):
    """``actions:``: how action items are made by trustwell itself."""

    # When the automatic "add a check that would have caught this" item is due.
    default_due: str = "14d"

    @field_validator("default_due")
    @classmethod
    def _duration(cls, value: str) -> str:
        from trustwell.durations import parse_duration

        parse_duration(value)  # its ValueError names the value and the format
        return value

    @property
    def default_due_delta(self) -> timedelta:
        from trustwell.durations import parse_duration

        return parse_duration(self.default_due)


def _default_warehouses() -> dict[str, DuckDBWarehouse | PostgresWarehouse | SparkWarehouse]:
    """An in-memory DuckDB called ``main`` (typed as the union so mypy accepts it)."""
    return {"main": DuckDBWarehouse(type="duckdb")}


class ProjectSettings(_Strict):
    """``trustwell.yml``."""

    name: str = "trustwell-project"
    store: str = Field(default=DEFAULT_STORE, repr=False)  # a URL that may hold a password
    warehouses: dict[str, Warehouse] = Field(default_factory=_default_warehouses)
    people: dict[str, Person] = Field(default_factory=dict)
    teams: dict[str, Team] = Field(default_factory=dict)
    timezone: str = "UTC"
    oncall: dict[str, Rotation] = Field(default_factory=dict)
    incident_channel: str | None = None
    status_page: Literal["public", "private"] = "public"
    # Where people reach `trustwell serve`: links in messages point here.
    base_url: str = "http://127.0.0.1:8000"
    channels: dict[str, dict[str, Any]] = Field(default_factory=dict, repr=False)  # secrets
    response: dict[str, ResponsePolicy] = Field(default_factory=dict)
    use_cases: dict[str, UseCase] = Field(default_factory=dict)
    actions: ActionPolicy = Field(default_factory=ActionPolicy)
    # Where every run's OpenLineage events go (config/openlineage.py); holds its api_key.
    openlineage: OpenLineageSettings | None = Field(default=None, repr=False)
    # Rate limits of the public forms, the request body cap, trusted proxies.
    limits: Limits = Field(default_factory=Limits)

    @field_validator("warehouses")
    @classmethod
    def _at_least_one(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise ValueError("warehouses must name at least one warehouse")
        return value

    @property
    def default_warehouse(self) -> str:
        return next(iter(self.warehouses))


# --- assets -------------------------------------------------------------------


class OpenLineageAlias(_Strict):
    """The OpenLineage dataset (``namespace`` + ``name``) that reports this asset."""

    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1)


class ColumnDoc(_Strict):
    """What a column holds, for people: shown on the asset page (``trustwell import dbt``
    writes dbt's column docs here). Documentation only: a ``schema`` check enforces types."""

    description: str | None = None
    data_type: str | None = None


def _percent(value: Any) -> float:
    """``99%``, ``99.5%`` or a number 0..100 as a fraction 0..1."""
    text = str(value).strip()
    number = text[:-1].strip() if text.endswith("%") else text
    try:
        result = float(number) / 100.0
    except ValueError:
        raise rule(
            f"objective {value!r} is not a percentage like 99% or 99.5%", "objective"
        ) from None
    if isinstance(value, bool) or not 0.0 <= result <= 1.0:
        raise rule(f"objective {value!r} is not a percentage between 0% and 100%", "objective")
    return result


class Slo(_Strict):
    """``slos:`` item: a check SLO (share of results passed) or a freshness SLO (time fresh)."""

    name: str | None = None
    check: str | None = None  # a check of the asset, by its display name or name
    freshness: str | None = None  # a duration: the data is fresh while its age is at most this
    objective: Any
    window: str = "28d"

    @field_validator("objective")
    @classmethod
    def _objective(cls, value: Any) -> float:
        return _percent(value)

    @field_validator("window", "freshness")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        from trustwell.durations import parse_duration

        if value is not None:
            parse_duration(value)
        return value

    @model_validator(mode="after")
    def _one_sli(self) -> Slo:
        if (self.check is None) == (self.freshness is None):
            raise ValueError("an SLO gives one of check: or freshness:")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.check} passed" if self.check else f"fresh within {self.freshness}"


class Asset(_Strict):
    """One data asset (a table, a query or files) and its checks."""

    name: str
    warehouse: str | None = None
    table: str | None = None
    query: str | None = None
    path: str | None = None
    description: str | None = None
    owner: str | None = None
    tier: Annotated[
        Literal[1, 2, 3],
        refuse_bool("literal_error", "Input should be 1, 2 or 3", expected="1, 2 or 3"),
    ] = 3
    customer_facing: bool = False
    use_cases: list[str] = Field(default_factory=list)
    upstream: list[str] = Field(default_factory=list)
    consumers: list[str] = Field(default_factory=list)
    subscribers: list[str] = Field(default_factory=list)
    schedule: str | None = None
    pii: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    openlineage: OpenLineageAlias | None = None  # the OpenLineage dataset that is this asset
    columns: dict[str, ColumnDoc] = Field(default_factory=dict)  # documented columns, in order
    checks: list[Check] = Field(default_factory=list)
    slos: list[Slo] = Field(default_factory=list)
    #: scan only rows past a stored watermark, merging stored states (config/incremental.py)
    incremental: Incremental | None = None

    @model_validator(mode="after")
    def _slo_checks(self) -> Asset:
        from trustwell.config.errors import did_you_mean

        known = {c.display_name for c in self.checks} | {
            n for c in self.checks if (n := getattr(c, "name", None))
        }
        for i, slo in enumerate(self.slos):
            if slo.check is not None and slo.check not in known:
                hint = did_you_mean(slo.check, sorted(known))
                raise rule(
                    f"SLO names check {slo.check!r}, not a check of this asset{hint}",
                    "slos",
                    str(i),
                    "check",
                )
        return self

    @model_validator(mode="after")
    def _one_source(self) -> Asset:
        given = [k for k in ("table", "query", "path") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of table, query or path, not {' and '.join(given)}")
        if not given:  # the name is the table
            problem = _table_problem(self.name)
            if problem:
                raise rule(
                    f"table name {self.name!r} (the asset's name, as no table:, query: or"
                    f" path: is given) {problem}",
                    "name",
                )
        return self

    @field_validator("name")
    @classmethod
    def _usable_name(cls, value: str) -> str:
        # Refused rather than escaped: Starlette routes on the decoded path, so no
        # escaping makes /assets/a%2Fb reach /assets/{name}, and the CLI, links and
        # the API must all name an asset the same way.
        if not value.strip():
            raise ValueError("name must not be empty")
        if "/" in value:
            raise ValueError(
                f"name {value!r} contains '/', which cannot be part of a link or an"
                " API route (/assets/NAME): use '.' or '_' instead"
            )
        return value

    @field_validator("table")
    @classmethod
    def _table_parts(cls, value: str | None) -> str | None:
        problem = _table_problem(value) if value is not None else None
        if problem:
            raise ValueError(f"table {value!r} {problem}")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            from croniter import croniter

            if not croniter.is_valid(value):
                raise ValueError(f"schedule {value!r} is not a valid cron expression")
        return value

    @property
    def table_name(self) -> str:
        """The table to read when neither query nor path is given."""
        return self.table or self.name


def _table_problem(name: str) -> str | None:
    """What is wrong with a table name (``[catalog.][schema.]table``, split at dots), or None."""
    parts = name.split(".")
    if len(parts) > 3:
        return f"has {len(parts)} parts, more than catalog.schema.table"
    if any(not part.strip() for part in parts):
        return "has an empty part between its dots"
    return None


class AssetsFile(_Strict):
    """One ``assets/*.yml`` file."""

    assets: list[Asset] = Field(default_factory=list)


# --- the loaded project -------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where a value came from, for error messages."""

    file: str
    line: int | None


@dataclass
class Project:
    """A loaded, validated project: settings, assets and where each was declared."""

    root: Path
    settings: ProjectSettings
    assets: list[Asset]
    asset_files: dict[str, Located] = field(default_factory=dict)  # asset name -> location
    check_lines: dict[tuple[str, str], Located] = field(default_factory=dict)

    def asset(self, name: str) -> Asset | None:
        return next((a for a in self.assets if a.name == name), None)

    def warehouse_of(self, asset: Asset) -> str:
        return asset.warehouse or self.settings.default_warehouse

    def resolve(self, relative: str) -> Path:
        """A path from a project file, made absolute against the project folder."""
        path = Path(relative)
        return path if path.is_absolute() else self.root / path
