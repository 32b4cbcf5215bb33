"""Text from outside (file names, front matter values) made safe to print on one line, or refused."""

from __future__ import annotations

import unicodedata

# Characters that would break the one line a message is, or reorder it on screen.
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` (a file name, a path) safe to print on one line whatever bytes it came from.

    Bytes that were not UTF-8 (which Python hands over as lone surrogates) become U+FFFD;
    control and bidirectional characters are shown escaped.
    """
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if unicodedata.category(ch) == "Cc":
        return f"\\x{ord(ch):02x}"
    if ch in _INVISIBLE:
        return f"\\u{ord(ch):04x}"
    return ch


def is_text(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (surrogate-escaped by the OS layer)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
