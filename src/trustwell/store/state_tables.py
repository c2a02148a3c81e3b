"""Stored states of incremental checks (``incremental:`` on an asset, migrations 0011, 0012).

``incremental_assets`` holds one row per incremental asset: the partitioning
the states were computed with (``spec``; another one rebuilds them), the
watermark (the largest value of the column seen, typed JSON), the state keys
of the last run (hashes of the planned metric expressions) and the asset-wide
distinct counts the next run's probes add to. ``incremental_partitions``
holds, per partition of the column, its row count, its checksum (with
``verify: checksum``) and its mergeable states by key. Both are written in
the run's own transaction (:func:`trustwell.store.states.write_states`).
``incremental_bitmaps`` (0012) holds, per asset and distinct count of one
integer key, the bitmap of the old rows' keys (anchored at ``low``, the
value of bit 0, as text; zlib-compressed bits): the next run's count is the
union with the new keys' bitmap (:mod:`trustwell.checks.incremental_bitmap`).
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata

incremental_assets = sa.Table(
    "incremental_assets",
    metadata,
    sa.Column("asset", sa.String(400), primary_key=True),
    sa.Column("spec", sa.String(800), nullable=False),  # column|grain|verify
    sa.Column("watermark", json_type(), nullable=True),  # typed JSON; null: no value yet
    sa.Column("state_keys", json_type(), nullable=False),  # [key, …] of the last run
    sa.Column("distinct_counts", json_type(), nullable=False),  # {key: count}
    sa.Column("run_id", sa.String(64), nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

incremental_partitions = sa.Table(
    "incremental_partitions",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("partition_key", sa.String(200), nullable=False),  # typed JSON of the value
    sa.Column("row_count", sa.BigInteger(), nullable=False),
    sa.Column("checksum", sa.String(64), nullable=True),  # a big integer, as text
    sa.Column("states", json_type(), nullable=False),  # {key: typed JSON}
    sa.UniqueConstraint("asset", "partition_key", name="uq_incremental_partitions_asset"),
)

incremental_bitmaps = sa.Table(
    "incremental_bitmaps",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("state_key", sa.String(64), nullable=False),  # the distinct count's key
    sa.Column("low", sa.String(64), nullable=False),  # the key value of bit 0, as text
    sa.Column("bits", sa.LargeBinary(), nullable=False),  # zlib of the little-endian bits
    sa.UniqueConstraint("asset", "state_key", name="uq_incremental_bitmaps_asset"),
)
