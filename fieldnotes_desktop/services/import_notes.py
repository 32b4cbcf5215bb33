"""Gathers the import report's notes: what came over with a loss, per file and construct."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import EntryFields, EntrySummary, ImportNote
from fieldnotes_desktop.services.entries import _checked_aliases

# However many files an import holds, its report stays readable and its memory small.
MAX_NOTES = 5000


class Notes:
    """The notes of one import, in the order met, at most MAX_NOTES of them and a count of the rest."""

    def __init__(self) -> None:
        self._notes: list[ImportNote] = []
        self._more = 0

    def add(self, note: ImportNote) -> None:
        if len(self._notes) < MAX_NOTES:
            self._notes.append(note)
        else:
            self._more += 1

    def extend(self, notes: Sequence[ImportNote]) -> None:
        for note in notes:
            self.add(note)

    def all(self) -> tuple[ImportNote, ...]:
        if not self._more:
            return tuple(self._notes)
        return (*self._notes, ImportNote("…", "…", None, f"and {self._more:,} more notes like these"))


def kept_aliases(fields: EntryFields, file: str, notes: Notes) -> EntryFields:
    """The entry's old addresses that are paths on its site; the others left out, each with a note.

    An address elsewhere (`https://old.example/x`) is no page the export can redirect from, and
    one such line must not refuse the whole import.
    """
    aliases = fields.aliases
    if not isinstance(aliases, tuple) or not aliases:
        return fields
    kept: list[str] = []
    for alias in aliases:
        try:
            _checked_aliases((alias,))
        except ValidationError as exc:
            notes.add(ImportNote(file, "aliases", None, f"{exc} It was left out."))
            continue
        kept.append(alias)
    return fields if len(kept) == len(aliases) else replace(fields, aliases=tuple(kept))


def renamed_notes(
    files: Sequence[tuple[str, str]], created: Sequence[EntrySummary], wanted: Mapping[str, str]
) -> list[ImportNote]:
    """A note for each site post stored under another slug than it asked for (the slug was taken):
    links from the other posts were made to the slug it asked for. `files`: (name, as shown)."""
    notes: list[ImportNote] = []
    for (name, shown), entry in zip(files, created):
        asked = wanted.get(name)
        if asked is not None and entry.slug != asked:
            notes.append(ImportNote(
                shown, "slug", None,
                f"stored as {entry.slug}, since an entry already has {asked}; "
                f"links from the other imported posts lead to {asked}: change them to ../{entry.slug}/",
            ))
    return notes
