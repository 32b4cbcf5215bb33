"""Split Markdown source into top-level heading sections with a fence-aware line scan."""

# Rendering sections independently is only correct if every split falls on a true
# top-level block boundary, so the scanner errs towards *not* splitting: when in doubt
# (an HTML block whose end it cannot see, a fence that never closes) it keeps lines
# together. It never tokenizes; one pass over the lines is all it costs.

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_NEWLINES_RE = re.compile(r"\r\n?")
_ATX_RE = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE_RE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)$")
_SETEXT_RE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_HTML_START_RE = re.compile(r" {0,3}<[A-Za-z/!?]")
# HTML block kinds 1-5 of CommonMark end at a marker, not at a blank line.
_HTML_ENDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r" {0,3}<(?:script|pre|style|textarea)(?:[\s>]|$)", re.IGNORECASE),
        re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    ),
    (re.compile(r" {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r" {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r" {0,3}<![A-Za-z]"), re.compile(r">")),
    (re.compile(r" {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
)
# Loose on purpose: a false positive only costs a full render, a miss renders wrongly.
_DEFINITION_RE = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\[[^\]\n]+\]:")


@dataclass(frozen=True, slots=True)
class SourceSection:
    """One top-level section: `text` spans lines [start_line, end_line) of the source."""

    text: str
    start_line: int
    end_line: int
    key: str


@dataclass(frozen=True, slots=True)
class SourceScan:
    """The sections of a document, and whether any of them depend on each other."""

    sections: tuple[SourceSection, ...]
    has_cross_references: bool


def normalize_newlines(source: str) -> str:
    """Use `\\n` only, as markdown-it does, so line numbers agree with its token maps."""
    return _NEWLINES_RE.sub("\n", source) if "\r" in source else source


def text_digest(text: str) -> str:
    """Short stable hash of a section's text (never Python's salted `hash`)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def split_sections(source: str) -> list[SourceSection]:
    """Split `source` before each top-level ATX or setext heading.

    Text before the first heading is its own section. Keys are the text's digest plus
    `-N` for the N-th repeat of identical text, so keys are unique within a document
    yet do not depend on where the section sits.
    """
    return list(scan_source(source).sections)


def scan_source(source: str) -> SourceScan:
    """Split `source` and note whether it holds reference or footnote definitions."""
    source = normalize_newlines(source)
    lines = source.split("\n")
    if lines[-1] == "":
        # The piece after a final newline is not a line of its own.
        lines.pop()
    starts, has_refs = _section_starts(lines)
    return SourceScan(_build_sections(lines, starts), has_refs)


def front_matter_end(lines: list[str]) -> int:
    """Index of the first line after front matter, 0 when there is none.

    Mirrors mdit-py-plugins' rule: `---` opens at line 0; a dash run at least as long
    (indented < 4) or `...` at column 0 closes; unclosed means no front matter.
    """
    if not lines or not lines[0].startswith("---"):
        return 0
    opening = len(lines[0]) - len(lines[0].lstrip("-"))
    for index in range(1, len(lines)):
        line = lines[index]
        if line.startswith("...") and not line[3:].strip(" "):
            return index + 1
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) < 4 and stripped.startswith("-"):
            dashes = len(stripped) - len(stripped.lstrip("-"))
            if dashes >= opening and not stripped[dashes:].strip(" "):
                return index + 1
    return 0


def _section_starts(lines: list[str]) -> tuple[list[int], bool]:
    """Line indexes where sections begin (always including 0) and the cross-ref flag."""
    starts = [0]
    has_refs = False
    fence: tuple[str, int] | None = None  # (marker char, length) of the open fence
    html_end: re.Pattern[str] | None = None
    in_html_until_blank = False
    # Start of the current run of lines that began at column 0 after a blank line:
    # a true block boundary, where a setext heading's text would begin.
    block_start: int | None = None
    previous_blank = True
    index = front_matter_end(lines)
    for index in range(index, len(lines)):
        line = lines[index]
        if fence is not None:
            match = _FENCE_RE.match(line)
            if (
                match
                and match.group(2)[0] == fence[0]
                and len(match.group(2)) >= fence[1]
                and not match.group(3).strip()
            ):
                fence = None
            continue
        if html_end is not None:
            if html_end.search(line):
                html_end = None
            previous_blank = False
            continue
        blank = not line.strip()
        if in_html_until_blank:
            in_html_until_blank = not blank
            previous_blank = blank
            block_start = None
            continue
        if blank:
            previous_blank = True
            block_start = None
            continue
        if "]:" in line and not has_refs and _DEFINITION_RE.match(line):
            has_refs = True
        first = line[0]
        if first == "#" and _ATX_RE.match(line):
            if index != starts[-1]:
                starts.append(index)
            block_start = None
            previous_blank = True  # an ATX heading is one line: next line starts a block
            continue
        if first in " `~" or first == "<":
            match = _FENCE_RE.match(line)
            if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
                fence = (match.group(2)[0], len(match.group(2)))
                block_start = None
                previous_blank = False
                continue
            if _HTML_START_RE.match(line):
                html_end, in_html_until_blank = _html_block_end(line)
                block_start = None
                previous_blank = False
                continue
        if (first == "=" or first == "-" or first == " ") and block_start is not None:
            if _SETEXT_RE.match(line):
                if block_start != starts[-1]:
                    starts.append(block_start)
                block_start = None
                previous_blank = False
                continue
        if previous_blank and first not in " \t" and not line.startswith("---"):
            # A section starting with `---` would be read as front matter: never split there.
            block_start = index
        previous_blank = False
    return starts, has_refs


def _html_block_end(line: str) -> tuple[re.Pattern[str] | None, bool]:
    """How the HTML block opened by `line` ends: (end marker still to come, ends at blank)."""
    for start_re, end_re in _HTML_ENDS:
        match = start_re.match(line)
        if match:
            # The end marker may sit on the opening line itself: then nothing is open.
            return (None if end_re.search(line, match.end()) else end_re), False
    return None, True


def _build_sections(lines: list[str], starts: list[int]) -> tuple[SourceSection, ...]:
    if not lines:
        return ()
    bounds = [*starts, len(lines)]
    seen: dict[str, int] = {}
    sections: list[SourceSection] = []
    for start, end in zip(bounds, bounds[1:]):
        text = "\n".join(lines[start:end]) + "\n"
        digest = text_digest(text)
        repeat = seen.get(digest, 0)
        seen[digest] = repeat + 1
        key = digest if repeat == 0 else f"{digest}-{repeat}"
        sections.append(SourceSection(text, start, end, key))
    return tuple(sections)
