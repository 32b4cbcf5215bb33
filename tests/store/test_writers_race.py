"""Two real writer processes saving one entry as fast as they can: no save overwrites another.

Each writer loops: read the entry, append a line of its own to the body, save with the version
it read. A refused save (EntryConflict) is counted and retried from a fresh read. If the
database ever let a save through on a stale version, a line another writer had saved would be
missing from the final body, and two saves would share a version number.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

SAVES_EACH = 40

WRITER = """
import json, sys
from fieldnotes_desktop.errors import EntryConflict
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

desk, entry_id, name, saves = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
services = open_services(desk, create=False)
saved, refused = [], 0
print("ready", flush=True)
sys.stdin.readline()  # both start at once
while len(saved) < saves:
    entry = services.entries.get(entry_id)
    line = f"{name} {len(saved)}"
    try:
        after = services.entries.update(entry_id, EntryFields(body=entry.body + line + "\\n"), base_version=entry.version)
    except EntryConflict:
        refused += 1
        continue
    saved.append([line, entry.version, after.version])
services.close()
print(json.dumps({"saved": saved, "refused": refused}), flush=True)
"""


def _race(desk: str, entry_id: int) -> list[dict[str, object]]:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, desk, str(entry_id), name, str(SAVES_EACH)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for name in ("ada", "basil")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = []
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_writer_processes_racing_on_one_entry_overwrite_nothing(desk_location: Path | str) -> None:
    services = open_services(desk_location)
    entry = services.entries.create(EntryFields(title="The shared page", body=""))
    services.close()

    results = _race(str(desk_location), entry.id)

    services = open_services(desk_location)
    final = services.entries.get(entry.id)
    services.close()
    lines = final.body.splitlines()
    saved = [save for result in results for save in result["saved"]]  # type: ignore[attr-defined]
    assert len(saved) == 2 * SAVES_EACH
    # Every acknowledged save is in the body, once, in the order of the versions it made.
    assert sorted(lines) == sorted(line for line, _base, _after in saved)
    assert lines == [line for line, _base, _after in sorted(saved, key=lambda save: save[2])]
    # No two saves were based on the same version, and each made the next one.
    assert len({base for _line, base, _after in saved}) == len(saved)
    assert all(after == base + 1 for _line, base, after in saved)
    assert final.version == entry.version + 2 * SAVES_EACH
