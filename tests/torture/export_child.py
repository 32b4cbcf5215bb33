"""One export run for the kill-torture: the real export service, reporting each phase to a trace file.

Usage: export_child.py DB OUT TRACE — exports DB's finished entries into OUT at a frozen moment
(so every run of the same state writes the same bytes) and appends one line per phase to TRACE.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from fieldnotes_desktop.export import bodies as bodies_module
from fieldnotes_desktop.export import writer as writer_module
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.services.clock import frozen
from fieldnotes_desktop.services.publish import ExportOptions

MOMENT = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def main() -> int:
    db, out, trace_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    trace = open(trace_path, "a", buffering=1, encoding="utf-8")  # line-buffered: the parent polls it

    def mark(phase: str) -> None:
        trace.write(phase + "\n")

    # Phase markers, by wrapping what the writer calls; the writer itself is unchanged.
    real_replace, real_rmtree = os.replace, shutil.rmtree
    renames = {"site": 0}

    def replace(src: Any, dst: Any) -> None:
        name = Path(dst).name
        if Path(dst).parent.name == writer_module.STAGING_NAME and Path(src).parent == Path(dst).parent:
            pass  # a page a worker wrote, given its staged name: still staging
        elif name == writer_module.JOURNAL_NAME:
            mark("journal")
        elif name == writer_module.MANIFEST_NAME:
            mark("manifest")
        elif name.endswith(".new"):
            pass
        else:
            renames["site"] += 1
            mark("apply-first" if renames["site"] == 1 else "apply")
        real_replace(src, dst)

    def rmtree(path: Any, *args: Any, **kwargs: Any) -> None:
        # Only after the journal: the writer also clears stale staging when it opens.
        if Path(path).name == writer_module.STAGING_NAME and renames["site"]:
            mark("cleanup")
        real_rmtree(path, *args, **kwargs)

    os.replace = replace  # type: ignore[assignment]
    shutil.rmtree = rmtree  # type: ignore[assignment]
    staged = {"n": 0}
    real_stage = writer_module.SiteWriter.stage

    def stage(self: writer_module.SiteWriter, relative: str, content: str | bytes, **kwargs: Any) -> str:
        staged["n"] += 1
        mark("stage-first" if staged["n"] == 1 else "stage")
        return real_stage(self, relative, content, **kwargs)

    real_chunks = writer_module.SiteWriter.stage_chunks

    def stage_chunks(self: writer_module.SiteWriter, relative: str, chunks: Any, **kwargs: Any) -> str:
        staged["n"] += 1  # the list pages, streamed: kills land among them as among the others
        mark("stage-first" if staged["n"] == 1 else "stage")
        return real_chunks(self, relative, chunks, **kwargs)

    real_written = writer_module.SiteWriter.stage_written

    def stage_written(self: writer_module.SiteWriter, relative: str, written: Any, **kwargs: Any) -> str:
        staged["n"] += 1  # an entry page a worker wrote into the staging folder
        mark("stage-first" if staged["n"] == 1 else "stage")
        return real_written(self, relative, written, **kwargs)

    writer_module.SiteWriter.stage = stage  # type: ignore[method-assign]
    writer_module.SiteWriter.stage_written = stage_written  # type: ignore[method-assign]
    # The torture's site is small: its pages go to worker processes as a large site's do.
    bodies_module.MIN_TO_BUILD = 50
    writer_module.SiteWriter.stage_chunks = stage_chunks  # type: ignore[method-assign]
    mark("start")
    services = open_services(db, clock=frozen(MOMENT))
    try:
        mark("snapshot")
        services.exports.export(ExportOptions(out=out))
        mark("done")
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
