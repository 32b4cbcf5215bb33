"""Builds FTS5 queries from what a writer types, so no query ever raises a syntax error."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SYNTAX = re.compile(r'["*()^:+\-]|\b(AND|OR|NOT|NEAR)\b')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def plain_query(text: str, *, drop_operators: bool = False) -> str | None:
    """Every word must appear; the last one may be a prefix, because the writer is still typing.

    With `drop_operators`, AND/OR/NOT/NEAR are left out: the reading of a query whose FTS
    syntax is broken, where they were meant as operators, not as words to find.
    """
    words = _TOKEN.findall(text)
    if drop_operators:
        words = [word for word in words if word not in _OPERATORS]
    if not words:
        return None
    parts = [quote(word) for word in words]
    # A one-letter tail ("it's", "C++") as a prefix would match nearly every entry.
    if text.rstrip() == text and len(words[-1]) >= 2:
        parts[-1] += "*"
    return " ".join(parts)


def phrase_query(text: str) -> str | None:
    """The whole text as one phrase: the fallback when the writer's FTS syntax is broken."""
    words = _TOKEN.findall(text)
    return quote(" ".join(words)) if words else None


def uses_syntax(text: str) -> bool:
    """True when the writer seems to be using FTS5 operators on purpose."""
    return bool(_SYNTAX.search(text))
