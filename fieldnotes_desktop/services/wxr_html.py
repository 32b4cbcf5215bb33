"""Converts the HTML body of a WordPress post to Markdown, with notes on what Markdown cannot hold.

The steps, in order: shortcodes to HTML (wxr_shortcodes.py), comments (the block editor's among them) dropped,
paragraphs made explicit (wxr_paragraphs.py), then on the parsed tree: frames, scripts and
players replaced or left out, images pointed at the media folder, captions set as a line
under their image, code blocks given their language; markdownify writes the Markdown.
Every step keeps the body's line breaks where they were, so a note's line is a line of the
export file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction
from markdownify import ATX, BACKSLASH, MarkdownConverter

from fieldnotes_desktop.services.wxr_media import MediaFolder, upload_path
from fieldnotes_desktop.services.wxr_paragraphs import add_paragraphs, is_block_editor
from fieldnotes_desktop.services.wxr_shortcodes import Attachments, Note, expand_shortcodes

# Converting costs ~1 µs per byte of a real post, and up to ~12 µs for a body that is all line
# breaks or tags (markdownify's cost per node); the longest real posts are a few hundred
# kilobytes. Beyond this, a post keeps its text only, so no one post holds an import for long.
MAX_BODY_CHARS = 1_000_000
# The notes of one kind given for one post; the rest are counted in one more.
MAX_NOTES_OF_A_KIND = 10
_TAG = re.compile(r"<[^<>]*+>")
_BREAK = re.compile("\n")
_COMMENT = re.compile(r"<!--")
_DECLARATION = re.compile(r"<[!?][^<>]*+>")
_UNCLOSED = re.compile(r"<[!?]")
_LANGUAGE = re.compile(r"(?:\blanguage-|\blang-|\bbrush:\s*)([\w+#-]+)")
# Text that Markdown would read as HTML or an entity, although the post showed it as text.
_LOOKS_LIKE_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")
_LEFT_OUT = {
    "script": "a script was left out: published entries run no scripts",
    "style": "a <style> block was left out: the site's theme sets the look",
    "form": "a form was left out: a static site cannot receive it",
    "noscript": "a <noscript> block was left out",
}
_NOT_TEXT = (Comment, CData, Declaration, Doctype, ProcessingInstruction)


@dataclass(frozen=True, slots=True)
class Body:
    markdown: str
    image_refs: tuple[str, ...]  # paths inside the media folder, as the Markdown names them
    notes: tuple[Note, ...]  # (what, line within the body counted from 0, what became of it)


def convert_body(source: str, post_id: str, attachments: Attachments, media: MediaFolder | None) -> Body:
    if len(source) > MAX_BODY_CHARS:
        text = unescape(_TAG.sub(" ", source))
        note = ("HTML", 0, f"the body is over {MAX_BODY_CHARS:,} characters of HTML, "
                "so only its text was kept, unconverted")
        return Body(text.strip() + "\n", (), (note,))
    expanded, found = expand_shortcodes(source, post_id, attachments)
    breaks = [m.start() for m in _BREAK.finditer(source)]
    notes = [(what, bisect.bisect_left(breaks, offset), text) for what, offset, text in found]
    expanded = _without_comments(expanded)
    if not is_block_editor(source):
        expanded = add_paragraphs(expanded)
    soup = BeautifulSoup(expanded, "html.parser")
    notes += _replace_players(soup)
    refs, image_notes = _point_images(soup, media)
    notes += image_notes
    _set_captions(soup)
    _escape_text(soup)
    try:
        markdown = _converter().convert_soup(soup)
    except RecursionError:
        # markdownify walks the tree recursively; thousands of nested tags exceed Python's stack.
        markdown = "\n\n".join(line.strip() for line in soup.get_text("\n").split("\n") if line.strip())
        notes.append(("HTML", 0, "the body nests its HTML too deeply to convert, so only its text was kept"))
        refs = []
    markdown = markdown.strip("\n")
    return Body(markdown + "\n" if markdown else "", tuple(dict.fromkeys(refs)), _capped(notes))


def _without_comments(text: str) -> str:
    """`text` without comments (the block editor's `<!-- wp:… -->`, `<!--more-->`), declarations
    and processing instructions, their line breaks kept; a `<!` or `<?` left unclosed becomes text.

    Python's HTML parser (before 3.12.11 and 3.13.4) searches from each unclosed `<!--` to the
    end of the text, so a body of them took minutes; here each comment's end is found by a
    plain search from its start, and the search stops at the first that has none.
    """
    out: list[str] = []
    pos = 0
    for match in _COMMENT.finditer(text):
        if match.start() < pos:
            continue  # inside the comment just dropped
        end = text.find("-->", match.end())
        if end < 0:
            break
        out += [text[pos : match.start()], "\n" * text.count("\n", match.start(), end)]
        pos = end + 3
    out.append(text[pos:])
    text = _DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), "".join(out))
    return _UNCLOSED.sub(lambda m: "&lt;" + m.group(0)[1:], text)


def _capped(notes: list[Note]) -> tuple[Note, ...]:
    """The notes in the order of their lines, at most MAX_NOTES_OF_A_KIND of each kind, and a count of the rest."""
    kept: list[Note] = []
    more: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for note in sorted(notes, key=lambda note: note[1]):
        seen[note[0]] = seen.get(note[0], 0) + 1
        if seen[note[0]] <= MAX_NOTES_OF_A_KIND:
            kept.append(note)
        else:
            more.setdefault(note[0], []).append(note[1])
    for what, lines in more.items():
        kept.append((what, lines[0], f"and {len(lines):,} more like these from this line on"))
    return tuple(kept)


def _converter() -> MarkdownConverter:
    return MarkdownConverter(
        heading_style=ATX,
        bullets="-",
        newline_style=BACKSLASH,  # a visible hard break, not two trailing spaces an editor strips
        code_language_callback=_code_language,
        escape_misc=False,  # escaping every `[`, `+` and `.` would make prose hard to edit; see _escape_text
    )


def _code_language(pre: Tag) -> str | None:
    """`python` for `<pre><code class="language-python">`, `<pre class="lang-python">` or `brush: python`."""
    code = pre.find("code")
    for element in (code, pre) if isinstance(code, Tag) else (pre,):
        found = _LANGUAGE.search(" ".join(element.get_attribute_list("class")))
        if found:
            return found.group(1).lower()
    return None


def _line(tag: Tag) -> int:
    return (tag.sourceline or 1) - 1


def _host(address: str) -> str:
    return urlsplit(address).hostname or address[:60]


def _replace_players(soup: BeautifulSoup) -> list[Note]:
    """Frames and players become a link to what they showed; scripts and forms are left out."""
    notes: list[Note] = []
    for tag in soup.find_all(["iframe", "embed", "object", "video", "audio", *_LEFT_OUT]):
        if not isinstance(tag, Tag) or tag.parent is None:
            continue  # inside one already replaced
        name = tag.name
        if name in _LEFT_OUT:
            notes.append((f"<{name}>", _line(tag), _LEFT_OUT[name]))
            tag.decompose()
            continue
        address = _source(tag)
        if not address.startswith(("http://", "https://", "/")):
            notes.append((f"<{name}>", _line(tag), f"an embedded <{name}> without an address was left out"))
            tag.decompose()
            continue
        link = soup.new_tag("a", attrs={"href": address})
        link.string = address
        paragraph = soup.new_tag("p")
        paragraph.append(link)
        tag.replace_with(paragraph)
        notes.append((f"<{name}>", _line(tag), f"an embedded <{name}> from {_host(address)} became a link to it"))
    return notes


def _source(tag: Tag) -> str:
    for key in ("src", "data"):
        value = tag.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    source = tag.find("source", src=True)
    value = source.get("src") if isinstance(source, Tag) else None
    return value.strip() if isinstance(value, str) else ""


def _point_images(soup: BeautifulSoup, media: MediaFolder | None) -> tuple[list[str], list[Note]]:
    """Points each uploaded image that the media folder holds at its file there; notes the rest."""
    refs: list[str] = []
    notes: list[Note] = []
    remote = 0
    for image in soup.find_all("img"):
        if not isinstance(image, Tag):
            continue
        source = image.get("src")
        upload = upload_path(source) if isinstance(source, str) else None
        if upload is None:
            continue  # an image from another site, or none: left as it is
        upload = _unwrap_full_size(image, upload, media)
        if media is None:
            remote += 1
            continue
        found = media.find(upload)
        if found is None:
            notes.append(("image", _line(image), f"{upload} is not in the media folder, so the entry shows it from "
                          f"{_host(str(source))}; copy it there and import again to keep it"))
            continue
        image["src"] = found
        for key in ("srcset", "sizes"):
            image.attrs.pop(key, None)
        refs.append(found)
    if remote:
        counted = f"{remote} uploaded images still show" if remote > 1 else "1 uploaded image still shows"
        notes.append(("image", 0, f"{counted} from the old site; "
                      "import again with the media folder (a copy of wp-content/uploads) to keep them"))
    return refs, notes


def _unwrap_full_size(image: Tag, upload: str, media: MediaFolder | None) -> str:
    """Drops a link from an image to its own full-size upload, and shows that file when it is kept.

    WordPress links a post's image to the file it was scaled from; on the new site that link
    would lead to the old one, and the image is the entry's own now.
    """
    link = image.parent
    if not isinstance(link, Tag) or link.name != "a" or link.get_text(strip=True):
        return upload
    if [child for child in link.contents if not (isinstance(child, NavigableString) and not child.strip())] != [image]:
        return upload
    href = link.get("href")
    target = upload_path(href) if isinstance(href, str) else None
    if target is None:
        return upload  # a link to a page, kept
    link.unwrap()
    return target if media is not None and media.find(target) is not None else upload


def _set_captions(soup: BeautifulSoup) -> None:
    """A caption becomes an emphasized line under its image, as Markdown has no figure.

    A figure is read as a block (markdownify treats it as inline), so two figures in a row
    stay two paragraphs rather than images side by side.
    """
    for figure in soup.find_all("figure"):
        if isinstance(figure, Tag):
            figure.name = "div"
    for caption in soup.find_all("figcaption"):
        if isinstance(caption, Tag) and caption.get_text(strip=True):
            emphasis = soup.new_tag("em")
            for child in list(caption.contents):
                emphasis.append(child.extract())
            caption.append(emphasis)


def _escape_text(soup: BeautifulSoup) -> None:
    """Escapes a `<b>` or `&amp;` the post showed as text, which Markdown would read as markup."""
    for text in soup.find_all(string=_LOOKS_LIKE_HTML):
        if not isinstance(text, NavigableString) or isinstance(text, _NOT_TEXT):
            continue
        if any(parent.name in ("pre", "code") for parent in text.parents):
            continue
        text.replace_with(_LOOKS_LIKE_HTML.sub(lambda m: "\\" + m.group(0), str(text)))
