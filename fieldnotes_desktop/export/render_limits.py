"""What one render of a theme may do: run until a deadline, nest calls so deep, build values so large."""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedFormatter
from jinja2.utils import Namespace

RENDER_SECONDS = 10.0
"""How long one render may take: the index of a 10,000-entry site takes a fraction of a second."""
MAX_VALUE = 10_000_000
"""Characters (or list items) one operator, filter or method of a template may produce; twice the
longest text the render was given when that is more (a book-length body with inlined images)."""
MAX_INT_BITS = 4096
"""The largest number a template may compute, in bits (`9 ** (9 ** 9)` would take hours and gigabytes)."""
MAX_DEPTH = 100
"""Calls a template may nest (macros, `caller()`, recursive loops): a menu tree needs a handful."""
MAX_FRAMES = 400
"""Python frames deep a render may be when it includes, imports or extends another template."""
MAX_GROWTH = 1 << 30
"""Bytes the process may grow by during one render, on top of four times the text it was given."""

_LOOK_EVERY = 0.02  # seconds between looks at the deadline and the process size


class ThemeLimit(Exception):
    """A template went past what one render may do; the message says which limit, in a few words."""


class RenderTimeout(ThemeLimit):
    """The render ran past its deadline."""


class RenderTooLarge(ThemeLimit):
    """The render would build a value, a number or a memory footprint larger than a page needs."""


class RenderTooDeep(ThemeLimit):
    """Calls or includes nested past `MAX_DEPTH` or `MAX_FRAMES`: a template calling itself without end."""


class Allowance:
    """What one render may still do; only the thread running the render reads or changes it."""

    __slots__ = ("seconds", "deadline", "largest", "depth", "growth", "memory_floor", "next_look")

    def __init__(self, seconds: float, longest_given: int, total_given: int) -> None:
        now = time.monotonic()
        self.seconds = seconds
        self.deadline = now + seconds
        self.largest = max(MAX_VALUE, 2 * longest_given)
        self.depth = 0
        self.growth = MAX_GROWTH + 4 * total_given
        self.memory_floor: int | None = None
        self.next_look = now + min(_LOOK_EVERY, seconds)

    def checkpoint(self) -> None:
        if time.monotonic() >= self.next_look:  # nearly every step ends here, after one clock read
            self.look()

    def look(self) -> None:
        """Stops the render past its deadline or past its memory growth."""
        now = time.monotonic()
        self.next_look = now + _LOOK_EVERY
        if now > self.deadline:
            raise RenderTimeout(f"it ran for more than {self.seconds:g} seconds")
        resident = _resident_bytes()
        if resident is None:
            return
        if self.memory_floor is None:
            self.memory_floor = resident
        elif resident - self.memory_floor > self.growth:
            raise RenderTooLarge(f"it took more than {self.growth >> 20:,} MB of memory")


class _State(threading.local):
    allowance: Allowance | None = None


_state = _State()


def current() -> Allowance | None:
    """The allowance of the render running on this thread, if one is."""
    return _state.allowance


class allowance:  # noqa: N801 - a context manager, named like the functions that usually are
    """Gives the render about to run on this thread its allowance; one inside a render shares the outer's."""

    def __init__(self, seconds: float, longest_given: int, total_given: int) -> None:
        self._own = Allowance(seconds, longest_given, total_given) if _state.allowance is None else None

    def __enter__(self) -> None:
        if self._own is not None:
            _state.allowance = self._own

    def __exit__(self, *_: object) -> None:
        if self._own is not None:
            _state.allowance = None


def _resident_bytes() -> int | None:
    """The process's resident memory (Linux), or its peak so far (macOS); None where neither is cheap."""
    if sys.platform == "win32":
        return None  # there the deadline and the size caps hold, not this
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS


# -- sizes, measured before anything is built -----------------------------------------------


def check_size(size: int) -> None:
    """Refuses an operation that would produce more than the render's largest value."""
    running = _state.allowance
    # Outside a render (Jinja folds constant filters while compiling) the plain cap holds.
    largest = MAX_VALUE if running is None else running.largest
    if size > largest:
        raise RenderTooLarge(f"one value would hold more than {largest:,} characters")
    if running is not None:
        running.checkpoint()


def weight(value: Any) -> int:
    """About how many characters `value` becomes as text, counted item by item (and stopping past any cap).

    A list of a thousand references to one long string is small in memory and huge as text:
    this is what printing, joining or formatting it would build.
    """
    if isinstance(value, (str, bytes)):
        return len(value)
    total, pending = 0, [value]
    while pending and total <= 4 * MAX_VALUE:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item) + 4
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
            total += 4
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
            total += 4
        elif isinstance(item, Sequence) and not isinstance(item, range):
            # a page's rows made as they are read (export/pages.py `LazyRows`): as many as could count
            pending.extend(itertools.islice(item, 4 * MAX_VALUE))
            total += 4
        elif is_dataclass(item) and not isinstance(item, type):  # its repr shows every field
            pending.extend(getattr(item, f.name, None) for f in fields(item))
            total += 64
        elif isinstance(item, Namespace):  # its repr shows every attribute, and it hides __dict__
            pending.extend(object.__getattribute__(item, "__dict__").values())
            total += 64
        else:
            total += 64
    return total


def largest_int(args: Iterable[Any]) -> int:
    return max((abs(a) for a in args if isinstance(a, int)), default=0)


def length(value: Any) -> int:
    """Characters of a string, items of a list: what one more copy of `value` costs in memory."""
    try:
        return len(value)
    except TypeError:
        return 0


def product_size(left: Any, right: Any) -> int:
    """The length of `left * right`, refusing numbers past `MAX_INT_BITS`."""
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise RenderTooLarge(f"it computes a number of more than {MAX_INT_BITS} bits")
        return 0
    for sequence, times in ((left, right), (right, left)):
        if isinstance(times, int) and isinstance(sequence, (str, bytes, list, tuple)):
            return max(times, 0) * len(sequence)
    return 0


def check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if exponent * math.log2(abs(base)) > MAX_INT_BITS:
            raise RenderTooLarge(f"it computes a number of more than {MAX_INT_BITS} bits")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def percent_size(fmt: str, values: Any) -> int:
    """The most `fmt % values` can come to: its own length, the widths it asks for, the values."""
    size = len(fmt) + weight(values)
    stars = False
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for number in (width, precision):
            stars = stars or number == "*"
            size += int(number) if number.isdigit() else 0
    if stars:  # widths taken from the values: count the largest number given for each
        size += largest_int(values if isinstance(values, tuple) else (values,)) * len(fmt)
    return size


class _FieldSizes(SandboxedFormatter):
    """Formats nothing: adds up how long each field of a format string would come out."""

    def __init__(self, env: jinja2.Environment) -> None:
        super().__init__(env)
        self.total = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return value  # `!r` of a long list is what is being measured, not made

    def format_field(self, value: Any, format_spec: str) -> str:
        size = weight(value) + sum(int(n) for n in re.findall(r"\d+", format_spec))
        self.total += size
        # A small field is made for real: it may be the width of another (`{0:{1}}`).
        return str(super().format_field(value, format_spec)) if size <= 64 else ""


def format_size(env: jinja2.Environment, fmt: str, args: Sequence[Any], kwargs: Any) -> int:
    """The most `fmt.format(*args, **kwargs)` can come to, fields looked up as the sandbox does."""
    sizes = _FieldSizes(env)
    sizes.vformat(fmt, args, kwargs)
    return len(fmt) + sizes.total


def replace_size(s: Any, old: Any, new: Any, count: Any = -1) -> int:
    size = len(s) if isinstance(s, str) else weight(s)
    old_text, new_text = str(old), str(new)
    found = s.count(old_text) if isinstance(s, str) else size + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return size + found * max(len(new_text) - len(old_text), 0)


def checked_method_call(obj: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Measures what a method of a string, bytes or number would build; a `join` gets its items listed."""
    receiver = getattr(obj, "__self__", None)
    if not isinstance(receiver, (str, bytes, int)):
        return args
    name = getattr(obj, "__name__", "")
    if name == "join" and isinstance(receiver, (str, bytes)) and len(args) == 1:
        items = list(args[0])  # a generator is measured and joined from the same list
        check_size(sum(weight(i) for i in items) + len(items) * len(receiver))
        return (items,)
    if name == "replace" and isinstance(receiver, str) and 2 <= len(args) <= 3:
        check_size(replace_size(receiver, *args))
    elif name == "expandtabs" and isinstance(receiver, str):
        check_size(len(receiver) + receiver.count("\t") * largest_int(args or (8,)))
    elif name == "translate" and isinstance(receiver, str) and args and isinstance(args[0], dict):
        check_size(len(receiver) * max([weight(v) for v in args[0].values()] + [1]))
    else:  # a width or a length: center, ljust, rjust, zfill, to_bytes, ...
        check_size(largest_int(args))
    return args
