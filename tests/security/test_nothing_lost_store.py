"""No result is lost: the store is opened and verified before any check runs, and a broken
one stops every command with one line naming it (password masked) and exit code 2.

The warehouse is a port that only counts connections: a check that ran would have
knocked on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from nothing_lost_support import KnockCounter
from typer.testing import CliRunner

from trustwell.cli.app import create_app as create_cli
from trustwell.store import open_store
from trustwell.store.database import StoreError
from trustwell.store.migrate import SCHEMA_HEAD

STORE_COMMANDS = [
    ["run"],
    ["run", "--format", "json"],
    ["tick"],
    ["incident", "list"],
    ["history", "shop.orders"],
    ["metrics"],
    ["review", "--month", "2026-11"],
    ["outbox"],
    ["serve", "--no-scheduler"],
]


@pytest.fixture
def warehouse() -> Iterator[KnockCounter]:
    """A PostgreSQL warehouse that only counts connection attempts."""
    with KnockCounter() as counter:
        yield counter


def _shop(root: Path, warehouse: KnockCounter, store: str | None = None) -> Path:
    (root / "trustwell.yml").write_text(
        "name: shop\n" + (f"store: '{store}'\n" if store else "") + "warehouses:\n"
        f"  main: {{type: postgres, url: 'postgresql://probe@127.0.0.1:{warehouse.port}/wh'}}\n"
    )
    (root / "assets").mkdir()
    (root / "assets" / "shop.yml").write_text(
        "assets:\n  - name: shop.orders\n    checks:\n      - {type: row_count, min: 1}\n"
    )
    return root


def _cli(root: Path, command: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_cli(), [*command, "-p", str(root)])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # an exit code, never a traceback
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_a_corrupt_sqlite_store_stops_every_command_before_any_check(
    tmp_path: Path, warehouse: KnockCounter, command: list[str]
) -> None:
    root = _shop(tmp_path, warehouse)
    database = root / ".trustwell" / "trustwell.db"
    database.parent.mkdir()
    garbage = b"this is not a database, it is what a full disk left behind\n" * 100
    database.write_bytes(garbage)

    code, stdout, stderr = _cli(root, command)

    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: the store {database} is not a SQLite database (file is not a database)\n"
    )
    assert warehouse.knocks == 0  # no check ran: the warehouse was never contacted
    assert database.read_bytes() == garbage  # and nothing "repaired" the file


def test_an_unreachable_postgresql_store_is_named_with_its_password_masked(
    tmp_path: Path, warehouse: KnockCounter
) -> None:
    with KnockCounter() as closed:
        port = closed.port  # nothing listens there once the block ends
    root = _shop(tmp_path, warehouse, store=f"postgresql://tw:PASSWORD@127.0.0.1:{port}/trust")

    code, stdout, stderr = _cli(root, ["run", "--format", "json"])

    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        f"error: cannot open the store postgresql+psycopg://tw:***@127.0.0.1:{port}/trust:"
        f' connection failed: connection to server at "127.0.0.1", port {port} failed:'
        " Connection refused"
    )
    assert stderr.count("\n") == 1 and "PASSWORD" not in stderr
    assert warehouse.knocks == 0


def test_an_unsupported_store_url_is_refused_at_load_time_with_its_line_and_no_password(
    tmp_path: Path, warehouse: KnockCounter
) -> None:
    root = _shop(tmp_path, warehouse, store="mysql://user:PASSWORD@db.example/trust")

    code, stdout, stderr = _cli(root, ["run"])

    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: the project is invalid (1 problem):\n"
        "  unsupported store URL 'mysql://user:***@db.example/trust': use sqlite:///PATH"
        " or postgresql://USER@HOST/DATABASE (the password from ${VAR}) in trustwell.yml line 2\n"
    )
    assert warehouse.knocks == 0


def test_opening_an_unsupported_store_url_in_python_masks_the_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresq://tw:PASSWORD@db.example/trust", tmp_path)
    assert str(caught.value) == (
        "unsupported store URL 'postgresq://tw:***@db.example/trust': use sqlite:///PATH"
        " or postgresql://USER@HOST/DATABASE (the password from ${VAR})"
    )


def test_a_read_only_postgresql_store_stops_the_run_before_any_check(
    tmp_path: Path, warehouse: KnockCounter, fresh_pg_url: str, pg_conn: Any
) -> None:
    open_store(fresh_pg_url, tmp_path).close()  # migrated, then made read-only (a replica)
    name = fresh_pg_url.rsplit("/", 1)[1]
    pg_conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    root = _shop(tmp_path, warehouse, store=fresh_pg_url)

    code, stdout, stderr = _cli(root, ["run", "--format", "json"])

    assert (code, stdout) == (2, "")
    shown = fresh_pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    assert stderr == (
        f"error: the store {shown} is read-only (cannot execute UPDATE in a read-only"
        " transaction): trustwell must write to it\n"
    )
    assert warehouse.knocks == 0
    code, _, stderr = _cli(root, ["history", "shop.orders"])  # reading needs no write
    assert (code, stderr) == (0, "")


def test_a_store_from_a_newer_trustwell_is_refused_not_migrated(
    tmp_path: Path, warehouse: KnockCounter
) -> None:
    root = _shop(tmp_path, warehouse)
    store = open_store("sqlite:///.trustwell/trustwell.db", root)
    newer = sa.text("UPDATE alembic_version SET version_num = '0099'")
    store.write(lambda conn: conn.execute(newer))
    store.close()

    code, stdout, stderr = _cli(root, ["run"])

    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: the store {root / '.trustwell' / 'trustwell.db'} has schema revision 0099,"
        f" which this trustwell (schema {SCHEMA_HEAD}) does not know: upgrade trustwell\n"
    )
    assert warehouse.knocks == 0


def test_a_healthy_store_lets_the_run_reach_the_warehouse(
    tmp_path: Path, warehouse: KnockCounter
) -> None:
    # The counterpart of the tests above: the same project with a good store does query.
    code, _, _ = _cli(_shop(tmp_path, warehouse), ["run", "--format", "json"])
    assert code == 1  # the unreachable warehouse makes the check an error
    assert warehouse.knocks >= 1
