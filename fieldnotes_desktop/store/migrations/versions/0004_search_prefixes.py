"""Index every word's first two and three letters, so a search for a short prefix reads one list.

Revision ID: 0004
Revises: 0003

Without these, FTS5 answers `ka*` by reading and merging the lists of every word that starts so
(hundreds of words: a tenth of a second at 100,000 entries, over a second with a second word),
and the two or three letters a writer has typed so far are the commonest such query. Longer
prefixes match few words and stay merged. The index holds no text of its own, so it is dropped
and rebuilt from `entries` (about 15 s at 100,000 entries; the store backs the file up first);
the triggers name the table, not its shape, and keep working on the new one.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = "title, summary, body, content='entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2'"


def _recreate(options: str) -> None:
    op.execute("DROP TABLE entries_fts")
    op.execute(f"CREATE VIRTUAL TABLE entries_fts USING fts5({options})")
    op.execute("INSERT INTO entries_fts(entries_fts) VALUES('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index answers prefixes as it is
        _recreate(f"{_COLUMNS}, prefix='2 3'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _recreate(_COLUMNS)
