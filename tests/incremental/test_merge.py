"""The pure half: which metrics merge, how, and which partitions were restated."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlglot import exp

from trustwell.checks.incremental_merge import (
    DISTINCT,
    Fingerprint,
    Recipe,
    classify,
    comparable,
    decode,
    encode,
    merge,
    merge_all,
    old_rows,
    partition_key,
    partition_value,
    restated,
    restated_note,
)
from trustwell.checks.metrics import Aggregate, DistinctCount, Grouped, OwnQuery, col, count_where

AMOUNT = col("amount")


def test_counts_sums_minima_maxima_and_means_merge_the_rest_does_not() -> None:
    count = classify(Aggregate(count_where(None)))
    assert isinstance(count, Recipe) and count.finish == "count"
    assert [p.kind for p in count.parts] == ["sum"]
    for func, kind in ((exp.Sum, "sum"), (exp.Min, "min"), (exp.Max, "max")):
        recipe = classify(Aggregate(func(this=AMOUNT.copy())))
        assert isinstance(recipe, Recipe) and [p.kind for p in recipe.parts] == [kind]
    mean = classify(Aggregate(exp.Avg(this=AMOUNT.copy())))
    assert isinstance(mean, Recipe) and mean.finish == "mean"
    assert [p.expression.sql() for p in mean.parts] == ['SUM("amount")', 'COUNT("amount")']
    assert classify(DistinctCount((AMOUNT,), None)) == DISTINCT
    unmergeable = [
        Aggregate(exp.StddevSamp(this=AMOUNT.copy())),
        Aggregate(exp.Median(this=AMOUNT.copy())),
        Aggregate(exp.Count(this=exp.Distinct(expressions=[AMOUNT.copy()]))),
        Grouped((AMOUNT,), exp.Count(this=exp.Star())),
        OwnQuery(exp.select("1")),
    ]
    assert [classify(m) for m in unmergeable] == [None] * 5


def test_state_keys_follow_the_expression() -> None:
    a = classify(Aggregate(exp.Sum(this=AMOUNT.copy())))
    b = classify(Aggregate(exp.Sum(this=col("other"))))
    c = classify(Aggregate(exp.Sum(this=AMOUNT.copy())))
    assert isinstance(a, Recipe) and isinstance(b, Recipe) and isinstance(c, Recipe)
    assert a.parts[0].key == c.parts[0].key != b.parts[0].key


def test_merging_treats_null_as_no_value() -> None:
    assert merge("sum", None, 3) == 3 and merge("sum", 2, 3) == 5
    assert merge("min", 4, None) == 4 and merge("min", 4, -1) == -1
    assert merge("max", date(2026, 1, 2), date(2026, 1, 1)) == date(2026, 1, 2)
    assert merge_all("sum", [None, None]) is None
    mean = classify(Aggregate(exp.Avg(this=AMOUNT.copy())))
    assert isinstance(mean, Recipe)
    total, count = (p.key for p in mean.parts)
    assert mean.value({total: 9.0, count: 3}) == 3.0
    assert mean.value({total: None, count: 0}) is None
    counted = classify(Aggregate(count_where(None)))
    assert isinstance(counted, Recipe) and counted.value({}) == 0


@pytest.mark.parametrize("kind", ["sum", "min", "max"])
@pytest.mark.parametrize(
    "values",
    [
        [0.1, None, 0.2, 0.3, 1e16, 1.0, -1e16],  # a float sum depends on its order
        [Decimal("1.00000000000000000000000000000001"), None, Decimal("2"), Decimal("-3")],
        [1.0, None, 1, 2, 2.0, -0.0, 0],  # equal values of two types: the first one stays
        [float("nan"), 3.0, None, -1.0],
        [None, -0.0],  # not 0 + -0.0
        [Decimal("1.00000000000000000000000000000001")],  # not rounded by an addition
        [None, 7],
        [None, None],
        [],
    ],
)
def test_merging_every_partition_at_once_is_merging_them_one_by_one(
    kind: str, values: list[object]
) -> None:
    """The same value, and of the same type, as :func:`merge` from left to right."""
    one_by_one = None
    for value in values:
        one_by_one = merge(kind, one_by_one, value)  # type: ignore[arg-type]
    merged = merge_all(kind, values)  # type: ignore[arg-type]
    assert repr(merged) == repr(one_by_one) and type(merged) is type(one_by_one)


def test_restated_partitions() -> None:
    stored = {"a": Fingerprint(3), "b": Fingerprint(5, 11), "c": Fingerprint(2)}
    observed = {"a": Fingerprint(3), "b": Fingerprint(5, 12), "d": Fingerprint(1)}
    # b: same count, other checksum; c: gone; d: old rows never stored (loaded late)
    assert restated(stored, observed) == ["b", "c", "d"]
    assert restated(stored, {**observed, "b": Fingerprint(5, None), "c": Fingerprint(2)}) == ["d"]
    assert restated({"a": Fingerprint(1)}, {"a": Fingerprint(1), "new": Fingerprint(0)}) == []


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        "x",
        2**63 + 1,
        0.1,
        Decimal("1.50"),
        date(2026, 11, 20),
        datetime(2026, 11, 20, 8),
        datetime(2026, 11, 20, 8, tzinfo=UTC),
    ],
)
def test_values_come_back_with_their_type(value: object) -> None:
    back = decode(encode(value))
    assert back == value and type(back) is type(value)


def test_partition_keys_round_trip_and_fold_postgres_numerics() -> None:
    assert partition_value(partition_key(datetime(2026, 11, 20))) == datetime(2026, 11, 20)
    assert partition_key(Decimal("4")) == partition_key(4)
    assert partition_value(partition_key(None)) is None
    with pytest.raises(TypeError):
        encode(object())


def test_old_rows_are_all_rows_but_the_new_ones() -> None:
    every = {"a": Fingerprint(5, 50), "b": Fingerprint(3, 30), "c": Fingerprint(2)}
    new = {"b": Fingerprint(1, 10), "c": Fingerprint(2)}
    assert old_rows(every, new) == {
        "a": Fingerprint(5, 50),
        "b": Fingerprint(2, 20),
        "c": Fingerprint(0, None),
    }
    assert restated_note("shop.orders", 1) == "restated: 1 partition of shop.orders rescanned"
    assert restated_note("shop.orders", 2) == "restated: 2 partitions of shop.orders rescanned"


def test_watermarks_of_another_type_do_not_compare() -> None:
    assert comparable(datetime(2026, 1, 2), datetime(2026, 1, 1))
    assert comparable(None, 3) and comparable(Decimal(4), 3)
    assert not comparable(date(2026, 1, 2), datetime(2026, 1, 1))
    assert not comparable(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1))
