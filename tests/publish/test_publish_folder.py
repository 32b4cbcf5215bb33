"""Publishing the sample site to a folder: only what changed is sent, in order, and nothing else is touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import PublishCancelled, PublishFailed
from fieldnotes_desktop.export.targets.base import MANIFEST_NAME
from fieldnotes_desktop.export.targets.sync import stage
from fieldnotes_desktop.services.site_publish import PublishOptions
from tests.publish.publish_helpers import (
    built_files,
    edit_one_word,
    part_files,
    publish,
    recorded,
    site_files,
)

SLUG = "reading-the-wal-by-hand"


def test_the_first_publish_sends_the_whole_site_and_records_it(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    report = publish(services, str(target))
    assert site_files(target) == built_files(services)
    assert len(report.plan.uploads) == len(site_files(target)) > 20
    assert report.plan.deletions == () and report.plan.unchanged == 0
    record = json.loads((target / MANIFEST_NAME).read_text())
    assert record["format"] == 1 and record["files"] == site_files(target)
    assert part_files(target) == []
    assert "Published to" in report.summary()


def test_a_second_publish_sends_nothing_and_says_so(services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = str(tmp_path / "www")
    publish(services, target)
    connections = recorded(monkeypatch)
    report = publish(services, target)
    assert report.plan.empty and report.result is not None and report.result.uploaded == 0
    assert report.summary().startswith("Nothing to publish")
    assert connections[0].calls == []  # not even the record is written again


def test_a_one_word_edit_sends_a_handful_of_files(services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    publish(services, str(target))
    edit_one_word(services, SLUG)
    connections = recorded(monkeypatch)
    report = publish(services, str(target))
    sent = connections[0].uploaded()
    assert f"{SLUG}/index.html" in sent
    assert 1 <= len(sent) <= 8, sent  # the page, and the pages quoting its excerpt
    assert report.plan.unchanged == len(site_files(target)) - len(sent)
    assert site_files(target) == built_files(services)


def test_files_go_in_an_order_a_reader_can_follow(services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    connections = recorded(monkeypatch)
    publish(services, str(tmp_path / "www"))
    kinds = [kind for kind, _path in connections[0].calls]
    assert kinds[0] == "write" and kinds[-2:] == ["write", "finish"]  # the claim first, the full record last
    stages = [stage(path) for kind, path in connections[0].calls if kind == "upload"]
    assert stages == sorted(stages) and set(stages) == {0, 1, 2, 3}
    sent = connections[0].uploaded()
    assert sent.index("assets/site.css") < sent.index(f"{SLUG}/index.html") < sent.index("tag/sqlite/index.html")
    assert sent[-3:] == sorted(["feed.xml", "index.html", "sitemap.xml"])


def test_a_trashed_entry_is_removed_and_nothing_else_is_touched(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    target.mkdir()
    (target / "CNAME").write_text("notes.example.org\n")
    (target / "tag").mkdir()
    publish(services, str(target))
    (target / "tag" / "README.txt").write_text("the writer's own file\n")
    (target / SLUG / "notes.txt").write_text("kept beside the page\n")
    other = "shell-scripts-for-any-sh"
    services.entries.trash(services.entries.get_by_slug(SLUG).id)
    services.entries.trash(services.entries.get_by_slug(other).id)
    report = publish(services, str(target))
    assert f"{SLUG}/index.html" in report.plan.deletions
    assert not (target / SLUG / "index.html").exists()
    assert (target / SLUG / "notes.txt").read_text() == "kept beside the page\n"  # so the folder stays
    assert not (target / other).exists()  # emptied, so removed
    assert (target / "CNAME").read_text() == "notes.example.org\n"
    assert (target / "tag" / "README.txt").is_file()
    foreign = {"CNAME", "tag/README.txt", f"{SLUG}/notes.txt"}
    assert {p: h for p, h in site_files(target).items() if p not in foreign} == built_files(services)


def test_a_dry_run_changes_nothing_on_the_target(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    publish(services, str(target))
    before = site_files(target), (target / MANIFEST_NAME).read_bytes()
    edit_one_word(services, SLUG)
    report = publish(services, str(target), dry_run=True)
    assert report.dry_run and f"{SLUG}/index.html" in [u.path for u in report.plan.uploads]
    assert report.summary().startswith("Would send")
    assert (site_files(target), (target / MANIFEST_NAME).read_bytes()) == before


def test_a_dropped_connection_is_finished_by_the_next_publish(services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    with monkeypatch.context() as patched, pytest.raises(PublishFailed, match="dropped"):
        recorded(patched, fail_after=7)
        publish(services, str(target))
    claimed = json.loads((target / MANIFEST_NAME).read_text())["files"]
    assert len([h for h in claimed.values() if h]) == 7  # what landed is known, the rest claimed
    report = publish(services, f"file://{target}")
    assert len(report.plan.uploads) == len(built_files(services)) - 7
    assert site_files(target) == built_files(services) and part_files(target) == []


def test_cancelling_stops_between_files_and_the_next_publish_converges(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    seen: list[str] = []
    with pytest.raises(PublishCancelled, match="the next publish finishes it"):
        services.publishing.publish(
            PublishOptions(target=str(target), force=True),
            progress=lambda done, total, label: seen.append(label),
            cancelled=lambda: any(label.startswith("Sending") for label in seen[-1:]) and len(seen) > 40,
        )
    publish(services, str(target))
    assert site_files(target) == built_files(services)


@pytest.mark.parametrize(
    "record, says",
    [
        (b"{not json", "damaged"),
        (json.dumps({"format": 9, "files": {}}).encode(), "newer Field Notes"),
        (json.dumps({"format": 1, "files": {"../outside.html": None}}).encode(), "not a path inside the site"),
        (json.dumps({"format": 1, "files": {".git/config": None}}).encode(), "not a path inside the site"),
    ],
)
def test_a_foreign_or_hostile_record_is_refused_and_nothing_changes(services, tmp_path: Path, record: bytes, says: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "site" / "www"
    target.mkdir(parents=True)
    (target.parent / "outside.html").write_text("someone else's")
    (target / MANIFEST_NAME).write_bytes(record)
    with pytest.raises(PublishFailed, match=says):
        publish(services, str(target))
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST_NAME]
    assert (target.parent / "outside.html").read_text() == "someone else's"


def test_a_target_that_cannot_be_written_gets_one_sentence(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(PublishFailed, match="is a file"):
        publish(services, str(blocker))
    with pytest.raises(PublishFailed, match="does not exist"):
        publish(services, str(tmp_path / "no" / "such" / "folder"))


def test_the_saved_target_is_used_and_a_typo_is_refused_when_saved(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fieldnotes_desktop.errors import ValidationError

    services.site.update(publish_to=str(tmp_path / "saved"))
    report = services.publishing.publish(PublishOptions(force=True))
    assert report.target == str(tmp_path / "saved") and (tmp_path / "saved" / "index.html").is_file()
    with pytest.raises(ValidationError, match="not a target"):
        services.site.update(publish_to="ftp://example.org/www")
    assert services.site.get().publish_to == str(tmp_path / "saved")


def test_files_someone_else_put_there_are_not_replaced_without_force(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    (target / "tag" / "sqlite").mkdir(parents=True)
    (target / "index.html").write_text("<p>the old hand-made home page</p>")
    (target / "tag" / "sqlite" / "index.html").write_text("<p>an old list</p>")
    with pytest.raises(PublishFailed, match=r"2 files this site would replace .*index\.html.*--force"):
        services.publishing.publish(PublishOptions(target=str(target), force=False, dry_run=False))  # checks pass: warnings only
    assert (target / "index.html").read_text() == "<p>the old hand-made home page</p>"
    assert not (target / MANIFEST_NAME).exists()
    dry = publish(services, str(target), dry_run=True, force=False)
    assert sorted(dry.plan.foreign) == ["index.html", "tag/sqlite/index.html"]
    publish(services, str(target))  # --force
    assert site_files(target) == built_files(services)


def test_a_link_inside_the_site_cannot_lead_a_publish_out_of_it(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    publish(services, str(target))
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / ".bashrc").write_text("mine")
    (target / "evil").symlink_to(outside)
    record = json.loads((target / MANIFEST_NAME).read_text())
    record["files"]["evil/.bashrc"] = "0" * 64  # a record someone tampered with
    (target / MANIFEST_NAME).write_text(json.dumps(record))
    with pytest.raises(PublishFailed, match="leads out of the site's folder"):
        publish(services, str(target))
    assert (outside / ".bashrc").read_text() == "mine"


def test_a_removal_that_stops_half_way_is_claimed_so_the_page_comes_back(services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fieldnotes_desktop.export.targets.folder import FolderConnection
    from fieldnotes_desktop.records import EntryFields

    target = tmp_path / "www"
    publish(services, str(target))
    entry = services.entries.get_by_slug(SLUG)
    services.entries.update(entry.id, EntryFields(status="draft"))
    real_write = FolderConnection.write
    writes = []

    def write_then_drop(self, path, data):  # type: ignore[no-untyped-def]
        writes.append(path)
        if len(writes) > 1:  # the claim lands; the record after the removal never does
            raise PublishFailed("The connection dropped (a test).")
        real_write(self, path, data)

    with monkeypatch.context() as patched, pytest.raises(PublishFailed):
        patched.setattr(FolderConnection, "write", write_then_drop)
        publish(services, str(target))
    assert not (target / SLUG / "index.html").exists()
    services.entries.update(entry.id, EntryFields(status="finished"))
    report = publish(services, str(target))
    assert f"{SLUG}/index.html" in [u.path for u in report.plan.uploads]
    assert site_files(target) == built_files(services)
