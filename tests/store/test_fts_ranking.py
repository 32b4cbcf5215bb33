"""Search over more matches than it ranks: bm25 order as the plain query gives it, newest first beyond."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields, EntryFilter
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.store import search as fts

WORDS = ["serac", "moraine", "col", "cwm", "arete", "bergschrund", "cornice", "scree", "tarn", "couloir"]


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Services]:
    """A few hundred entries of random words, some titled or summarised with them, some trashed."""
    services = open_services(tmp_path / "shelf.db")
    rng = random.Random(7)
    for n in range(300):
        body = " ".join(rng.choices(WORDS, weights=range(len(WORDS), 0, -1), k=rng.randint(5, 60)))
        entry = services.entries.create(
            EntryFields(
                title=rng.choice(["", *WORDS]).title() + f" {n}",
                summary=rng.choice(["", "", rng.choice(WORDS)]),
                body=body,
                tags=tuple(rng.sample(["ice", "rock", "snow"], rng.randint(0, 2))),
            )
        )
        if n % 7 == 0:
            services.entries.trash(entry.id)
    yield services
    services.close()


def reference(db_path: Path, match: str, limit: int, include_trashed: bool) -> list[tuple[int, str, float]]:
    """The search as it was before it counted first: bm25 and snippets over every match."""
    trashed = "" if include_trashed else "AND entries.trashed_at IS NULL "
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT entries_fts.rowid, snippet(entries_fts, -1, '\x02', '\x03', '…', 16), "
            "bm25(entries_fts, 10.0, 4.0, 1.0) AS rank "
            "FROM entries_fts JOIN entries ON entries.id = entries_fts.rowid "
            f"WHERE entries_fts MATCH ? {trashed}ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
    finally:
        db.close()


def as_html(raw: str) -> str:
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        "\x02", "<mark>").replace("\x03", "</mark>")  # fmt: skip


@pytest.mark.parametrize("include_trashed", [False, True])
@pytest.mark.parametrize(
    "typed", ["serac", "tarn", "tarn ", "couloir", "moraine col", "moraine col ", "cor", '"cwm arete"', "col OR tarn"]
)
@pytest.mark.parametrize("limit", [5, 50])
def test_ranked_results_are_those_of_bm25_over_every_match(
    shelf: Services, typed: str, limit: int, include_trashed: bool
) -> None:
    match = typed if fts.uses_syntax(typed) else fts.plain_query(typed)
    assert match is not None
    expected = reference(shelf.db_path, match, limit, include_trashed)
    assert len(expected) >= min(limit, 5)  # the query finds something to order
    hits = shelf.entries.search(typed, limit, include_trashed=include_trashed)
    assert [(h.entry.id, h.snippet, h.rank) for h in hits] == [
        (rowid, as_html(snippet), rank) for rowid, snippet, rank in expected
    ]


@pytest.mark.parametrize("typed", ["serac", "serac ", "moraine ser", '"cwm arete"'])
def test_more_matches_than_are_ranked_come_newest_first(
    shelf: Services, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    matching = [h.entry.id for h in shelf.entries.search(typed, 500)]
    assert len(matching) > 20
    monkeypatch.setattr(fts, "RANKED_MATCHES", 20)

    hits = shelf.entries.search(typed, 10)

    assert [h.entry.id for h in hits] == sorted(matching, reverse=True)[:10]
    assert all(h.rank is None for h in hits)
    assert all("<mark>" in h.snippet for h in hits)
    assert not any(h.entry.trashed for h in hits)


def test_newest_first_leaves_the_trash_out_unless_asked(shelf: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fts, "RANKED_MATCHES", 3)
    newest = shelf.entries.list_summaries(EntryFilter(trashed=True), limit=1)[0]
    body = shelf.entries.get(newest.id).body
    word = body.split()[0]

    kept = [h.entry.id for h in shelf.entries.search(word, 300)]
    everything = [h.entry.id for h in shelf.entries.search(word, 300, include_trashed=True)]

    assert newest.id not in kept and newest.id in everything
    assert set(kept) < set(everything)
    assert everything == sorted(everything, reverse=True)


def test_just_as_many_matches_as_are_ranked_are_ranked(shelf: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    count = len(shelf.entries.search("tarn", 500))
    monkeypatch.setattr(fts, "RANKED_MATCHES", count)
    assert all(h.rank is not None for h in shelf.entries.search("tarn"))
    monkeypatch.setattr(fts, "RANKED_MATCHES", count - 1)
    assert all(h.rank is None for h in shelf.entries.search("tarn"))


def test_a_hit_carries_the_same_summary_as_the_list(shelf: Services) -> None:
    listed = {s.id: s for s in shelf.entries.list_summaries()}
    hits = shelf.entries.search("cornice", 50)
    assert hits
    for hit in hits:
        assert hit.entry == listed[hit.entry.id]
    assert any(hit.entry.tags for hit in hits)


def test_broken_syntax_falls_back_in_the_newest_first_path_too(
    shelf: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fts, "RANKED_MATCHES", 3)
    hits = shelf.entries.search('"serac AND (', 5)
    assert len(hits) == 5
    assert all("<mark>serac</mark>" in h.snippet for h in hits)
