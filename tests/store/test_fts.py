"""Full-text search over a real database: bm25 ranking, snippets, triggers, and no syntax errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(tmp_path / "search.db")
    yield opened
    opened.close()


def slugs(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.entry.slug for hit in hits]


def test_title_matches_rank_above_body_matches(services: Services) -> None:
    # The body-only entry mentions the word more often, so only the column weights can
    # put the title match first.
    services.entries.create(
        EntryFields(
            title="Notes from the valley", slug="body-match",
            body="The glacier, the glacier again, and a third glacier beyond the ridge.",
        )
    )
    services.entries.create(
        EntryFields(title="Glacier", slug="title-match", body="We walked for a long time over ice.")
    )
    services.entries.create(EntryFields(title="Unrelated", slug="other", body="Only forests here."))

    hits = services.entries.search("glacier")

    assert slugs(hits) == ["title-match", "body-match"]
    assert hits[0].rank < hits[1].rank  # bm25: lower is better


def test_summary_matches_rank_between_title_and_body(services: Services) -> None:
    services.entries.create(EntryFields(title="A", slug="in-body", body="a moraine field and moraine"))
    services.entries.create(EntryFields(title="B", slug="in-summary", summary="moraine", body="stones"))
    services.entries.create(EntryFields(title="Moraine", slug="in-title", body="stones"))
    assert slugs(services.entries.search("moraine")) == ["in-title", "in-summary", "in-body"]


def test_hit_has_a_snippet_with_the_match_marked(services: Services) -> None:
    services.entries.create(
        EntryFields(title="Camp", body="We pitched the tent below the serac and waited for dawn.")
    )
    (hit,) = services.entries.search("serac")
    assert "<mark>serac</mark>" in hit.snippet
    assert "tent below the" in hit.snippet
    assert hit.entry.title == "Camp"


def test_snippet_escapes_the_entry_text_but_keeps_the_marks(services: Services) -> None:
    services.entries.create(
        EntryFields(title="Raw", body='Before <img src=x onerror="alert(1)"> the crevasse & after')
    )
    (hit,) = services.entries.search("crevasse")
    assert "<img" not in hit.snippet
    assert "&lt;img" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>crevasse</mark>" in hit.snippet


def test_the_last_word_matches_as_a_prefix_while_typing(services: Services) -> None:
    services.entries.create(EntryFields(title="Acclimatization day", body="rest"))
    assert len(services.entries.search("acclim")) == 1
    assert len(services.entries.search("day acclim")) == 1
    # Earlier words are whole words, and a trailing space ends the prefix.
    assert services.entries.search("accl day") == []
    assert services.entries.search("acclim ") == []


def test_every_word_must_appear(services: Services) -> None:
    services.entries.create(EntryFields(title="Ridge walk", slug="ridge", body="wind and snow"))
    services.entries.create(EntryFields(title="Snow cave", slug="cave", body="quiet"))
    assert slugs(services.entries.search("snow wind")) == ["ridge"]


def test_diacritics_are_ignored(services: Services) -> None:
    services.entries.create(EntryFields(title="Café at the col", body="espresso"))
    assert len(services.entries.search("cafe")) == 1


def test_trashed_entries_are_not_found_unless_asked(services: Services) -> None:
    kept = services.entries.create(EntryFields(title="Kept", body="bivouac"))
    gone = services.entries.create(EntryFields(title="Gone", body="bivouac"))
    services.entries.trash(gone.id)
    assert [h.entry.id for h in services.entries.search("bivouac")] == [kept.id]
    found = {h.entry.id for h in services.entries.search("bivouac", include_trashed=True)}
    assert found == {kept.id, gone.id}


def test_an_update_reindexes_old_words_out_and_new_words_in(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Draft title", body="avalanche beacon"))
    services.entries.update(
        entry.id, EntryFields(title="Final heading", body="crampons", summary="icefall")
    )
    assert services.entries.search("avalanche") == []
    assert services.entries.search("draft") == []
    assert len(services.entries.search("crampons")) == 1
    assert len(services.entries.search("heading")) == 1
    assert len(services.entries.search("icefall")) == 1


def test_a_metadata_only_update_keeps_the_entry_findable(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Pass", body="cornice"))
    services.entries.update(entry.id, EntryFields(category="Alps", volume=3, status="finished"))
    assert len(services.entries.search("cornice")) == 1


def test_deleted_entries_leave_the_index(services: Services, tmp_path: Path) -> None:
    entry = services.entries.create(EntryFields(title="Short-lived", body="sastrugi"))
    services.entries.trash(entry.id)
    services.entries.empty_trash()
    assert services.entries.search("sastrugi", include_trashed=True) == []
    # The index itself agrees with its content table (an external-content index can drift).
    db = sqlite3.connect(services.db_path)
    db.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    assert db.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'sastrugi'").fetchone() == (0,)
    db.close()


def test_limit_caps_the_hits(services: Services) -> None:
    for n in range(8):
        services.entries.create(EntryFields(title=f"Day {n}", body="summit push"))
    assert len(services.entries.search("summit", limit=3)) == 3


@pytest.mark.parametrize(
    "query",
    ['"', '"unbalanced', "AND (", "*", "NEAR(", "NEAR(summit", "title:", "nosuchcolumn: summit",
     "(summit", "summit)", "-", "summit -", "^", "+", "AND", "OR OR", "summit AND", ":", "''", "c++"],
)
def test_broken_fts_syntax_never_raises(services: Services, query: str) -> None:
    services.entries.create(EntryFields(title="Summit day", body="the summit at last"))
    hits = services.entries.search(query)
    assert isinstance(hits, list)


@pytest.mark.parametrize(
    "query", ['"summit', "summit AND (", "NEAR(summit", "summit)", "title: summit", "summit -"]
)
def test_broken_fts_syntax_falls_back_to_the_plain_words(services: Services, query: str) -> None:
    services.entries.create(EntryFields(title="Summit day", slug="summit", body="the summit at last"))
    services.entries.create(EntryFields(title="Valley", slug="valley", body="nothing high"))
    assert slugs(services.entries.search(query)) == ["summit"]


def test_deliberate_fts_syntax_is_honoured(services: Services) -> None:
    services.entries.create(EntryFields(title="Ice", slug="ice", body="blue ice"))
    services.entries.create(EntryFields(title="Rock", slug="rock", body="grey rock"))
    assert sorted(slugs(services.entries.search("ice OR rock"))) == ["ice", "rock"]
    assert slugs(services.entries.search('"blue ice"')) == ["ice"]
    assert slugs(services.entries.search("title:rock")) == ["rock"]


def test_blank_query_finds_nothing(services: Services) -> None:
    services.entries.create(EntryFields(title="Anything", body="at all"))
    assert services.entries.search("   ") == []
