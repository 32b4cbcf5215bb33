"""Hugo (Debian's package) builds the Markdown export's Hugo layout with a minimal theme."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
THEME = {
    "hugo.toml": 'baseURL = "https://notes.example.org/"\ntitle = "Field Notes"\n'
                 'disableKinds = ["RSS", "sitemap", "taxonomy", "term", "robotsTXT", "404"]\n',
    "layouts/_default/single.html": (
        "<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>"
        "<p class=meta>{{ .Date.Format \"2006-01-02T15:04\" }} {{ .Params.category }} {{ .Params.elevation }}</p>"
        "{{ .Content }}"
    ),
    "layouts/_default/list.html": (
        "<!doctype html><title>{{ .Title }}</title><ul>"
        "{{ range .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>"
    ),
}

pytestmark = pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed (apt-get install hugo)")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    services: Services = open_services(tmp_path / "desk.db")
    try:
        services.assets.add("summit.png", PNG)
        services.entries.create(EntryFields(
            title="Over the col", slug="over-the-col", status="finished", category="Mountains",
            body="The col was still in cloud.\n\n![summit](assets/summit.png)\n", date=dt.date(2025, 1, 19),
            elevation_m=3250, tags=("alps",), aliases=("/2019/05/old-col/",), published_time="07:30:00+01:00",
        ))  # fmt: skip
        services.entries.create(EntryFields(title="Not yet", slug="not-yet", status="draft", body="Soon.\n"))
        out = tmp_path / "site"
        services.markdown_exports.export(MarkdownExportOptions(out=out, layout="hugo"))
    finally:
        services.close()
    for name, text in THEME.items():  # the writer's own files, beside the export
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return out


def test_hugo_builds_the_export(site: Path, tmp_path: Path) -> None:
    public = tmp_path / "public"
    result = subprocess.run(
        ["hugo", "--source", str(site), "--destination", str(public), "--cacheDir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    page = (public / "posts/over-the-col/index.html").read_text(encoding="utf-8")
    assert "<h1>Over the col</h1>" in page and "2025-01-19T07:30 Mountains 3250" in page
    assert '<img src="summit.png" alt="summit">' in page
    assert (public / "posts/over-the-col/summit.png").read_bytes() == PNG
    assert "posts/over-the-col/" in (public / "2019/05/old-col/index.html").read_text(encoding="utf-8")
    assert not (public / "posts/not-yet").exists()  # a draft, as Hugo leaves drafts out
