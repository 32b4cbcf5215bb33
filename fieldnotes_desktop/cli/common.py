"""What every command module shares: the exit codes and the shape of a command's handler."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    # Only for annotations: a command module loads the services (and SQLAlchemy with them)
    # when its command runs, so `fieldnotes --version` and `--help` stay quick.
    from fieldnotes_desktop.services import Services

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2

Handler = Callable[["Services", argparse.Namespace], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
