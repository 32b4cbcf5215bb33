"""The FTS5 query builder: what a writer types becomes a query that cannot be a syntax error."""

from __future__ import annotations

import sqlite3

import pytest

from fieldnotes_desktop.store import search as fts


def test_plain_query_quotes_every_word_and_prefixes_the_last() -> None:
    assert fts.plain_query("north face") == '"north" "face"*'


def test_plain_query_without_trailing_prefix_after_a_space() -> None:
    assert fts.plain_query("north face ") == '"north" "face"'


def test_plain_query_of_punctuation_only_is_none() -> None:
    assert fts.plain_query('"*()-') is None
    assert fts.phrase_query("  ") is None


def test_phrase_query_joins_the_words() -> None:
    assert fts.phrase_query('AND ( "glacier') == '"AND glacier"'


@pytest.mark.parametrize("text", ['"', "a AND (", "NEAR(x", "title:", "-", "x*", "(a"])
def test_syntax_is_detected(text: str) -> None:
    assert fts.uses_syntax(text)


@pytest.mark.parametrize("text", ["rock and roll", "north face", "café"])
def test_ordinary_words_are_not_syntax(text: str) -> None:
    assert not fts.uses_syntax(text)


@pytest.mark.parametrize(
    "text", ['"', "AND (", "NEAR(", "title:", '"x" AND "y', "a) OR (b", "NOT", "x:y:z", "^^"]
)
def test_built_queries_are_valid_fts5(text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(tmp_path / "fts.db")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body)")
    db.execute("INSERT INTO t VALUES ('and near title x y z', 'b')")
    for query in (fts.plain_query(text), fts.phrase_query(text)):
        if query is not None:
            db.execute("SELECT * FROM t WHERE t MATCH ?", (query,)).fetchall()  # must not raise
    db.close()


def test_plain_query_can_leave_out_operators_meant_as_syntax() -> None:
    assert fts.plain_query("summit AND ( ", drop_operators=True) == '"summit"'
    assert fts.plain_query("NEAR(summit", drop_operators=True) == '"summit"*'
    assert fts.plain_query("rock and roll", drop_operators=True) == '"rock" "and" "roll"*'


@pytest.mark.parametrize("typed", ["it's", "C++", "plan b"])
def test_a_one_letter_tail_is_not_a_prefix(typed: str) -> None:
    # "s*" or "c*" would match nearly every entry while the writer is still typing.
    assert not fts.plain_query(typed).endswith("*")  # type: ignore[union-attr]
