"""Opens a database and hands out the services over it, for the CLI, the app and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.services.assets import AssetService
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.importer import ImportService
from fieldnotes_desktop.services.maintenance import MaintenanceService
from fieldnotes_desktop.services.publish import ExportService
from fieldnotes_desktop.services.site import SiteService
from fieldnotes_desktop.store import Store, open_store


@dataclass(frozen=True)
class Services:
    store: Store
    entries: EntryService
    site: SiteService
    assets: AssetService
    imports: ImportService
    exports: ExportService
    maintenance: MaintenanceService

    @property
    def db_path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()


def open_services(
    db_path: Path | str, clock: Clock = utc_now, *, read_only: bool = False, create: bool = True
) -> Services:
    """Services over the database at `db_path`; see `open_store` for `read_only` and `create`."""
    store = open_store(db_path, read_only=read_only, create=create)
    entries = EntryService(store, clock)
    site = SiteService(store)
    assets = AssetService(store)
    return Services(
        store=store,
        entries=entries,
        site=site,
        assets=assets,
        imports=ImportService(store, entries),
        exports=ExportService(store, entries, site, assets, clock),
        maintenance=MaintenanceService(store, clock),
    )
