"""The front matter's event check refuses aliases and nesting past the limit in their sentences, and reads the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services.markdown_files import MAX_FRONT_MATTER_DEPTH, split_front_matter

ALIAS_SENTENCE = (
    "post.md: the front matter repeats a value through the YAML alias *k, which import does not "
    "expand; write the value out in full (nothing was imported)."
)
DEPTH_SENTENCE = (
    f"post.md: the front matter nests lists or mappings deeper than {MAX_FRONT_MATTER_DEPTH} levels; "
    "nothing was imported."
)
def _front(source: str) -> str:
    return f"---\n{source}---\nbody\n"


def _outcome(source: str) -> object:
    """What reading `source` as front matter gives: the data, or the sentence refusing it."""
    try:
        return split_front_matter(Path("post.md"), _front(source))[0]
    except ImportFailed as exc:
        return str(exc)


def _collection_starts(source: str) -> int:
    """Lists and mappings the parser opens in `source`, counted until it gives up, if it does."""
    starts = 0
    try:
        for event in yaml.parse(source, Loader=yaml.CSafeLoader):
            starts += isinstance(event, yaml.CollectionStartEvent)
    except yaml.YAMLError:
        pass
    return starts


@pytest.mark.parametrize(
    "source",
    ["keep: &k x\nagain: *k\n", "again: *k\n", "tags: [*k]\n", "a: 1\n--- *k\n"],
    ids=["anchored", "undefined", "flow", "second-document"],
)
def test_an_alias_is_refused_in_the_same_sentence(source: str) -> None:
    assert _outcome(source) == ALIAS_SENTENCE


@pytest.mark.parametrize(
    "source",
    [
        "tags: " + "[" * (MAX_FRONT_MATTER_DEPTH + 1) + "]" * (MAX_FRONT_MATTER_DEPTH + 1) + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(MAX_FRONT_MATTER_DEPTH)) + " " * 20 + "leaf: 1\n",
        "tags:\n" + "".join(" " * (2 * i) + "-\n" for i in range(MAX_FRONT_MATTER_DEPTH + 1)),
    ],
    ids=["flow", "block-mappings", "block-lists"],
)
def test_nesting_past_the_limit_is_refused_in_the_same_sentence(source: str) -> None:
    assert _outcome(source) == DEPTH_SENTENCE


def test_nesting_at_the_limit_is_read() -> None:
    source = "".join(" " * i + f"k{i}:\n" for i in range(MAX_FRONT_MATTER_DEPTH - 1)) + " " * 19 + "leaf: 1\n"
    assert _collection_starts(source) == MAX_FRONT_MATTER_DEPTH
    data = _outcome(source)
    assert isinstance(data, dict) and "k0" in data
