"""Revisions record who wrote them: the writer's name from the settings, FIELDNOTES_AUTHOR, or the account."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop import config
from fieldnotes_desktop.errors import EntryConflict
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services


def test_each_writers_revisions_carry_their_name(desk_location: Path | str) -> None:
    ada, basil = open_services(desk_location, author="Ada Lovelace"), open_services(desk_location, author="Basil")
    try:
        entry = ada.entries.create(EntryFields(title="Shared", body="Ada's first text."))
        seen = basil.entries.get(entry.id)
        ada.entries.update(entry.id, EntryFields(body="Ada's second text."), base_version=entry.version)
        with pytest.raises(EntryConflict):
            basil.entries.update(entry.id, EntryFields(body="Basil's text."), base_version=seen.version)
        basil.entries.force_update(entry.id, EntryFields(body="Basil's text."))  # Keep Mine
        kept = {(revision.author, revision.body) for revision in ada.entries.revisions(entry.id)}
    finally:
        ada.close()
        basil.close()
    assert ("Basil", "Ada's second text.") in kept  # Keep Mine kept theirs, recorded by the one who chose
    assert all(author in ("Ada Lovelace", "Basil") for author, _body in kept)


def test_the_name_comes_from_the_environment_or_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.AUTHOR_ENV, "  Grace  ")
    assert config.writer_name() == "Grace"
    monkeypatch.delenv(config.AUTHOR_ENV)
    assert config.writer_name()  # the account's full name or login: never empty on a real account
