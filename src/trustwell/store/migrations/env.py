"""Alembic environment for the trustwell store.

trustwell runs migrations itself (see :func:`trustwell.store.migrate.upgrade_to_head`),
handing over a connection that is already inside a locked transaction, so that
two processes opening a fresh store cannot both migrate it. Run by hand
(``alembic -x url=sqlite:///path.db upgrade head``) it opens its own connection.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from trustwell.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if isinstance(connection, sa.Connection):
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("give the store URL: alembic -x url=... upgrade head")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


_main()
