"""Build the markdown-it parser every render of a typography shares, with our rules installed."""

from __future__ import annotations

from collections.abc import Sequence
import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from fieldnotes_desktop.render.highlight import render_fence
from fieldnotes_desktop.render.nesting import nesting_guard_plugin
from fieldnotes_desktop.render.sanitize import USER_ID_PREFIX
from fieldnotes_desktop.render.heading_ids import slugify
from fieldnotes_desktop.render.smart_punctuation import TYPED_TITLE, smart_punctuation_plugin
from fieldnotes_desktop.render.typography import Typography

# Set in a render's env to leave out data-line (fields that are not an editor buffer).
ENV_NO_SOURCE_LINES = "fieldnotes_no_source_lines"

# The exact markup the tasklists plugin emits; any other <input> is the writer's raw HTML.
_TASK_CHECKBOX_RE = re.compile(
    r'<input class="task-list-item-checkbox" (?:checked="checked" )?'
    r'disabled="disabled" type="checkbox">'
)
_INPUT_TAG_RE = re.compile(r"<input\b[^>]*>?", re.IGNORECASE)
_RAW_TAG_RE = re.compile(r"<[A-Za-z][^<>]*>")
_RAW_ID_RE = re.compile(r"""(?<=\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)

_LINE_TOKENS = frozenset(
    {
        "paragraph_open",
        "heading_open",
        "bullet_list_open",
        "ordered_list_open",
        "list_item_open",
        "blockquote_open",
        "table_open",
        "hr",
        "fence",
        "code_block",
    }
)


@cache
def markdown_parser(typography: Typography) -> MarkdownIt:
    """The parser for `typography`; built on first use, then shared (rendering is stateless).

    As typed (`PLAIN`), the typographer stays off; smart, our `smart_punctuation_plugin` sets
    quotes, dashes and ellipses. Inline footnotes (`^[...]`) stay off so that only `[^x]:`
    definitions tie sections together, which the section scanner can see.
    """
    options: dict[str, object] = {"typographer": typography.smart, "linkify": False}
    if typography.quotes is not None:
        options["quotes"] = list(typography.quotes)
    md = MarkdownIt("commonmark", options)
    if typography.smart:
        md.use(smart_punctuation_plugin)
    md.enable(["table", "strikethrough"])
    md.use(nesting_guard_plugin)
    md.use(front_matter_plugin)
    md.use(footnote_plugin, inline=False)
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    md.core.ruler.after("block", "fn_drop_front_matter", _drop_front_matter)
    md.core.ruler.push("fn_base_slugs", _base_slugs)
    md.core.ruler.push("fn_source_lines", _source_lines)
    md.add_render_rule("fence", render_fence)
    md.add_render_rule("html_inline", _render_raw_html)
    md.add_render_rule("html_block", _render_raw_html)
    return md


def _base_slugs(state: StateCore) -> None:
    """Undo the anchors plugin's de-duplication, which only sees one section, and its slugs of
    smart punctuation: an id is the heading as typed, whatever the typography.

    Ids are made unique later over the whole document (see `SectionTemplate.fill`),
    with the same `slug`, `slug-1`... scheme, so section and full renders agree.
    """
    tokens = state.tokens
    for idx, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id") is not None:
            title = token.meta.get(TYPED_TITLE)
            if title is None:
                children = tokens[idx + 1].children or []
                title = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            token.attrSet("id", slugify(title))


def _source_lines(state: StateCore) -> None:
    if state.env.get(ENV_NO_SOURCE_LINES):
        return
    for token in state.tokens:
        if token.type in _LINE_TOKENS and token.map is not None:
            token.attrSet("data-line", str(token.map[0]))


def _drop_front_matter(state: StateCore) -> None:
    """Front matter is metadata, not body; removing the token (rather than rendering it
    as nothing) also spares the next block the newline markdown-it puts after hidden ones.
    """
    if state.tokens and state.tokens[0].type == "front_matter":
        del state.tokens[0]


def _render_raw_html(
    _renderer: object,
    tokens: Sequence[Token],
    idx: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    """Pass the writer's HTML on (the sanitizer sees it next), minus form inputs.

    The sanitizer must allow `<input>` for task-list checkboxes, so other inputs are
    removed here, where we can still tell the plugin's markup from the writer's.
    """
    content = tokens[idx].content
    if _TASK_CHECKBOX_RE.fullmatch(content):
        return content
    return _RAW_TAG_RE.sub(_prefix_raw_ids, _INPUT_TAG_RE.sub("", content))


def _prefix_raw_ids(tag: re.Match[str]) -> str:
    """`<a id="x">` written by hand becomes `id="user-x"`: a hand-made id must not take the
    place of a footnote's (`fn1`) or a heading's, and only here can we still tell them apart.
    """

    def prefixed(match: re.Match[str]) -> str:
        value = next(v for v in match.groups() if v is not None)
        return f'id="{USER_ID_PREFIX}{value.replace(chr(34), "&quot;")}"'

    return _RAW_ID_RE.sub(prefixed, tag.group(0))
