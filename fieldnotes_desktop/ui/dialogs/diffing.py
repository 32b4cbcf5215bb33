"""How two versions of an entry differ: words added and removed, and the changed paragraphs marked."""

from __future__ import annotations

import difflib
import html
import itertools
import re
from collections import Counter

MAX_DIFF_PARAGRAPHS = 3000  # a longer diff is cut: nobody reads it on screen, and the view stays quick

# Inserted and deleted words, for light and dark paper; kept in one place with the dialog's look.
COLOURS = {
    False: {"ins": "background:#dcf1da;color:#14521b;", "del": "background:#fbe1de;color:#8a1c12;",
            "quiet": "color:#5c5a55;", "gap": "color:#716d63;"},
    True: {"ins": "background:#1f3b25;color:#b5e6b9;", "del": "background:#4a2320;color:#f4bdb5;",
           "quiet": "color:#b9b5aa;", "gap": "color:#8b867c;"},
}
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


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


def diff_html(old: str, new: str, context: int = 2, *, dark: bool = False) -> str:
    """The paragraphs that changed from `old` to `new`, words struck out and added inline.

    A writer reads prose, not `@@ -42,3 +42,3 @@`: each changed paragraph is shown once with
    its removed words struck through and its new words marked, between `context` unchanged
    lines (one paragraph and its blank line); unchanged text in between becomes a quiet "⋯".
    """
    colours = COLOURS[dark]
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(context))
    if not groups or all(tag == "equal" for group in groups for tag, *_ in group):
        return f'<p style="{colours["quiet"]}">The texts are the same.</p>'
    out: list[str] = []
    shown = 0
    for number, group in enumerate(groups):
        if number:
            out.append(f'<p style="{colours["gap"]}">⋯</p>')
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                paragraphs = [html.escape(line) for line in after[j1:j2]]
                style = colours["quiet"]
            elif tag == "insert":
                paragraphs = [_mark(line, "ins", colours) for line in after[j1:j2]]
                style = ""
            elif tag == "delete":
                paragraphs = [_mark(line, "del", colours) for line in before[i1:i2]]
                style = ""
            else:
                paragraphs = [_inline(a or "", b or "", colours)
                              for a, b in itertools.zip_longest(before[i1:i2], after[j1:j2])]
                style = ""
            for paragraph in paragraphs:
                if not paragraph.strip():
                    continue  # the blank lines between paragraphs are the <p>s' own margins
                if shown == MAX_DIFF_PARAGRAPHS:
                    out.append(f'<p style="{colours["gap"]}">… and more changes further on</p>')
                    return "".join(out)
                out.append(f'<p style="{style}">{paragraph}</p>')
                shown += 1
    return "".join(out)


def _mark(text: str, kind: str, colours: dict[str, str]) -> str:
    if not text.strip():
        return ""
    strike = "text-decoration:line-through;" if kind == "del" else ""
    return f'<span style="{colours[kind]}{strike}">{html.escape(text)}</span>'


def _inline(old: str, new: str, colours: dict[str, str]) -> str:
    """One paragraph rewritten: its words compared, so a changed comma shows as a comma."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(html.escape("".join(after[j1:j2])))
            continue
        if i2 > i1:
            parts.append(_mark("".join(before[i1:i2]), "del", colours))
        if j2 > j1:
            parts.append(_mark("".join(after[j1:j2]), "ins", colours))
    return "".join(parts)
