"""The column types and the one ``MetaData`` every table of the store is defined on.

Apart from :mod:`trustwell.store.tables` so that ``incident_tables`` and
``web_tables`` can use them without importing ``tables``, which imports them
(to keep the metadata whole): the modules stay one-way, with no import cycle.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# Constraint names are fixed so that later migrations can refer to them.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is stored as UTC and always comes back timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite keeps the UTC wall time as text in
    a fixed-width format (which also sorts correctly), and the zone is put back
    when the value is read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes aware times")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONValue(sa.TypeDecorator[Any]):
    """JSON everywhere, JSONB on PostgreSQL; Python ``None`` is stored as SQL NULL.

    The PostgreSQL type is chosen when a PostgreSQL dialect asks for it, rather
    than named in every table (``with_variant``): importing SQLAlchemy's
    PostgreSQL dialect costs ~25 ms of every ``trustwell run`` on a SQLite store.
    """

    impl = sa.JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(sa.JSON(none_as_null=True))


def json_type() -> sa.types.TypeEngine[Any]:
    """JSON everywhere, JSONB on PostgreSQL; Python ``None`` is stored as SQL NULL."""
    return JSONValue()


def id_type() -> sa.types.TypeEngine[int]:
    """An auto-incrementing integer key (64-bit on PostgreSQL, ROWID on SQLite)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
