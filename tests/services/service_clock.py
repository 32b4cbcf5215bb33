"""A clock that stands still until a test moves it, for services that take `clock=`."""

from __future__ import annotations

import datetime as dt


class ManualClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
