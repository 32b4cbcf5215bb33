"""What a blog brings from elsewhere: an entry's cover image, author, old addresses and time of day.

Revision ID: 0006
Revises: 0005

Plain ADD COLUMNs with constant defaults, as in 0002 and 0005: the full-text triggers stay.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COLUMNS = ("cover", "author", "aliases", "published_time")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("entries", sa.Column(name, sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE entries DROP COLUMN {name}")
