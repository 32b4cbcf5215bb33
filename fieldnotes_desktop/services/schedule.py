"""Scheduled entries: the moment each one goes out, and making finished those whose moment has passed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.services.clock import Clock, utc_now

if TYPE_CHECKING:
    from fieldnotes_desktop.store import Store

# The store's modules bring SQLAlchemy: imported where an entry is released, so that the window
# can read `moment_of` for its first screen before the store is open.


def moment_of(day: dt.date, published_time: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """When an entry dated `day` at `published_time` is due, as an aware datetime.

    A time with an offset (`09:00+01:00`, `09:00Z`) is at that offset. A time without one is the
    writer's wall-clock time in `zone` (None: this computer's local time, summer time included),
    and so is a day without a time (""), at its start: scheduled for December 3 goes out with
    the first export on December 3. A time that does not read as one counts as none.
    """
    try:
        time = dt.time.fromisoformat(published_time.strip()) if published_time.strip() else dt.time()
    except ValueError:
        time = dt.time()
    moment = dt.datetime.combine(day, time)
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()


class ScheduleService:
    """Releases scheduled entries; each call is one transaction."""

    def __init__(self, store: Store, clock: Clock = utc_now, zone: dt.tzinfo | None = None) -> None:
        """`zone`: where a time without an offset is read (None: the computer's local time)."""
        self._store = store
        self._clock = clock
        self._zone = zone

    def release_due(self, now: dt.datetime | None = None) -> tuple[EntrySummary, ...]:
        """Makes finished every scheduled entry outside the trash whose moment is `now` (the
        clock's time by default) or earlier, in one transaction; their new summaries.

        Like a bulk edit it keeps no revision (the text is as it was) and raises each version.
        A store opened read-only is left as it is: nothing is released, and () comes back.
        """
        if self._store.read_only:
            return ()
        from fieldnotes_desktop.store import repository as repo
        from fieldnotes_desktop.store import scheduled

        moment = repo.aware(now if now is not None else self._clock())
        with self._store.transaction() as s:
            due = {
                w.id: w.version
                for w in scheduled.waiting(s)
                if moment_of(w.date, w.published_time, self._zone) <= moment
            }
            return tuple(scheduled.release(s, due, moment)) if due else ()
