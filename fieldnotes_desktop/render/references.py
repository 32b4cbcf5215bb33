"""What an entry's Markdown links to and shows, with the line of each, and the anchors its page will have.

The pre-publish checks read every body a publish would. A full parse costs ~4 ms for a thousand
words (four seconds for a thousand entries); this reads the lines instead, knowing what changes a
link's meaning: front matter, fenced and indented code, code spans, comments and block quotes.
Heading ids follow the renderer's own rules (`heading_ids`, the parser's reading of a heading
with markup, the sanitizer's `user-` prefix), so they are the ids of the exported page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fieldnotes_desktop.render.alt_text import images_in
from fieldnotes_desktop.render.heading_ids import slugify
from fieldnotes_desktop.render.sanitize import PAGE_ID_PREFIX, USER_ID_PREFIX

LINK, IMAGE = "link", "image"

_QUOTE = re.compile(r"^(?: {0,3}> ?)+")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(?:<([^<>\n]*)>|(\S+))")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ESCAPED = re.compile(r"\\[\[\]()<>`!]")
# `[text](dest "title")` and `![alt](dest)`: text with one level of brackets, a destination between
# `<` and `>` or bare with balanced parentheses. Possessive, so a hostile line is read in linear time.
_DEST = r"(?:<([^<>\n]*)>|((?:[^\s()<>\\]|\\.|\((?:[^\s()<>\\]|\\.)*+\))*+))"
# It starts at the `[` (an image's `!` is looked at apart): a pattern opening with a literal is
# searched for that character by the regex engine, twice as fast over prose.
_INLINE = re.compile(
    r"\[((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*+\])*+)\]\([ \t]*+" + _DEST
    + r"""(?:[ \t]++(?:"[^"]*+"|'[^']*+'|\([^()]*+\)))?[ \t]*+\)"""
)
_RAW_LINK_OR_IMAGE = re.compile(r"<(?:a|img)\b[^<>]*>", re.IGNORECASE)
_RAW_ID = re.compile(r"""<[A-Za-z][^<>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_CLEAN_TAG = re.compile(r"<(a|img)\b[^>]*>")
_HREF = re.compile(r'\shref="([^"]*)"')
# What can make a heading's id differ from its text: inline markup, escapes, entities.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!~\n]")
_ALT_MARKUP = re.compile(r"[*_`~&]")
_EMPHASIS = re.compile(r"[*`~]+|(?<!\w)_+|_+(?!\w)")  # `IMG_1` keeps its underscore


@dataclass(frozen=True, slots=True)
class Reference:
    """A link or an image in the body: its destination as written (`<…>` taken off), its line."""

    kind: str  # LINK or IMAGE
    target: str
    line: int  # 1-based
    alt: str = ""  # an image's alt text as a reader gets it, markup left out


@dataclass(frozen=True, slots=True)
class BodyScan:
    references: tuple[Reference, ...]
    anchors: frozenset[str]  # every id the rendered body has: headings, footnotes, hand-written
    raw_ids: frozenset[str]  # hand-written ids as typed; the page has each as `user-<id>`


def scan_body(body: str) -> BodyScan:
    """The links, images and anchors of `body`, in the order written."""
    scan = _Scan()
    for number, text in _prose_lines(body, scan):
        scan.read_line(number, text)
    return scan.finish(body)


def page_anchors(body: str) -> frozenset[str]:
    """`scan_body(body).anchors`, without reading the links: for an entry other entries link into."""
    scan = _Scan()
    for _number, text in _prose_lines(body, scan):
        if "<" in text:
            scan.read_ids(text)
    return scan.finish(body, links=False).anchors


def heading_id_base(text: str) -> str:
    """The id a heading of `text` asks for before ids are made unique: the parser's reading of it
    (text and code, no markup) through `heading_ids.slugify`, with the sanitizer's prefix."""
    text = text.strip()
    if _MARKUP.search(text):
        from fieldnotes_desktop.render.parser import markdown_parser
        from fieldnotes_desktop.render.typography import PLAIN

        tokens = markdown_parser(PLAIN).parseInline(text)
        children = (tokens[0].children or []) if tokens else []
        text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
    base = slugify(text)
    return USER_ID_PREFIX + base if base.startswith(PAGE_ID_PREFIX) else base


class _Scan:
    """What the lines have shown so far."""

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self.headings: list[str] = []
        self.definitions: list[tuple[str, Reference]] = []  # (normalised label, its destination)
        self.footnotes: set[str] = set()
        self.raw_tags: list[tuple[int, str]] = []
        self.raw_ids: set[str] = set()

    def read_line(self, number: int, text: str) -> None:
        if "`" in text:
            text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
        if "\\" in text:
            text = _ESCAPED.sub("  ", text)
        if "](" in text:
            self._inline(number, text)
        if "<" in text:
            lowered = text.lower()
            if "<a" in lowered or "<img" in lowered:
                self.raw_tags += [(number, tag) for tag in _RAW_LINK_OR_IMAGE.findall(text)]
            if "id" in lowered:
                self.read_ids(text)

    def read_ids(self, text: str) -> None:
        self.raw_ids.update(next(v for v in m.groups() if v is not None) for m in _RAW_ID.finditer(text))

    def _inline(self, number: int, text: str) -> None:
        for match in _INLINE.finditer(text):
            label = match.group(1)
            target = _destination(match.group(2), match.group(3))
            start = match.start()
            if start and text[start - 1] == "!":
                self.references.append(Reference(IMAGE, target, number, _alt(label)))
                continue
            if "](" in label:  # an image inside the link's text: `[![alt](photo.jpg)](../slug/)`
                self._inline(number, label)
            self.references.append(Reference(LINK, target, number))

    def definition(self, number: int, label: str, target: str) -> None:
        if label.startswith("^"):
            self.footnotes.add(label)
        else:
            self.definitions.append((_label(label), Reference(LINK, target, number)))

    def finish(self, body: str, *, links: bool = True) -> BodyScan:
        references = self.references
        if links and self.definitions:
            # A definition no link uses puts no link on the page; `[label]` appears in the
            # definition itself, so a used one appears at least twice.
            folded = " ".join(body.split()).casefold()
            references += [ref for label, ref in self.definitions if folded.count(f"[{label}]") > 1]
        if links:
            references += self._raw_references()
        references.sort(key=lambda ref: ref.line)
        anchors = _unique_ids(self.headings)
        for n in range(1, len(self.footnotes) + 1):
            anchors.update((f"fn{n}", f"fnref{n}"))
        anchors.update(USER_ID_PREFIX + raw for raw in self.raw_ids)
        return BodyScan(tuple(references), frozenset(anchors), frozenset(self.raw_ids))

    def _raw_references(self) -> list[Reference]:
        """`<a href>` and `<img>` written by hand, read as the sanitizer leaves them (one call for all)."""
        if not self.raw_tags:
            return []
        from fieldnotes_desktop.render.sanitize import Sanitizer

        clean = Sanitizer().clean
        joined = clean("\n".join(tag for _number, tag in self.raw_tags))
        tags = [match.group(0) for match in _CLEAN_TAG.finditer(joined)]
        if len(tags) != len(self.raw_tags):  # the HTML parser merged or dropped some: one at a time
            tags = [_first_tag(clean(tag)) for _number, tag in self.raw_tags]
        found = []
        for (number, _raw), tag in zip(self.raw_tags, tags):
            if tag.lower().startswith("<img"):
                found += [Reference(IMAGE, src, number, alt) for src, alt in images_in(tag) if src]
            elif (href := _HREF.search(tag)) is not None:
                found.append(Reference(LINK, html.unescape(href.group(1)), number))
        return found


def _unique_ids(bases: list[str]) -> set[str]:
    """The ids `heading_ids.unique_slug` gives headings of these bases in this order (`slug`, `slug-1`…),
    counting on from the last suffix given to each base: a body of a thousand equal headings is
    then read in linear time, not in a thousand searches from `-1` up."""
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    for base in bases:
        if base not in taken:
            taken.add(base)
            continue
        suffix = next_suffix.get(base, 1)
        while f"{base}-{suffix}" in taken:
            suffix += 1
        taken.add(f"{base}-{suffix}")
        next_suffix[base] = suffix + 1
    return taken


def _first_tag(cleaned: str) -> str:
    match = _CLEAN_TAG.search(cleaned)
    return match.group(0) if match else ""


def _prose_lines(body: str, scan: _Scan) -> Iterator[tuple[int, str]]:
    """The lines of `body` that are prose (1-based number, text without block-quote marks);
    headings and reference definitions are handed to `scan` on the way."""
    lines = body.split("\n")
    start = _after_front_matter(lines)
    fence = ""  # the open fence's marker
    in_comment = in_indented = in_list = False
    blank_before = True
    paragraph: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index].rstrip("\r")
        number = index + 1
        if line[:1].isalpha() and not fence and not in_comment and "<!--" not in line:
            # Most lines of prose: a letter first is no fence, quote, list, heading, rule or code.
            if blank_before:
                in_list = False
            blank_before = in_indented = False
            paragraph.append(line.strip())
            yield number, line
            continue
        content = _QUOTE.sub("", line) if ">" in line[:4] else line
        if fence:
            opened = _FENCE.match(content)
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and not opened.group(2).strip():
                fence = ""
            continue
        stripped = content.lstrip(" \t")
        if not stripped:
            blank_before, paragraph = True, []
            continue
        indent = len(content.expandtabs(4)) - len(stripped.expandtabs(4)) if "\t" in content else len(content) - len(stripped)
        if blank_before and indent == 0 and _LIST_MARKER.match(content) is None:
            in_list = False
        if indent >= 4 and not in_list and not paragraph and (blank_before or in_indented) and not in_comment:
            in_indented = True
            continue
        in_indented = False
        opened = _FENCE.match(content)
        if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)) and not in_comment:
            fence, paragraph, blank_before = opened.group(1), [], False
            continue
        if in_comment or "<!--" in content:
            content, in_comment = _outside_comments(content, in_comment)
            if not content.strip():
                continue
        marker = _LIST_MARKER.match(content)
        if marker is not None and not _BREAK.match(content):
            in_list, paragraph = True, []
            content_after = content[marker.end():]
        else:
            content_after = content
        blank_before = False
        if paragraph and _SETEXT.match(content) and marker is None:
            scan.headings.append(heading_id_base("\n".join(paragraph)))
            paragraph = []
            continue
        heading = _ATX.match(content_after)
        if heading is not None:
            scan.headings.append(heading_id_base(_ATX_CLOSING.sub("", heading.group(2) or "")))
            paragraph = []
            yield number, content_after
            continue
        if _BREAK.match(content):
            paragraph = []
            continue
        if not paragraph and "]:" in content_after:
            definition = _DEFINITION.match(content_after)
            if definition is not None:
                scan.definition(number, definition.group(1), _destination(definition.group(2), definition.group(3)))
                if definition.group(1).startswith("^"):
                    yield number, content_after[definition.end(1) + 2 :]
                continue
        if marker is None:
            paragraph.append(content_after.strip())
        yield number, content_after


def _after_front_matter(lines: list[str]) -> int:
    """The index of the first body line: front matter (`---` … `---` at the top) is not rendered."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return index + 1
    return 0


def _outside_comments(text: str, in_comment: bool) -> tuple[str, bool]:
    """`text` without the parts inside HTML comments, and whether a comment is still open after it."""
    kept: list[str] = []
    while text:
        if in_comment:
            end = text.find("-->")
            if end < 0:
                return "".join(kept), True
            text, in_comment = text[end + 3 :], False
        else:
            start = text.find("<!--")
            if start < 0:
                kept.append(text)
                break
            kept.append(text[:start])
            text, in_comment = text[start + 4 :], True
    return "".join(kept), in_comment


def _destination(bracketed: str | None, bare: str | None) -> str:
    written = bracketed if bracketed is not None else bare or ""
    return html.unescape(written.replace("\\", "")) if ("&" in written or "\\" in written) else written


def _alt(label: str) -> str:
    """An image's alt text as markdown-it gives it: the label's text without emphasis marks."""
    if _ALT_MARKUP.search(label) is None:
        return label.strip()
    return html.unescape(_EMPHASIS.sub("", label)).strip()


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()
