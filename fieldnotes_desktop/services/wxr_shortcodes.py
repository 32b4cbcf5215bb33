"""Turns the WordPress shortcodes of a post body into HTML where they have a meaning Markdown keeps.

`[caption]` becomes a figure with its caption, `[gallery]` its images, `[code]` a code block,
`[embed]`, `[audio]` and `[video]` a link to what they played; the rest (`[playlist]`, plugins' shortcodes) stay as text
with a note. Shortcodes are found as tokens in one pass and paired after, so a body full of
unclosed `[caption` costs no more than reading it. Every replacement keeps the number of line
breaks it replaces, so the lines of what the body holds still point into the export file.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# A shortcode's opening or closing tag: `[gallery ids="1,2"]`, `[/caption]`. Attributes hold no
# brackets; the length bound keeps a stray `[` from spanning a whole body.
_TOKEN = re.compile(r"\[(/?)([a-z][a-z0-9_-]{0,40})((?:\s[^\[\]]{0,2000})?)\]")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
# WordPress's own, and SyntaxHighlighter's `[code]`, which most blogs showing code have used.
_CORE = frozenset({"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist", "code", "sourcecode"})
# An image (perhaps inside its link) at the start of a caption; the rest is the caption text.
_CAPTIONED = re.compile(r"\A(\s*(?:<a\b[^<>]*+>\s*)?<img\b[^<>]*+>(?:\s*</a>)?)(.*)\Z", re.S | re.I)
_MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "wmv", "flv")

Note = tuple[str, int, str]  # what was met, its offset in the body, what became of it


@dataclass(frozen=True, slots=True)
class Attachments:
    """The export's attachment items, for galleries: their addresses by post id, and by parent post."""

    by_id: Mapping[str, str]
    by_parent: Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class _Tag:
    start: int
    end: int
    closing: bool
    name: str
    attributes: str


def expand_shortcodes(body: str, post_id: str, attachments: Attachments) -> tuple[str, list[Note]]:
    """`body` with the shortcodes Markdown can carry made HTML, and a note for each one that was met."""
    tags = [_Tag(m.start(), m.end(), m.group(1) == "/", m.group(2), m.group(3)) for m in _TOKEN.finditer(body)]
    closings: dict[str, list[int]] = {}
    for index, tag in enumerate(tags):
        if tag.closing:
            closings.setdefault(tag.name, []).append(index)
    paired_names = set(closings)
    out: list[str] = []
    notes: list[Note] = []
    pos = 0
    index = 0
    while index < len(tags):
        tag = tags[index]
        index += 1
        if tag.closing or tag.start < pos or not _is_shortcode(tag, paired_names):
            continue
        close = _closing_after(closings.get(tag.name, []), index)
        end, inner = tag.end, None
        # A plugin's pair keeps what it encloses, so the shortcodes inside are still read.
        if close is not None and tag.name in _ENCLOSING:
            end, inner = tags[close].end, body[tag.end : tags[close].start]
            index = close + 1
        source = body[tag.start : end]
        replacement, note = _expand(tag, inner, post_id, attachments)
        if replacement is None:
            replacement = source
        out += [body[pos : tag.start], replacement, "\n" * (source.count("\n") - replacement.count("\n"))]
        notes += [(f"[{tag.name}]", tag.start, note)] if note else []
        pos = end
    out.append(body[pos:])
    return "".join(out), notes


_ENCLOSING = frozenset({"caption", "wp_caption", "embed", "audio", "video", "code", "sourcecode"})


def _is_shortcode(tag: _Tag, paired: set[str]) -> bool:
    """Core shortcodes, ones that close (`[/x]`) and ones with `key=value` attributes: not `[sic]` or `[1]`."""
    return tag.name in _CORE or tag.name in paired or bool(_ATTRIBUTE.search(tag.attributes))


def _closing_after(indexes: list[int], after: int) -> int | None:
    at = bisect.bisect_left(indexes, after)
    return indexes[at] if at < len(indexes) else None


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(v for v in m.group(2, 3, 4) if v is not None) for m in _ATTRIBUTE.finditer(text)}


def _expand(tag: _Tag, inner: str | None, post_id: str, attachments: Attachments) -> tuple[str | None, str]:
    """The HTML for one shortcode (None: keep its text) and the note to give ("" for none)."""
    attributes = _attributes(tag.attributes)
    handler = _HANDLERS.get(tag.name)
    if handler is not None:
        return handler(attributes, inner, post_id, attachments)
    return None, f"a [{tag.name}] shortcode (from a plugin) was kept as text; replace it with what it showed"


def _caption(attributes: dict[str, str], inner: str | None, _post: str, _a: Attachments) -> tuple[str | None, str]:
    match = _CAPTIONED.match(inner or "")
    if match is None:
        return inner or "", "a [caption] held no image, so only its text was kept"
    caption = match.group(2).strip() or html.escape(attributes.get("caption", ""))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{match.group(1).strip()}{figcaption}</figure>", ""


def _gallery(
    attributes: dict[str, str], _inner: str | None, post_id: str, attachments: Attachments
) -> tuple[str | None, str]:
    """The gallery's images by their ids, or, as WordPress shows one without ids, the post's attached images."""
    ids = [i.strip() for i in attributes.get("ids", attributes.get("include", "")).split(",") if i.strip()]
    if ids:
        addresses = [attachments.by_id[i] for i in ids if i in attachments.by_id]
    else:
        addresses = list(attachments.by_parent.get(post_id, ()))
    if not addresses:
        return "", "a [gallery] named no image found in the export, so it was left out; add its images by hand"
    images = "".join(f'<p><img src="{html.escape(a)}" alt=""></p>' for a in addresses)
    return images, f"a [gallery] became its {len(addresses)} images one after another, without alt text; describe each"


def _embed(attributes: dict[str, str], inner: str | None, _post: str, _a: Attachments) -> tuple[str | None, str]:
    address = (inner or "").strip() or attributes.get("src", "")
    return _link(address, "an [embed]")


def _media(attributes: dict[str, str], inner: str | None, _post: str, _a: Attachments) -> tuple[str | None, str]:
    address = next((attributes[k] for k in _MEDIA_KEYS if attributes.get(k)), "")
    address = address or html.unescape((inner or "").strip())
    return _link(address, "an [audio] or [video] player")


def _code(attributes: dict[str, str], inner: str | None, _post: str, _a: Attachments) -> tuple[str | None, str]:
    if inner is None:
        return None, "a [code] shortcode without its [/code] was kept as text"
    language = re.sub(r"[^\w+#-]", "", attributes.get("language", attributes.get("lang", "")))
    kind = f' class="language-{language.lower()}"' if language else ""
    # Typed in the visual editor, the code arrives escaped; in the text editor, as it is.
    return f"<pre><code{kind}>{html.escape(html.unescape(inner.strip(chr(10))), quote=False)}</code></pre>", ""


def _playlist(_attributes: dict[str, str], _inner: str | None, _post: str, _a: Attachments) -> tuple[str | None, str]:
    return "", "a [playlist] was left out; link to its files by hand"


def _link(address: str, what: str) -> tuple[str | None, str]:
    if not address.startswith(("http://", "https://", "/")):
        return "", f"{what} without an address was left out"
    shown = html.escape(address)
    return f'<p><a href="{shown}">{shown}</a></p>', f"{what} became a link to {address[:80]}"


_Handler = Callable[[dict[str, str], "str | None", str, Attachments], "tuple[str | None, str]"]
_HANDLERS: dict[str, _Handler] = {
    "caption": _caption, "wp_caption": _caption, "gallery": _gallery, "embed": _embed,
    "audio": _media, "video": _media, "playlist": _playlist, "code": _code, "sourcecode": _code,
}
