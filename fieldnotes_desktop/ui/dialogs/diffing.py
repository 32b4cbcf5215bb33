"""How two versions of an entry differ: words added and removed, and a coloured line diff."""

from __future__ import annotations

import difflib
import html
from collections import Counter

MAX_DIFF_LINES = 3000  # a longer diff is cut: nobody reads it on screen, and the view stays quick

_STYLE = {
    "+": "background:#e3f4e1;color:#14521b;",
    "-": "background:#fbe5e3;color:#8a1c12;",
    "@": "color:#6b6b6b;background:#f1efe9;",
    " ": "color:#3b3b3b;",
}


def word_changes(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) from `old` to `new`, counted as a multiset of words.

    Moving a paragraph counts as nothing; that is what a writer means by "how much changed".
    """
    before, after = Counter(old.split()), Counter(new.split())
    return sum((after - before).values()), sum((before - after).values())


def delta_label(added: int, removed: int) -> str:
    """`+120 / −8 words`; `no change` when both are zero."""
    if not added and not removed:
        return "no change"
    return f"+{added:,} / \u2212{removed:,} words"


def diff_html(old: str, new: str, old_name: str, new_name: str, context: int = 2) -> str:
    """A unified line diff of `old` → `new` as HTML for a QTextBrowser."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, n=context, lineterm=""
        )
    )
    if not lines:
        return '<p style="color:#6b6b6b;">The texts are the same.</p>'
    out = ['<pre style="font-family:monospace;white-space:pre-wrap;margin:0;">']
    for line in lines[2:MAX_DIFF_LINES]:  # the two file-name lines are said by the dialog
        style = _STYLE.get(line[:1], _STYLE[" "])
        out.append(f'<div style="{style}">{html.escape(line) or "&nbsp;"}</div>')
    if len(lines) > MAX_DIFF_LINES:
        out.append(f'<div style="{_STYLE["@"]}">… {len(lines) - MAX_DIFF_LINES:,} more lines</div>')
    out.append("</pre>")
    return "".join(out)
