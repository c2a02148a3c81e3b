"""``incremental:`` on an asset: scan only the rows past a stored watermark.

``incremental: {column: loaded_at}`` names a timestamp or date column (or an
increasing integer id column). Each run stores mergeable metric states per
partition of that column and the watermark (the column's largest value seen);
the next run scans only rows past it and merges (see ``docs/incremental.md``
and :mod:`trustwell.checks.incremental`).

- ``partition``: ``day`` (default) or ``hour``, for a timestamp or date column;
- ``partition_size``: rows per partition of an integer id column, by value
  (``id // partition_size``; default 100000);
- ``verify``: how a partition at or below the watermark is checked for
  changes before each run: ``count`` (default: its row count), ``total``
  (one count of all old rows, answered from zone maps on DuckDB; the
  per-partition counts only when it changed, so a change that cancels out
  in the total goes unseen) or ``checksum`` (count and a sum of row hashes,
  which also sees rows updated in place, at the cost of hashing every old
  row): see ``docs/incremental.md``.

>>> Incremental.model_validate({"column": "loaded_at"}).grain
'day'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trustwell.checks.params import Int, Name, rule

#: The default rows per partition of an integer id column.
DEFAULT_PARTITION_SIZE = 100_000


class Incremental(BaseModel):
    """``incremental: {column, partition, partition_size, verify}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: Name
    partition: Literal["day", "hour"] | None = None
    partition_size: Int | None = Field(default=None, ge=1)
    verify: Literal["count", "total", "checksum"] = "count"

    @model_validator(mode="after")
    def _one_partitioning(self) -> Incremental:
        if self.partition is not None and self.partition_size is not None:
            raise rule(
                "give partition (day or hour, for a timestamp or date column) or"
                " partition_size (for an integer id column), not both",
                "partition_size",
            )
        return self

    @property
    def grain(self) -> Literal["day", "hour"] | int:
        """The partition of a row: a day or an hour of the column, or an id range's size."""
        if self.partition_size is not None:
            return self.partition_size
        return self.partition or "day"

    @property
    def by_id(self) -> bool:
        """Whether partitions are ranges of an integer id (``partition_size``)."""
        return self.partition_size is not None

    def spec(self) -> str:
        """The partitioning as one string; stored states of another spec are rebuilt."""
        return f"{self.column}|{self.grain}|{self.verify}"
