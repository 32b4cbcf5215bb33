"""Splits the front matter off a Markdown text: YAML between `---`, TOML between `+++`, or a JSON object.

Jekyll writes YAML, Hugo any of the three. Every reader is bounded before it builds anything:
YAML through its parser's events (no alias is expanded, no nesting past a depth), TOML and
JSON by the length of the block and a depth check that turns a recursion into a refusal.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services.printable import is_text, printable

if TYPE_CHECKING:
    from types import ModuleType

# Front matter is a few short fields. These bounds are checked on the parser's events, before
# YAML builds any object, so neither an alias bomb nor `[[[[…` ever reaches the constructor.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_DEPTH = 20
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_OPENING_FENCE = re.compile(r"(?:[ \t\f\v]*+(?:\r\n|\r|\n))*+(---|\+\+\+)[ \t]*+(?:\r\n|\r|\n)")
_CLOSING_FENCES = {
    "---": re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*+(?:\r\n|\r|\n|\Z)"),
    "+++": re.compile(r"(?<=[\r\n])\+\+\+[ \t]*+(?:\r\n|\r|\n|\Z)"),
}
_JSON_OPENING = re.compile(r"(?:[ \t\f\v]*+(?:\r\n|\r|\n))*+\{[ \t]*+(?:\r\n|\r|\n)")


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """The front matter at the top (after blank lines) as a mapping with lower-case keys, and the rest.

    Only the top of the text is looked at, so a long body costs no more than reading it.
    """
    opening = _OPENING_FENCE.match(text)
    if opening is None:
        return _split_json(path, text)
    start = opening.end()
    closing = _CLOSING_FENCES[opening.group(1)].search(text, start)
    if closing is None:
        return {}, text
    name = printable(path.name)
    if closing.start() - start > MAX_FRONT_MATTER_CHARS:
        raise _too_long(name)
    source = text[start : closing.start()]
    if opening.group(1) == "+++":
        data = _load_toml(name, source)
    else:
        data = _load_front_matter(name, source, line_of(text, start))
    return _mapping(name, data), body_after(text, closing.end())


def line_of(text: str, offset: int) -> int:
    """The 1-based line `offset` falls on, whichever line breaks the text uses."""
    return text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset) + 1


def body_after(text: str, offset: int) -> str:
    # The blank line that usually follows the front matter is not part of the body.
    return _LEADING_BLANK_LINES.sub("", text[offset:])


def _mapping(name: str, data: object) -> dict[str, Any]:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportFailed(f"{name}: the front matter must be a list of `key: value` lines; nothing was imported.")
    return {str(k).lower(): v for k, v in data.items()}


def _split_json(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """Hugo's JSON front matter: an object opening the file, its `{` alone on the first line."""
    opening = _JSON_OPENING.match(text)
    if opening is None:
        return {}, text
    start = opening.end() - len(opening.group(0).lstrip(" \t\f\v\r\n"))
    name = printable(path.name)
    head = text[start : start + MAX_FRONT_MATTER_CHARS + 1]
    try:
        data, end = json.JSONDecoder().raw_decode(head)
    except RecursionError:
        raise _depth_error(name) from None
    except ValueError:
        if len(head) > MAX_FRONT_MATTER_CHARS:
            raise _too_long(name) from None
        return {}, text  # a body that opens with `{`, not front matter
    _check_depth(name, data)
    _check_text(name, data)
    return _mapping(name, data), body_after(text, start + end)


def _load_toml(name: str, source: str) -> object:
    try:
        data = tomllib.loads(source)
    except RecursionError:
        raise _depth_error(name) from None
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(f"{name}: the front matter is not valid TOML ({exc}); nothing was imported.") from exc
    _check_depth(name, data)
    _check_text(name, data)
    return data


def load_config(name: str, source: str, suffix: str) -> dict[str, Any]:
    """A site's configuration file (`_config.yml`, `hugo.toml`, `config.json`) as a mapping, bounded as front matter is."""
    if suffix == ".toml":
        data = _load_toml(name, source)
    elif suffix == ".json":
        try:
            data = json.loads(source)
        except RecursionError:
            raise _depth_error(name) from None
        except ValueError as exc:
            raise ImportFailed(f"{name} is not valid JSON ({exc}).") from exc
        _check_depth(name, data)
        _check_text(name, data)
    else:
        data = _load_front_matter(name, source, 1)
    return _mapping(name, data)


def _check_depth(name: str, data: object) -> None:
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_FRONT_MATTER_DEPTH:
            raise _depth_error(name)
        if isinstance(value, dict):
            pending.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            pending.extend((v, depth + 1) for v in value)


def _too_long(name: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: the front matter is longer than {MAX_FRONT_MATTER_CHARS // 1024} KB; "
        "move long text into the body (nothing was imported)."
    )


@functools.cache
def _yaml() -> tuple[ModuleType, Any]:
    """PyYAML and its loader, imported at the first front matter read: the window's start,
    which only prints file names through this module, does without it (~20 ms).

    The C loader is faster and refuses surrogate escapes itself; the pure one is the fallback.
    """
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_front_matter(name: str, source: str, first_line: int) -> object:
    if not source.strip():
        return {}
    yaml, loader = _yaml()
    try:
        _check_events(name, source)
        data: object = yaml.load(source, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + first_line})" if mark is not None else ""
        problem = str(getattr(exc, "problem", "")).lower()
        if "unicode character escape" in problem:  # libyaml's word for "\\ud800"
            raise _surrogate_error(name, where) from None
        if "nesting depth" in problem:  # libyaml's own bound, met before ours on one long line
            raise _depth_error(name) from None
        raise ImportFailed(f"{name}: the front matter is not valid YAML{where}; nothing was imported.") from exc
    except ValueError as exc:
        # YAML builds dates and numbers itself, so `date: 2025-13-45` fails inside the parser.
        raise ImportFailed(
            f"{name}: the front matter holds an impossible date or number ({exc}); nothing was imported."
        ) from exc
    _check_text(name, data)
    return data


def _check_events(name: str, source: str) -> None:
    """Refuses aliases and deep nesting from the parser's events, before any object is built."""
    depth = 0
    yaml, loader = _yaml()
    for event in yaml.parse(source, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            anchor = printable(str(event.anchor))[:40]
            raise ImportFailed(
                f"{name}: the front matter repeats a value through the YAML alias *{anchor}, "
                "which import does not expand; write the value out in full (nothing was imported)."
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise _depth_error(name)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_text(name: str, data: object) -> None:
    """Refuses lone surrogates (`"\\ud800"`), which no database or terminal can store or print."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not is_text(value):
                raise _surrogate_error(name, "")
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            pending.extend(value)


def _depth_error(name: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: the front matter nests lists or mappings deeper than {MAX_FRONT_MATTER_DEPTH} levels; "
        "nothing was imported."
    )


def _surrogate_error(name: str, where: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: the front matter holds an escape that is not valid Unicode text{where}, such as \\ud800; "
        "write the character itself (nothing was imported)."
    )


