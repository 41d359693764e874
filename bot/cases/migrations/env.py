"""Alembic environment: migrates the database named by DATABASE_URL (or the URL the caller set)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from bot.cases.models import Base
from bot.settings import load_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or load_settings().database_url


def include_object(obj: object, name: str, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave Rasa's tracker-store tables alone: Rasa creates and owns them."""
    return not (type_ == "table" and reflected and compare_to is None)


connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()
