"""Keep text nested deeper than the parser allows instead of silently dropping it."""

# markdown-it skips everything after the point where block nesting reaches
# `maxNesting` (in the commonmark preset, 20 levels: ten nested lists), so a deep list
# would swallow the rest of an entry. We raise `maxNesting` above our own block limit
# and, past that limit, emit the remaining lines of the block as a plain paragraph.

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Token levels (a blockquote adds one, a list two). Python recursion grows with it:
# about two frames per level, far below the interpreter's limit.
MAX_BLOCK_DEPTH = 60
# Also bounds inline recursion (nested link labels): about three frames per level.
MAX_NESTING = 100


def nesting_guard_plugin(md: MarkdownIt) -> None:
    """Install the guard as the first block rule and lift markdown-it's own limit."""
    md.options["maxNesting"] = MAX_NESTING
    first_rule = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first_rule, "fn_nesting_guard", _overflow_as_text)


def _overflow_as_text(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.level < MAX_BLOCK_DEPTH:
        return False
    if silent:
        return True
    next_line = start_line + 1
    while next_line < end_line and not state.isEmpty(next_line):
        next_line += 1
    text = state.getLines(start_line, next_line, state.blkIndent, False).strip()
    token = state.push("paragraph_open", "p", 1)
    token.map = [start_line, next_line]
    token = state.push("inline", "", 0)
    token.content = text
    token.map = [start_line, next_line]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.line = next_line
    return True
