"""Alembic environment. The app runs migrations programmatically (core.storage.database);
developers can also run ``alembic -c db/alembic.ini ...`` from the repository root."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from cspdesk.core.storage.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, _parent) -> bool:
    return not ((type_ == "table" and name.startswith("case_fts"))
                or (type_ == "index" and name == "ix_asb_case_search_trgm"))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The search indexes are made by hand in 0002 (SQLite's FTS5 tables, PostgreSQL's trigram
        # index); autogenerate must not drop them.
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
