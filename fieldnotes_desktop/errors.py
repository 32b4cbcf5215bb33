"""The errors a writer reads: each message is one sentence saying what went wrong and what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldnotes_desktop.records import Entry


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


class ServerUnreachable(DatabaseLockedError):
    """The database server of a shared desk cannot be reached (down, or the network is gone).

    Retrying later may succeed; the app keeps unsaved text in its offline journal meanwhile.
    """


class NotFoundError(FieldnotesError):
    """An entry, revision or asset asked for by id or slug does not exist."""


class ValidationError(FieldnotesError):
    """A value given by the writer (a date, a volume, a slug) is not acceptable.

    `field` names what was refused, as the attribute of the record it was meant for
    (`EntryFields.volume`, `SiteProfile.base_url`), so a form can mark that field; None when
    the refusal is about no single field.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EntryConflict(FieldnotesError):
    """A save was based on a version of the entry that someone else has changed since.

    Nothing was written. `stored` is the entry as it is in the database now (read in the same
    transaction that refused the save), so the writer can compare it with their own text.
    """

    def __init__(self, entry_id: int, stored: Entry) -> None:
        title = f"“{stored.title}”" if stored.title.strip() else "This entry"
        super().__init__(
            f"{title} was changed elsewhere (by another writer, another window or the command line) "
            "since you opened it; "
            "your text is kept — compare the two in History or keep yours."
        )
        self.entry_id = entry_id
        self.stored = stored


class ImportFailed(FieldnotesError):
    """A file given to import is not a readable Markdown text; nothing of the run was stored."""


class ExportFailed(FieldnotesError):
    """The site could not be written (template error, unwritable folder, full disk)."""


class ExportCancelled(FieldnotesError):
    """The writer stopped an export; files already replaced are complete, the rest untouched."""


class PublishFailed(FieldnotesError):
    """The site could not be sent to its target (unreachable, refused, unknown host key, full disk)."""


class PublishCancelled(FieldnotesError):
    """The writer stopped a publish; the next one finishes it."""


class PasswordNeeded(PublishFailed):
    """The server wants a password and none was given or kept (or the kept one was refused);
    asking the writer for one and publishing again may succeed."""


class UnknownHost(PublishFailed):
    """An SFTP server whose key is not in known_hosts; trusting it (after checking) and publishing again works."""
