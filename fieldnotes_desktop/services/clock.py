"""The time source services use, replaceable so tests and golden exports are reproducible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def frozen(moment: dt.datetime) -> Clock:
    """A clock that always answers `moment`."""
    return lambda: moment
