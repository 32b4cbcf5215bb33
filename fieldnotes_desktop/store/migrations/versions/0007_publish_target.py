"""Where the site is published: one target address kept with the site settings.

Revision ID: 0007
Revises: 0006

A plain ADD COLUMN with a constant default, as in 0005 and 0006. No password is ever kept
here: an SFTP password lives in the system keyring.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("site", sa.Column("publish_to", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    op.execute("ALTER TABLE site DROP COLUMN publish_to")
