"""Give every entry a version, raised by each change, so that stale saves can be refused.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch copy of the table: copying `entries` would drop the
    # full-text triggers, and SQLite adds a NOT NULL column with a default in place.
    op.add_column("entries", sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    op.execute("ALTER TABLE entries DROP COLUMN version")
