"""Alembic environment: migrates the connection handed over by the store, never a URL of its own."""

from alembic import context

from fieldnotes_desktop.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only alter tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
