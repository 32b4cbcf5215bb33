"""Makes the paragraphs of a classic WordPress body explicit, as WordPress does when it shows one.

The classic editor stores prose as text where a blank line ends a paragraph and a single line
break is a `<br>`, with HTML only where the writer added some; WordPress adds the `<p>` and
`<br>` tags when it shows the post (its `wpautop`). An HTML parser would run it all into one
paragraph, so the same rule is applied here first, in one pass over the block-level tags.
Block-editor bodies (with `<!-- wp:… -->` comments) carry their own `<p>` and are left alone.
"""

from __future__ import annotations

import re

_BLOCKS = (
    "address|article|aside|audio|blockquote|caption|dd|details|div|dl|dt|embed|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|iframe|li|main|nav|noscript|object|ol|p|pre|script|section|style|summary|table|tbody|"
    "td|tfoot|th|thead|tr|ul|video"
)
_BLOCK_TAG = re.compile(rf"<(/?)({_BLOCKS})\b[^<>]*+>", re.I)
# Prose inside these is one run of text: its line breaks are breaks, not paragraphs.
_TEXT_BLOCKS = frozenset(
    "address audio caption dd dt figcaption h1 h2 h3 h4 h5 h6 iframe li object p summary td th video".split()
)
# Left exactly as written.
_VERBATIM = frozenset({"pre", "script", "style", "noscript"})
_VOID = frozenset({"hr", "embed"})
_BLANK_LINE = re.compile(r"(\n[ \t]*\n\s*)")
_INNER_BREAK = re.compile(r"(?<=\S)([ \t]*)\n(?=[ \t]*\S)")


def is_block_editor(body: str) -> bool:
    return "<!-- wp:" in body


def add_paragraphs(body: str) -> str:
    """`body` with `<p>` around each paragraph of prose and `<br>` at each single line break."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _BLOCK_TAG.finditer(body):
        name, closing = match.group(2).lower(), match.group(1) == "/"
        if stack and stack[-1] in _VERBATIM and not (closing and name == stack[-1]):
            continue  # a tag written inside <pre> is its text
        out.append(_run(body[pos : match.start()], stack[-1] if stack else ""))
        out.append(match.group(0))
        pos = match.end()
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif name not in _VOID and not match.group(0).endswith("/>"):
            # A block cannot sit inside a <p>, nor an <li> directly inside another: HTML closes them.
            if stack and (stack[-1] == "p" or (name == "li" and stack[-1] == "li")):
                stack.pop()
            stack.append(name)
    out.append(_run(body[pos:], stack[-1] if stack else ""))
    return "".join(out)


def _run(text: str, parent: str) -> str:
    if not text.strip() or parent in _VERBATIM:
        return text
    if parent in _TEXT_BLOCKS:
        return _breaks(text)
    pieces = _BLANK_LINE.split(text)
    return "".join(piece if i % 2 or not piece.strip() else _paragraph(piece) for i, piece in enumerate(pieces))


def _paragraph(text: str) -> str:
    stripped = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}<p>{_breaks(stripped)}</p>{trail}"


def _breaks(text: str) -> str:
    return _INNER_BREAK.sub(r"<br>\n", text)
