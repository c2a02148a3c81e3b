"""The shared statement's aggregates in the idioms each engine computes fastest.

Check types write their metrics in the most portable SQL there is:
``COUNT(CASE WHEN … THEN 1 END)`` and ``COUNT(DISTINCT CASE WHEN … THEN key END)``
run on every engine. The planner hands each scalar metric through
:func:`sharpen` with the engine's capability flags, which rewrites it into
the idiom that engine runs faster (measured: ``docs/benchmarks.md``) and
gives the same value on every row set:

- ``COUNT(CASE WHEN NOT x IS NULL THEN 1 END)`` -> ``COUNT(x)`` (any engine);
- ``COUNT(CASE WHEN c THEN 1 END)`` -> ``COUNT(*) FILTER (WHERE c)`` where
  the engine runs aggregate filters faster (``Engine.aggregate_filter``:
  PostgreSQL; DuckDB 2.0.1 has them but runs the ``CASE`` faster);
- ``COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN x END)`` -> ``COUNT(DISTINCT x)``
  (any engine: ``COUNT`` leaves NULLs out by itself);
- ``REGEXP_MATCHES(s, '^…$')`` -> ``REGEXP_FULL_MATCH(s, '…')`` where the engine
  runs a full match faster (``Engine.regex_full_match``), when the anchors bind
  the whole pattern (no top-level ``|``). DuckDB 2.0.1 has one but measured it
  slower, so its flag is off until an engine gains from it.

Pure: rewrites expressions, runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp


@dataclass(frozen=True)
class Idioms:
    """What the engine offers beyond portable SQL (from its capability flags)."""

    aggregate_filter: bool = False
    regex_full_match: bool = False


def sharpen(expression: exp.Expr, idioms: Idioms) -> exp.Expr:
    """``expression`` (a scalar metric) rewritten in the engine's faster idioms; same value."""

    def counts(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Count) and not isinstance(node.parent, exp.Window):
            return _count(node, idioms)
        return node

    def regexes(node: exp.Expr) -> exp.Expr:
        return _full_match(node) if isinstance(node, exp.RegexpLike) else node

    # Subqueries (PostgreSQL's distinct counts) are statements of their own: left alone.
    if isinstance(expression, exp.Subquery):
        return expression
    sharpened = expression.copy()
    # Regexes first: a rewritten node is not looked into again by ``transform``.
    if idioms.regex_full_match:
        sharpened = sharpened.transform(regexes, copy=False)
    return sharpened.transform(counts, copy=False)


def _only_if(node: exp.Expr) -> tuple[exp.Expr, exp.Expr] | None:
    """``(condition, value)`` of ``CASE WHEN condition THEN value END``, else None."""
    if not isinstance(node, exp.Case) or node.args.get("default") or node.this is not None:
        return None
    ifs = node.args.get("ifs") or []
    if len(ifs) != 1:
        return None
    return ifs[0].this, ifs[0].args["true"]


def _not_null_of(condition: exp.Expr) -> exp.Expr | None:
    """``x`` when the condition is ``NOT x IS NULL`` for a column ``x``, else None."""
    if isinstance(condition, exp.Not) and isinstance(condition.this, exp.Is):
        tested = condition.this
        if isinstance(tested.expression, exp.Null) and isinstance(tested.this, exp.Column):
            return tested.this
    return None


def _count(node: exp.Count, idioms: Idioms) -> exp.Expr:
    inner = node.this
    if isinstance(inner, exp.Distinct):
        if len(inner.expressions) != 1 or (found := _only_if(inner.expressions[0])) is None:
            return node
        condition, value = found
        column = _not_null_of(condition)
        if column is not None and column == value:
            return exp.Count(this=exp.Distinct(expressions=[value.copy()]))
        return node
    found = _only_if(inner)
    if found is None:
        return node
    condition, value = found
    if not (isinstance(value, exp.Literal) and not value.is_string and value.this == "1"):
        return node
    column = _not_null_of(condition)
    if column is not None:
        return exp.Count(this=column.copy())
    if idioms.aggregate_filter:
        counted = exp.Count(this=exp.Star())
        return exp.Filter(this=counted, expression=exp.Where(this=condition.copy()))
    return node


def _full_match(node: exp.RegexpLike) -> exp.Expr:
    pattern = node.expression
    if node.args.get("flag") or not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return node
    body = anchored_body(pattern.this)
    if body is None:
        return node
    return exp.RegexpFullMatch(this=node.this.copy(), expression=exp.Literal.string(body))


def anchored_body(pattern: str) -> str | None:
    """The pattern between ``^`` and ``$`` when those anchor all of it, else None.

    ``^a|b$`` is not anchored as a whole (``a…`` or ``…b``), so a ``|`` outside
    any group or class keeps the search; so does an escaped final ``\\$``.

    >>> anchored_body("^[^@]+@[^@]+$"), anchored_body("^a|b$"), anchored_body("^a\\\\$")
    ('[^@]+@[^@]+', None, None)
    """
    if len(pattern) < 2 or not pattern.startswith("^") or not pattern.endswith("$"):
        return None
    body = pattern[1:-1]
    depth, i, in_class = 0, 0, False
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # a ``]`` right after ``[`` or ``[^`` is a member, not the end
            i += 2 if body[i + 1 : i + 2] == "^" else 1
            if body[i : i + 1] == "]":
                i += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return None
        i += 1
    if i > len(body) or in_class or depth != 0:
        return None  # the final ``$`` was escaped, or the body does not close
    return body
