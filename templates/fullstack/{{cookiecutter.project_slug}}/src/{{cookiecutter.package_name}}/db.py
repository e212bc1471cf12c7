"""Engine, sessions and the migration gate: the schema belongs to Alembic, never to create_all."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    pass


class PendingMigrationsError(RuntimeError):
    """The database schema is behind the code."""


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close pooled connections (tests and commands, so nothing is left to the GC)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    # --- migrations -------------------------------------------------------------------------
    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", f"{__package__}:migrations")
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def pending_migrations(self) -> list[str]:
        """Revisions in the code that the database has not applied yet (empty: up to date)."""
        script = ScriptDirectory.from_config(self.alembic_config())
        with self.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        if current == set(script.get_heads()):
            return []
        pending = []
        for revision in script.walk_revisions():
            if revision.revision in current:
                break
            pending.append(revision.revision)
        return pending

    def upgrade(self) -> None:
        with self.engine.begin() as connection:
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ensure_migrated(self, auto_upgrade: bool) -> None:
        pending = self.pending_migrations()
        if not pending:
            return
        if auto_upgrade:
            log.info("applying migrations", extra={"revisions": pending})
            self.upgrade()
            return
        raise PendingMigrationsError(
            f"The database is missing {len(pending)} migration(s). Run `alembic upgrade head` "
            f"(or `python -m {__package__} migrate`) with the same DATABASE_URL, then start again."
        )
