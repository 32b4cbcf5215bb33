"""The errors a writer reads: each message is one sentence saying what went wrong and what to do."""

from __future__ import annotations


class FieldnotesError(Exception):
    """A failure the writer can act on; its message is shown as it is, without a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DatabaseError(FieldnotesError):
    """The database file cannot be opened, migrated or written (corrupt, locked, newer, full)."""


class DatabaseLockedError(DatabaseError):
    """Another program holds the database; retrying later may succeed."""


class NotFoundError(FieldnotesError):
    """An entry, revision or asset asked for by id or slug does not exist."""


class ValidationError(FieldnotesError):
    """A value given by the writer (a date, a volume, a slug) is not acceptable."""


class ImportFailed(FieldnotesError):
    """A file given to import is not a readable Markdown text; nothing of the run was stored."""


class ExportFailed(FieldnotesError):
    """The site could not be written (template error, unwritable folder, full disk)."""


class ExportCancelled(FieldnotesError):
    """The writer stopped an export; files already replaced are complete, the rest untouched."""
