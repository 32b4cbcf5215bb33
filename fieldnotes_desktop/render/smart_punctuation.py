"""Smart punctuation in prose: curly quotes by language, en and em dashes, ellipses; never in code or addresses.

markdown-it's own `smartquotes` rule sets the quotes; its `replacements` rule is not used: it
also turns a list's "(c)" into © and "+-" into ±, and any two dots into an ellipsis. Both rules
and ours only touch `text` tokens, so code spans, fences, raw HTML, link targets and image
sources (attributes) are left alone by construction; front matter is a block of its own.
Addresses shown as text (an autolink's label, a bare URL in a sentence) are marked
`text_special` before the rules run, which they skip; markdown-it's `text_join` turns them
back into text afterwards. A backslash-escaped `\\"` or `\\-` stays as typed for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.token import Token

# The heading's text as typed, for its id: a heading id must not change with the setting.
TYPED_TITLE = "fn_typed_title"

_EM_DASH = re.compile(r"(?<!-)---(?!-)")
# Two hyphens between spaces, or between two non-spaces ("1914--1918"); not "--verbose" in a
# sentence, nor an arrow's shaft (`-->`, `<--`), nor part of a longer run of hyphens.
_EN_DASH = re.compile(r"(?:^|(?<=\s))--(?=\s|$)|(?<=[^\s<-])--(?=[^\s>-])")
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
# "the '90s": markdown-it would take the apostrophe for a quote that never closes.
_DECADE = re.compile(r"(?<![\w'])'(?=\d\ds\b)")
# An address ends before the quotes and punctuation of the sentence around it (`"https://x.org".`);
# an apostrophe inside one (`/it's-here`) is part of it.
_BARE_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bwww\.)[^\s<>\"“”‘’]*[^\s<>\"'“”‘’.,;:!?)\]]")

Rule = Callable[[StateCore], None]


def keep_addresses_as_typed(state: StateCore) -> None:
    """Marks an autolink's label and a bare URL in the text `text_special`, which the rules skip."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_autolink = False
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_autolink = True
            elif token.type == "link_close" and in_autolink:
                in_autolink = False
            elif token.type == "text" and in_autolink:
                token.type = "text_special"
            elif token.type == "text" and _BARE_URL.search(token.content):
                children += _split_addresses(token)
                continue
            children.append(token)
        block.children = children


def _split_addresses(token: Token) -> list[Token]:
    pieces, at = [], 0
    for match in _BARE_URL.finditer(token.content):
        pieces.append(("text", token.content[at : match.start()]))
        pieces.append(("text_special", match.group(0)))
        at = match.end()
    pieces.append(("text", token.content[at:]))
    return [Token(kind, "", 0, content=text, level=token.level) for kind, text in pieces if text]


def dashes_and_ellipses(state: StateCore) -> None:
    """`---` → —, `--` → –, `...` → …, and the apostrophe of a decade (’90s) in text tokens."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        content = block.content
        if "--" not in content and "..." not in content and "'" not in content:
            continue
        for token in block.children:
            if token.type == "text":
                text = _EN_DASH.sub("\u2013", _EM_DASH.sub("\u2014", token.content))
                token.content = _DECADE.sub("\u2019", _ELLIPSIS.sub("\u2026", text))


def typed_titles(state: StateCore) -> None:
    """Keeps each heading's text as typed before the rules change it (see `TYPED_TITLE`)."""
    tokens = state.tokens
    for idx, token in enumerate(tokens[:-1]):
        if token.type == "heading_open":
            children = tokens[idx + 1].children or []
            kept = (c.content for c in children if c.type in ("text", "text_special", "code_inline"))
            token.meta[TYPED_TITLE] = "".join(kept)


# In this order, in the parser and in `typeset`: addresses are marked before anything changes.
PROSE_RULES: tuple[tuple[str, Rule], ...] = (
    ("fn_keep_addresses", keep_addresses_as_typed),
    ("fn_dashes", dashes_and_ellipses),
)


def smart_punctuation_plugin(md: MarkdownIt) -> None:
    """Turns on markdown-it's quotes (the parser's `quotes` option says which) and our dashes and ellipses."""
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "fn_typed_titles", typed_titles)
    for name, rule in PROSE_RULES:
        md.core.ruler.before("smartquotes", name, rule)


def typeset(md: MarkdownIt, text: str) -> str:
    """Plain `text` (a title, a summary: not Markdown) through the same rules, with `md`'s quotes."""
    state = StateCore(text, md, {})
    inline = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    state.tokens = [inline]
    for _name, rule in PROSE_RULES:
        rule(state)
    smartquotes(state)
    return "".join(child.content for child in inline.children or ())
