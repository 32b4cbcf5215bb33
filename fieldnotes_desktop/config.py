"""Where Field Notes keeps its files: the database, the log folder, window locks and a theme override."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from fieldnotes_desktop.location import Location

APP_NAME = "fieldnotes-desktop"
DB_ENV = "FIELDNOTES_DB"
DB_FILENAME = "fieldnotes.db"


def default_db_path() -> Path:
    """The database in the platform's user data folder."""
    return platformdirs.user_data_path(APP_NAME) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` first, then `FIELDNOTES_DB`, then the platform default, as a file's path: for a
    shared desk's address, the anchor of its files on this computer (`ServerDesk.path`)."""
    location = resolve_location(explicit)
    return location if isinstance(location, Path) else location.path


def resolve_location(explicit: str | os.PathLike[str] | None = None) -> Location:
    """`--db` first, then `FIELDNOTES_DB`, then the platform default: a file, or a server's address."""
    if explicit:
        return location_of(explicit)
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return location_of(from_env)
    return default_db_path()


def location_of(text: str | os.PathLike[str] | Location) -> Location:
    """A file's path or a server's address (`location.parse_location`), its folder among `desks_dir`."""
    from fieldnotes_desktop.location import ServerDesk, parse_location

    if isinstance(text, ServerDesk):
        return text
    return parse_location(text, desks_dir())


def desks_dir() -> Path:
    """This computer's folders for shared desks on a server, one per address (location.py)."""
    return platformdirs.user_data_path(APP_NAME) / "desks"


AUTHOR_ENV = "FIELDNOTES_AUTHOR"


def writer_name() -> str:
    """Who is writing on this computer, for the revisions they make: `FIELDNOTES_AUTHOR`, else the
    account's full name (its GECOS field on Unix), else the login name. The app's own setting
    (`[writer] name` in desktop.ini) comes before all of these; the command line has no settings file."""
    named = os.environ.get(AUTHOR_ENV, "").strip()
    if named:
        return named
    try:
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
        if full:
            return full
    except (ImportError, KeyError, AttributeError):  # Windows has no pwd; a uid without an entry
        pass
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def log_dir() -> Path:
    """The folder for the rotating log file."""
    return platformdirs.user_log_path(APP_NAME)


def lock_dir() -> Path:
    """Per-user folder for the one-window locks, which are named by the database file's identity."""
    return platformdirs.user_cache_path(APP_NAME) / "locks"


def theme_override_dir(db_path: Path) -> Path:
    """A `theme/` folder beside the database overrides any packaged template."""
    return db_path.parent / "theme"


def publish_dir(db_path: Path) -> Path:
    """This desk's publish workshop, beside its database: the site as last built to publish
    (`site/`, exported there incrementally) and the clones of git targets (`git/`)."""
    return db_path.with_name(db_path.name + ".publish")  # like the backups' `fieldnotes.db.backups/`
