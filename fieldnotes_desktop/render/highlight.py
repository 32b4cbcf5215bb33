"""Highlight fenced code with Pygments and provide the matching stylesheet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

CSS_CLASS = "highlight"
_FORMATTER = HtmlFormatter(nowrap=True)
_CLASS_RULE_RE = re.compile(r"^\.highlight \.([\w-]+) ")


@lru_cache(maxsize=256)
def lexer_for(language: str) -> Lexer | None:
    """Pygments lexer for a fence's language name, None when Pygments has none.

    Cached because a miss makes Pygments scan every lexer it knows.
    """
    if not language:
        return None
    try:
        return get_lexer_by_name(language.lower())
    except ClassNotFound:
        return None


def render_fence(
    _renderer: object,
    tokens: Sequence[Token],
    idx: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    """Render a fence token: highlighted when the language is known, plain otherwise."""
    token = tokens[idx]
    info = unescapeAll(token.info).strip() if token.info else ""
    language = info.split(maxsplit=1)[0] if info else ""
    line_attr = _line_attr(token)
    code_class = f' class="language-{escapeHtml(language)}"' if language else ""
    lexer = lexer_for(language)
    if lexer is None:
        return f"<pre{line_attr}><code{code_class}>{escapeHtml(token.content)}</code></pre>\n"
    body = highlight(token.content, lexer, _FORMATTER)
    return (
        f'<div class="{CSS_CLASS}"{line_attr}><pre><code{code_class}>'
        f"{body}</code></pre></div>\n"
    )


def _line_attr(token: Token) -> str:
    line = token.attrGet("data-line")
    return f' data-line="{line}"' if line is not None else ""


def pygments_css(light_style: str = "friendly", dark_style: str = "monokai") -> str:
    """CSS for `.highlight` code: light by default, dark for dark-mode systems or `.fn-dark`.

    `.fn-light` forces the light palette back on a dark system.
    """
    light = _style_rules(light_style)
    dark = _style_rules(dark_style)
    # Token classes the dark style leaves alone must not keep the light colours.
    dark_classes = {m.group(1) for rule in dark if (m := _CLASS_RULE_RE.match(rule))}
    resets = [
        f".highlight .{m.group(1)} {{ color: inherit; background-color: transparent; "
        "font-weight: inherit; font-style: inherit; border: none }"
        for rule in light
        if (m := _CLASS_RULE_RE.match(rule)) and m.group(1) not in dark_classes
    ]
    dark_all = resets + dark
    parts = [
        "/* Pygments: light */",
        *light,
        "/* Pygments: dark, following the system */",
        "@media (prefers-color-scheme: dark) {",
        *(f"  {rule}" for rule in dark_all),
        *(f"  .fn-light {rule}" for rule in light),
        "}",
        "/* Pygments: dark, forced by the app */",
        *(f".fn-dark {rule}" for rule in dark_all),
    ]
    return "\n".join(parts) + "\n"


def _style_rules(style: str) -> list[str]:
    formatter = HtmlFormatter(style=style)
    selector = f".{CSS_CLASS}"
    # types-Pygments leaves both methods unannotated; each returns a list of CSS rule strings.
    rules: list[str] = formatter.get_background_style_defs(selector)  # type: ignore[no-untyped-call]
    rules += formatter.get_token_style_defs(selector)  # type: ignore[no-untyped-call]
    return rules
