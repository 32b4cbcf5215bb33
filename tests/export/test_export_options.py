"""Export options are checked once, in the service, whoever asks: the command line or the dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"self_contained": True}, "name exactly one with --entry SLUG"),
        ({"self_contained": True, "slugs": ("a", "b")}, "name exactly one with --entry SLUG"),
        ({"self_contained": True, "slugs": ("a",), "out": "folder"}, "is a folder; with --self-contained"),
        ({"out": "file.txt"}, "is a file; --out names the folder"),
        ({"theme_dir": "nowhere"}, "The theme folder .*nowhere does not exist"),
    ],
)
def test_impossible_options_are_refused_before_anything_is_read_or_written(
    samples: Services, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("keep me")
    for key in ("out", "theme_dir"):
        if key in options:
            options[key] = tmp_path / str(options[key])
    options.setdefault("out", tmp_path / "site")
    with pytest.raises(ExportFailed, match=message):
        samples.exports.export(ExportOptions(**options))  # type: ignore[arg-type]
    assert (tmp_path / "file.txt").read_text() == "keep me"
    assert not (tmp_path / "site").exists()


def test_a_theme_that_is_a_file_is_called_a_file_not_a_missing_folder(samples: Services, tmp_path: Path) -> None:
    theme = tmp_path / "passwd"
    theme.write_text("root:x:0:0\n")
    with pytest.raises(ExportFailed) as caught:
        samples.exports.export(ExportOptions(out=tmp_path / "site", theme_dir=theme))
    assert str(caught.value) == f"{theme} is a file, not a folder; --theme names a folder of templates."


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
def test_a_folder_that_cannot_be_made_says_what_to_do(samples: Services) -> None:
    with pytest.raises(ExportFailed) as caught:
        samples.exports.export(ExportOptions(out=Path("/proc/x")))
    assert str(caught.value) == "Cannot write /proc/x: No such file or directory; choose another folder."
