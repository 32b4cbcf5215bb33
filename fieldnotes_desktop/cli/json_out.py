"""Writes a JSON array of flat objects one object at a time, byte for byte as `json.dumps(indent=2)` would.

`fieldnotes list --json` at 100,000 entries must not build the whole array first (half a
gigabyte), and the standard encoder with `indent` runs in pure Python; each value here goes
through the C encoder on its own, and only the layout is ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from typing import TextIO

# What `json.dumps(..., ensure_ascii=False)` makes of a value, without a new encoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}  # each key set's encoded keys

_ITEM = "\n  "  # an object inside the array
_FIELD = "\n    "  # a key inside that object
_ELEMENT = "\n      "  # an element of a list value
_ITEM_SEPARATOR = "," + _FIELD  # before every key; the first one's comma is cut


def _scalar(value: object) -> str:
    # `type() is`, not isinstance: a bool is an int, and the encoder writes it as true/false.
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)  # as the encoder writes an int
    if value is None:
        return "null"
    if type(value) is list:
        if not value:
            return "[]"
        return "[" + _ELEMENT + ("," + _ELEMENT).join(_scalar(item) for item in value) + _FIELD + "]"
    return _ENCODE(value)


def object_text(row: Mapping[str, object]) -> str:
    """One object as it stands inside the array: its values scalars or lists of scalars."""
    if not row:
        return "{}"
    keys = tuple(row)
    prefixes = _KEYS.get(keys)  # the rows of a listing all have the same keys
    if prefixes is None:
        prefixes = _KEYS[keys] = tuple(_ITEM_SEPARATOR + encode_basestring(key) + ": " for key in keys)
    text = "".join([prefix + _scalar(value) for prefix, value in zip(prefixes, row.values())])
    return "{" + text[1:] + _ITEM + "}"  # [1:]: no comma before the first key


def write_array(rows: Iterable[Mapping[str, object]], out: TextIO) -> None:
    """`print(json.dumps(list(rows), ensure_ascii=False, indent=2))`, without holding the list."""
    first = True
    for row in rows:
        out.write(("[" if first else ",") + _ITEM + object_text(row))
        first = False
    out.write("[]\n" if first else "\n]\n")
