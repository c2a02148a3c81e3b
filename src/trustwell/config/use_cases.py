"""Certification policies: the ``use_cases:`` of ``trustwell.yml`` read into typed form.

A use case names what an asset needs to be trusted for it (SPEC section 5):
``requires`` (check types, ``owner``, ``description``, ``lineage: known``,
``slo: met``, ``{pass_rate: 99%, window: 28d}``), or a ``risk`` whose default
requirements apply when ``requires`` is left out; ``max_open_severity`` and
``valid_for``. Pure: :func:`read_policy` turns what was written into a
:class:`Policy` plus the problems found, each with the path of its value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from trustwell.config.errors import did_you_mean
from trustwell.durations import parse_duration

Kind = Literal["check", "owner", "description", "lineage", "slo", "pass_rate"]
RISKS = ("low", "medium", "high")
#: ``none`` tolerates no open incident; ``SEV-3`` tolerates SEV-3 ones only, and so on.
MAX_OPEN_SEVERITIES = ("none", "SEV-1", "SEV-2", "SEV-3")
DEFAULT_WINDOW = "28d"
_FACTS = ("owner", "description")
_MAPPED = {"lineage": "known", "slo": "met"}  # `lineage: known`, `slo: met`


@dataclass(frozen=True)
class Requirement:
    """One thing an asset must show to be certified for a use case."""

    kind: Kind
    check_type: str | None = None  # kind "check": the check type required
    minimum: float | None = None  # kind "pass_rate": the lowest pass rate, 0..1
    window: timedelta | None = None  # kind "pass_rate": over how long
    window_text: str | None = None  # the window as written, e.g. "28d"

    @property
    def label(self) -> str:
        """How the requirement is written and shown: ``freshness``, ``lineage: known``…"""
        if self.kind == "check":
            return str(self.check_type)
        if self.kind in _MAPPED:
            return f"{self.kind}: {_MAPPED[self.kind]}"
        if self.kind == "pass_rate":
            return f"pass_rate: {_percent(self.minimum or 0.0)} over {self.window_text}"
        return self.kind


def check(name: str) -> Requirement:
    return Requirement("check", check_type=name)


#: SPEC 5: ``low``: schema + freshness; ``medium``: + quality SLOs and known
#: lineage; ``high``: + drift, fairness and model checks.
RISK_DEFAULTS: dict[str, tuple[Requirement, ...]] = {
    "low": (check("schema"), check("freshness")),
}
RISK_DEFAULTS["medium"] = (*RISK_DEFAULTS["low"], Requirement("slo"), Requirement("lineage"))
RISK_DEFAULTS["high"] = (
    *RISK_DEFAULTS["medium"],
    *(check(name) for name in ("drift", "fairness", "model")),
)


@dataclass(frozen=True)
class Policy:
    """One use case, ready to decide with."""

    name: str
    requirements: tuple[Requirement, ...]
    max_open_severity: str = "none"
    valid_for: timedelta | None = None  # None: evidence never expires
    risk: str | None = None
    from_risk: bool = False  # the requirements are the defaults of ``risk``


@dataclass(frozen=True)
class PolicyProblem:
    """Something wrong in one use case; ``path`` is below ``use_cases.NAME``."""

    path: tuple[Any, ...]
    message: str
    hint: str = ""


def read_policy(
    name: str,
    requires: list[Any] | None,
    risk: str | None,
    max_open_severity: str,
    valid_for: str | None,
    check_types: Iterable[str],
) -> tuple[Policy, list[PolicyProblem]]:
    """The policy of use case ``name`` and every problem in what was written.

    ``check_types`` are the type names a requirement may name (the built-in and
    the announced ones). Without ``requires`` the defaults of ``risk`` apply
    (``low`` when no risk is given either).
    """
    types = tuple(check_types)
    problems: list[PolicyProblem] = []
    where = f"use case '{name}'"
    requirements: list[Requirement] = []
    if requires is None:
        requirements = list(RISK_DEFAULTS[risk or "low"])
    elif not requires:
        problems.append(
            PolicyProblem(
                ("requires",),
                f"requires of {where} is empty: name what it needs, or leave requires out"
                " to use the defaults of its risk",
            )
        )
    seen: dict[str, int] = {}
    for i, raw in enumerate(requires or []):
        requirement, problem = _read_requirement(raw, types, where)
        if problem is not None:
            problems.append(
                PolicyProblem(("requires", i, *problem.path), problem.message, problem.hint)
            )
            continue
        assert requirement is not None
        if requirement.label in seen:
            problems.append(
                PolicyProblem(
                    ("requires", i),
                    f"requirement '{requirement.label}' of {where} is listed twice"
                    f" (first as #{seen[requirement.label] + 1})",
                )
            )
            continue
        seen[requirement.label] = i
        requirements.append(requirement)
    if max_open_severity not in MAX_OPEN_SEVERITIES:
        problems.append(
            PolicyProblem(
                ("max_open_severity",),
                f"max_open_severity of {where} is '{max_open_severity}': use none, SEV-1,"
                " SEV-2 or SEV-3",
                did_you_mean(max_open_severity, MAX_OPEN_SEVERITIES),
            )
        )
    valid: timedelta | None = None
    if valid_for is not None:
        try:
            valid = parse_duration(valid_for)
        except ValueError as exc:
            problems.append(PolicyProblem(("valid_for",), f"valid_for of {where}: {exc}"))
    policy = Policy(
        name=name,
        requirements=tuple(requirements),
        max_open_severity=max_open_severity,
        valid_for=valid,
        risk=risk,
        from_risk=requires is None,
    )
    return policy, problems


def _read_requirement(
    raw: Any, types: tuple[str, ...], where: str
) -> tuple[Requirement | None, PolicyProblem | None]:
    if isinstance(raw, str) and ":" in raw:  # quoted: "lineage: known" reads as the mapping
        key, _, value = raw.partition(":")
        found, problem = _read_requirement({key.strip(): value.strip()}, types, where)
        if problem is not None:  # a string item has no keys of its own: its line is the item's
            problem = PolicyProblem((), problem.message, problem.hint)
        return found, problem
    names = (*types, *_FACTS, "lineage: known", "slo: met", "pass_rate")
    if isinstance(raw, str):
        if raw in types:
            return check(raw), None
        if raw in _FACTS:
            return Requirement("owner" if raw == "owner" else "description"), None
        if raw in _MAPPED:
            written = f"{raw}: {_MAPPED[raw]}"
            message = f"requirement '{raw}' of {where} needs its value: write '{written}'"
            return None, PolicyProblem((), message)
        return None, PolicyProblem(
            (), f"unknown requirement '{raw}' of {where}", did_you_mean(raw, names)
        )
    if not isinstance(raw, dict) or not raw:
        return None, PolicyProblem(
            (),
            f"requirement {raw!r} of {where} must be a check type, owner, description,"
            " 'lineage: known', 'slo: met' or {pass_rate: 99%, window: 28d}",
        )
    keys = [str(k) for k in raw]
    if "pass_rate" in keys:
        return _read_pass_rate(raw, where)
    if len(keys) > 1:
        return None, PolicyProblem(
            (), f"requirement of {where} has keys {', '.join(keys)}: give one per item"
        )
    key, value = keys[0], next(iter(raw.values()))
    if key not in _MAPPED:
        return None, PolicyProblem(
            (key,),
            f"unknown requirement '{key}' of {where}",
            did_you_mean(key, (*_MAPPED, "pass_rate", *types, *_FACTS)),
        )
    if value != _MAPPED[key]:
        return None, PolicyProblem(
            (key,),
            f"requirement '{key}' of {where} can only be '{key}: {_MAPPED[key]}', not {value!r}",
        )
    return Requirement("lineage" if key == "lineage" else "slo"), None


def _read_pass_rate(
    raw: dict[Any, Any], where: str
) -> tuple[Requirement | None, PolicyProblem | None]:
    for key in raw:
        if key not in ("pass_rate", "window"):
            return None, PolicyProblem(
                (key,),
                f"unknown key '{key}' of the pass_rate requirement of {where}",
                did_you_mean(str(key), ("pass_rate", "window")),
            )
    minimum = _fraction(raw["pass_rate"])
    if minimum is None:
        return None, PolicyProblem(
            ("pass_rate",),
            f"pass_rate of {where} is {raw['pass_rate']!r}: write a percentage from 0% to 100%,"
            " e.g. 99%",
        )
    window_text = raw.get("window", DEFAULT_WINDOW)
    try:
        window = parse_duration(window_text)
    except ValueError as exc:
        return None, PolicyProblem(("window",), f"window of the pass_rate of {where}: {exc}")
    return Requirement("pass_rate", minimum=minimum, window=window, window_text=window_text), None


def _fraction(value: Any) -> float | None:
    """``99%`` or ``99.5 %`` as 0.99 / 0.995; None when it is no percentage from 0 to 100."""
    if not isinstance(value, str) or not value.strip().endswith("%"):
        return None
    try:
        number = float(value.strip()[:-1])
    except ValueError:
        return None
    return number / 100 if 0 <= number <= 100 else None


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"
