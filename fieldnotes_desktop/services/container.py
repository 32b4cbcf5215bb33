"""Opens a database and hands out the services over it, for the CLI, the app and tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop import config
from fieldnotes_desktop.services.clock import Clock, utc_now

if TYPE_CHECKING:
    from fieldnotes_desktop.location import Location
    from fieldnotes_desktop.services.assets import AssetService
    from fieldnotes_desktop.services.bulk_edits import BulkEditService
    from fieldnotes_desktop.services.checks import CheckService
    from fieldnotes_desktop.services.dictionary import DictionaryService
    from fieldnotes_desktop.services.entries import EntryService
    from fieldnotes_desktop.services.importer import ImportService
    from fieldnotes_desktop.services.maintenance import MaintenanceService
    from fieldnotes_desktop.services.markdown_export import MarkdownExportService
    from fieldnotes_desktop.services.publish import ExportService
    from fieldnotes_desktop.services.schedule import ScheduleService
    from fieldnotes_desktop.services.site import SiteService
    from fieldnotes_desktop.services.site_publish import PublishService
    from fieldnotes_desktop.store import Store


class Services:
    """The services over one store, each made (and its module imported) when first used.

    `fieldnotes search` needs only the entries; building the export service would import the
    renderer, the theme and Jinja2, a third of a second it never uses.

    The store itself may be opened on first use too (`open_services(..., deferred=True)`): the
    window shows its first screen from a plain read and has the store opened on its database
    lane after, which spares the first screen the quarter of a second SQLAlchemy takes to import.
    """

    def __init__(self, store: Store | Callable[[], Store], clock: Clock = utc_now, *,
                 db_path: Path | None = None, author: str | None = None) -> None:
        """Over `store`, or over the store that `store()` opens when first needed (then `db_path` names it)."""
        if callable(store):
            if db_path is None:
                raise TypeError("a store opened on first use needs its db_path")
            self._store: Store | None = None
            self._open: Callable[[], Store] | None = store
            self._db_path = Path(db_path)
        else:
            self._store, self._open, self._db_path = store, None, store.path
        self._opening = threading.Lock()
        self._clock = clock
        self.author = config.writer_name() if author is None else author  # whose revisions these are

    @property
    def store(self) -> Store:
        """The open store. A deferred one is opened now, on the calling thread (any other waits for
        it); a failure to open raises here, and the next use tries again."""
        store = self._store
        if store is None:
            with self._opening:
                if self._store is None:
                    assert self._open is not None
                    self._store = self._open()
                store = self._store
        return store

    @property
    def store_is_open(self) -> bool:
        return self._store is not None

    @cached_property
    def entries(self) -> EntryService:
        from fieldnotes_desktop.services.entries import EntryService

        return EntryService(self.store, self._clock, self.author)

    @cached_property
    def bulk_edits(self) -> BulkEditService:
        from fieldnotes_desktop.services.bulk_edits import BulkEditService

        return BulkEditService(self.store, self._clock)

    @cached_property
    def schedule(self) -> ScheduleService:
        from fieldnotes_desktop.services.schedule import ScheduleService

        return ScheduleService(self.store, self._clock)

    @cached_property
    def site(self) -> SiteService:
        from fieldnotes_desktop.services.site import SiteService

        return SiteService(self.store)

    @cached_property
    def assets(self) -> AssetService:
        from fieldnotes_desktop.services.assets import AssetService

        return AssetService(self.store)

    @cached_property
    def dictionary(self) -> DictionaryService:
        from fieldnotes_desktop.services.dictionary import DictionaryService

        return DictionaryService(self.store, self._clock)

    @cached_property
    def imports(self) -> ImportService:
        from fieldnotes_desktop.services.importer import ImportService

        return ImportService(self.store, self.entries)

    @cached_property
    def exports(self) -> ExportService:
        from fieldnotes_desktop.services.publish import ExportService

        return ExportService(self.store, self.entries, self.site, self.assets, self._clock, schedule=self.schedule)

    @cached_property
    def checks(self) -> CheckService:
        from fieldnotes_desktop.services.checks import CheckService

        return CheckService(self.store, self.site, self._clock)

    @cached_property
    def markdown_exports(self) -> MarkdownExportService:
        from fieldnotes_desktop.services.markdown_export import MarkdownExportService

        return MarkdownExportService(self.store)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        from fieldnotes_desktop.services.maintenance import MaintenanceService

        return MaintenanceService(self.store, self._clock)

    @cached_property
    def publishing(self) -> PublishService:
        from fieldnotes_desktop.services.site_publish import PublishService

        return PublishService(self.exports, self.checks, self.site, self.db_path)

    @property
    def db_path(self) -> Path:
        return self._db_path

    def close(self) -> None:
        with self._opening:  # not while another thread is opening it
            store = self._store
        if store is not None:
            store.close()


def open_services(
    db_path: Location | str, clock: Clock = utc_now, *, read_only: bool = False, create: bool = True,
    deferred: bool = False, author: str | None = None,
) -> Services:
    """Services over the database at `db_path` (a file, or a server desk's address); see
    `open_store` for `read_only` and `create`.

    `deferred` opens the store when a service is first used instead of now; what opening it
    would refuse is then raised by that use. For a file already looked at and found current
    (the window's `first_look`), so that nothing is left to refuse or upgrade.
    """
    from fieldnotes_desktop.config import location_of
    from fieldnotes_desktop.location import ServerDesk

    location = location_of(db_path)

    def opened() -> Store:
        from fieldnotes_desktop.store import open_store

        return open_store(location, read_only=read_only, create=create)

    if deferred:
        return Services(opened, clock, db_path=location.path if isinstance(location, ServerDesk) else location,
                        author=author)
    return Services(opened(), clock, author=author)
