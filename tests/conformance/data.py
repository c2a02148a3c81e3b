"""The conformance fixture: a small orders table with known defects.

Expected values in ``test_conformance.py`` were computed by hand from these
rows; every engine must produce exactly them.
"""

from __future__ import annotations

from datetime import datetime

NOW = "2026-11-22T09:00:00Z"

ORDERS_DDL = """
CREATE TABLE orders (
    id INTEGER, customer_id INTEGER, email VARCHAR, status VARCHAR,
    amount DOUBLE PRECISION, country VARCHAR, created_at TIMESTAMP
)
"""
CUSTOMERS_DDL = "CREATE TABLE customers (id INTEGER, name VARCHAR)"
#: The same columns and no row: every check but row_count and freshness passes on it.
EMPTY_DDL = ORDERS_DDL.replace("orders", "empty_orders")


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


ORDERS = [
    (1, 10, "ann@example.com", "paid", 10.0, "DE", _ts("2026-11-20 08:00:00")),
    (2, 11, "bob@example.com", "paid", 25.5, "FR", _ts("2026-11-20 09:00:00")),
    (3, 12, None, "refunded", 0.0, "US", _ts("2026-11-20 10:00:00")),  # no email
    (4, 10, "ann@example.com", "paid", 40.0, "DE", _ts("2026-11-21 08:00:00")),
    # duplicate id 4, malformed email, negative amount, 3-letter country
    (4, 13, "not-an-email", "pending", -5.0, "GBR", _ts("2026-11-21 09:00:00")),
    # status not accepted, amount above 500, customer 99 does not exist
    (5, 99, "eve@example.com", "lost", 1000.0, "NL", _ts("2026-11-21 10:00:00")),
    (6, None, "zed@example.com", None, None, None, _ts("2026-11-21 11:00:00")),  # NULLs
    (None, 12, "x@example.com", "paid", 15.0, "US", _ts("2026-11-21 12:00:00")),  # no id
    (7, 11, "bob@example.com", "paid", 30.0, "FR", _ts("2026-11-22 06:00:00")),
    (7, 11, "bob@example.com", "paid", 30.0, "FR", _ts("2026-11-22 06:00:00")),  # exact copy
]
CUSTOMERS = [(10, "Ann"), (11, "Bob"), (12, "Cy"), (13, "Dee")]
