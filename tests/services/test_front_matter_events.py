"""The front matter's event check is skipped only where it could not refuse, nor fail otherwise.

`_may_refuse` lets most front matter skip a second parse; these tests hold it to never letting
through what `_check_events` would refuse, and to leaving every outcome (data or sentence) as
it is with the check always run.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services import markdown_files
from fieldnotes_desktop.services.markdown_files import MAX_FRONT_MATTER_DEPTH, split_front_matter

ALIAS_SENTENCE = (
    "post.md: the front matter repeats a value through the YAML alias *k, which import does not "
    "expand; write the value out in full (nothing was imported)."
)
DEPTH_SENTENCE = (
    f"post.md: the front matter nests lists or mappings deeper than {MAX_FRONT_MATTER_DEPTH} levels; "
    "nothing was imported."
)
# Characters and pieces YAML reads as structure, mixed with plain words, to make front matter
# both valid and broken in every way a short text can be.
PIECES = [
    "a", "key", "b c", " ", "  ", "\n", "\n  ", "\n    ", "\t", "-", "- ", ":", ": ", "?", "? ", "[", "]",
    "{", "}", ",", "#", "&a ", "*a", "!", "!!str ", "'", '"', "|", ">", "%", "---", "...", "2024-01-02",
    "@", "`", "\\", "x: 1\n", "- y\n", "title: T\n", "[1, 2]", "{k: v}",
]


def _nested(rng: random.Random, depth: int, indent: int = 0) -> str:
    """A YAML value `depth` lists or mappings deep, to follow `key:` or `-`, in mixed styles."""
    if depth == 0:
        return " " + rng.choice(["x", "2024-01-02", "'q'", "1"])
    style = rng.choice(["flow", "map", "seq"])
    if style == "flow":
        return " " + _flow(rng, depth)
    lead = "\n" + " " * (indent + 2) + ("k:" if style == "map" else "-")
    return lead + _nested(rng, depth - 1, indent + 2)


def _flow(rng: random.Random, depth: int) -> str:
    if depth == 0:
        return rng.choice(["x", "'q'", "1"])
    inner = _flow(rng, depth - 1)
    return rng.choice(["[" + inner + "]", "{k: " + inner + "}", "[a, " + inner + "]"])


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


def test_the_usual_front_matter_skips_the_event_check() -> None:
    source = 'title: "Rock & Ice"\ndate: 2024-01-02\ntags: snow, rock\nstatus: finished\nvolume: 3\n'
    assert markdown_files._may_refuse(source.replace("&", "and")) is False  # noqa: SLF001
    assert markdown_files._may_refuse(source) is True  # noqa: SLF001 - an anchor could be


@pytest.mark.parametrize(
    "source",
    ["keep: &k x\nagain: *k\n", "again: *k\n", "tags: [*k]\n", "a: 1\n--- *k\n"],
    ids=["anchored", "undefined", "flow", "second-document"],
)
def test_an_alias_is_refused_in_the_same_sentence(source: str) -> None:
    assert markdown_files._may_refuse(source)  # noqa: SLF001
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
    assert markdown_files._may_refuse(source)  # noqa: SLF001
    assert _outcome(source) == DEPTH_SENTENCE


def test_nesting_at_the_limit_is_read() -> None:
    source = "".join(" " * i + f"k{i}:\n" for i in range(MAX_FRONT_MATTER_DEPTH - 1)) + " " * 19 + "leaf: 1\n"
    assert _collection_starts(source) == MAX_FRONT_MATTER_DEPTH
    data = _outcome(source)
    assert isinstance(data, dict) and "k0" in data


def test_no_front_matter_the_check_would_refuse_is_let_through(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20250119)
    skipped = 0
    for n in range(20_000):
        if n % 4:
            source = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) + "\n"
        else:  # well-formed and deep, up to one level past the limit
            source = "top:" + _nested(rng, rng.randint(1, MAX_FRONT_MATTER_DEPTH)) + "\n"
        if markdown_files._may_refuse(source):  # noqa: SLF001
            continue
        skipped += 1
        # What the skip rests on: nothing opens more lists or mappings than there are indicators.
        assert _collection_starts(source) <= MAX_FRONT_MATTER_DEPTH, source
        try:
            markdown_files._check_events("post.md", source)  # noqa: SLF001 - never refuses
        except yaml.YAMLError:
            pass  # not YAML at all: loading it says so, in the sentence compared below
        fast = _outcome(source)
        with monkeypatch.context() as always:
            always.setattr(markdown_files, "_may_refuse", lambda _source: True)
            assert _outcome(source) == fast, source
    assert skipped > 5_000  # the test looked at many sources the check is skipped for
