"""Publishing to a branch of a bare git repository on disk: one commit per publish, only our files in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import PublishFailed
from tests.publish.publish_helpers import built_files, edit_one_word, publish, site_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (dev.sh installs it)")

SLUG = "reading-the-wal-by-hand"


def git(*args: str, cwd: Path) -> str:
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def checkout(repo: Path, branch: str, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    git("clone", "--quiet", "--branch", branch, str(repo), str(into), cwd=repo.parent)
    return into


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "site.git"
    git("init", "--quiet", "--bare", str(repo), cwd=tmp_path)
    return repo


def test_each_publish_is_one_commit_holding_what_changed(services, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = f"git+file://{repo}#pages"
    first = publish(services, target)
    clone = checkout(repo, "pages", tmp_path / "clone")
    assert site_files(clone) == built_files(services)
    assert git("log", "--format=%s", cwd=clone).splitlines() == [f"Publish {len(first.plan.uploads)} files"]

    assert publish(services, target).plan.empty  # nothing changed: no commit
    edit_one_word(services, SLUG)
    second = publish(services, target)
    clone = checkout(repo, "pages", tmp_path / "clone")
    assert len(git("log", "--format=%s", cwd=clone).splitlines()) == 2
    changed = git("show", "--name-only", "--format=", "HEAD", cwd=clone).split()
    assert f"{SLUG}/index.html" in changed
    assert sorted(changed) == sorted([u.path for u in second.plan.uploads] + [".fieldnotes-publish.json"])
    assert len(changed) <= 9


def test_files_on_the_branch_that_are_not_ours_stay(services, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "theirs"
    git("init", "--quiet", "-b", "main", str(work), cwd=tmp_path)
    (work / "CNAME").write_text("notes.example.org\n")
    (work / "README.md").write_text("This branch is the published site.\n")
    git("add", ".", cwd=work)
    git("commit", "--quiet", "-m", "Set up Pages", cwd=work)
    git("push", "--quiet", str(repo), "main", cwd=work)
    target = f"git+file://{repo}#main"
    publish(services, target)
    services.entries.trash(services.entries.get_by_slug(SLUG).id)
    report = publish(services, target)
    assert f"{SLUG}/index.html" in report.plan.deletions
    clone = checkout(repo, "main", tmp_path / "clone")
    assert (clone / "CNAME").read_text() == "notes.example.org\n"
    assert (clone / "README.md").is_file()
    assert not (clone / SLUG).exists()
    assert {p: h for p, h in site_files(clone).items() if p not in ("CNAME", "README.md")} == built_files(services)
    assert git("log", "--format=%s", cwd=clone).splitlines()[-1] == "Set up Pages"


def test_a_publish_killed_before_its_push_is_done_again(services, repo: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fieldnotes_desktop.export.targets import git as git_target

    target = f"git+file://{repo}#gh-pages"
    real_git = git_target.GitConnection._git

    def no_push(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if args and args[0] == "push":
            raise PublishFailed("The network went away (a test).")
        return real_git(self, *args, **kwargs)

    monkeypatch.setattr(git_target.GitConnection, "_git", no_push)
    with pytest.raises(PublishFailed, match="went away"):
        publish(services, target)
    monkeypatch.undo()
    assert git("branch", "--list", cwd=repo) == ""  # nothing reached the repository
    publish(services, target)
    clone = checkout(repo, "gh-pages", tmp_path / "clone")
    assert site_files(clone) == built_files(services)
    assert len(git("log", "--format=%s", cwd=clone).splitlines()) == 1


def test_an_unreachable_repository_gets_one_sentence(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PublishFailed, match=r"git could not reach .*check the address"):
        publish(services, f"git+file://{tmp_path}/missing.git#pages")
