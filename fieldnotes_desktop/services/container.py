"""Opens a database and hands out the services over it, for the CLI, the app and tests."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.services.clock import Clock, utc_now

if TYPE_CHECKING:
    from fieldnotes_desktop.services.assets import AssetService
    from fieldnotes_desktop.services.entries import EntryService
    from fieldnotes_desktop.services.importer import ImportService
    from fieldnotes_desktop.services.maintenance import MaintenanceService
    from fieldnotes_desktop.services.publish import ExportService
    from fieldnotes_desktop.services.site import SiteService
    from fieldnotes_desktop.store import Store


class Services:
    """The services over one open store, each made (and its module imported) when first used.

    `fieldnotes search` needs only the entries; building the export service would import the
    renderer, the theme and Jinja2, a third of a second it never uses.
    """

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self._clock = clock

    @cached_property
    def entries(self) -> EntryService:
        from fieldnotes_desktop.services.entries import EntryService

        return EntryService(self.store, self._clock)

    @cached_property
    def site(self) -> SiteService:
        from fieldnotes_desktop.services.site import SiteService

        return SiteService(self.store)

    @cached_property
    def assets(self) -> AssetService:
        from fieldnotes_desktop.services.assets import AssetService

        return AssetService(self.store)

    @cached_property
    def imports(self) -> ImportService:
        from fieldnotes_desktop.services.importer import ImportService

        return ImportService(self.store, self.entries)

    @cached_property
    def exports(self) -> ExportService:
        from fieldnotes_desktop.services.publish import ExportService

        return ExportService(self.store, self.entries, self.site, self.assets, self._clock)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        from fieldnotes_desktop.services.maintenance import MaintenanceService

        return MaintenanceService(self.store, self._clock)

    @property
    def db_path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()


def open_services(
    db_path: Path | str, clock: Clock = utc_now, *, read_only: bool = False, create: bool = True
) -> Services:
    """Services over the database at `db_path`; see `open_store` for `read_only` and `create`."""
    from fieldnotes_desktop.store import open_store

    return Services(open_store(db_path, read_only=read_only, create=create), clock)
