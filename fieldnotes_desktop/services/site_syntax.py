"""Turns Liquid tags and Hugo shortcodes into the Markdown they stand for, and lists what has no equivalent.

Jekyll runs Liquid and Hugo runs shortcodes over the whole text, code fences included, before
Markdown is read; so does this for a site's post. A plain file's fenced code is left alone.
What has a faithful equivalent is converted (highlight blocks to fenced code, raw unwrapped,
links to the imported entries or the site's address, figures, videos as links); the rest is
kept as written, visible, and reported as `Met`.

The scan is linear: each closing token is searched for once from where the last search ended,
and a tag longer than `MAX_TAG` is read as text, so no input costs more than its length.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Protocol

MAX_TAG = 2000  # characters between `{%` and `%}`: real tags are a line at most
MAX_MET = 50  # constructs reported per file; after that, how many more
_START = re.compile(r"\{%|\{\{[<%]|\{\{|<iframe\b", re.IGNORECASE)
_START_PLAIN = re.compile(r"^[ ]{0,3}(?:`{3,}|~{3,})|\{%|\{\{[<%]|\{\{|<iframe\b", re.IGNORECASE | re.MULTILINE)
_IFRAME = re.compile(r"<iframe", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*$", re.MULTILINE)
_FENCE_RUN = re.compile(r"^[ \t]*(`{3,})", re.MULTILINE)
_END = {
    "endraw": re.compile(r"\{%-?\s*endraw\s*-?%\}"),
    "endhighlight": re.compile(r"\{%-?\s*endhighlight\s*-?%\}"),
    "/highlight<": re.compile(r"\{\{<\s*/\s*highlight\s*>\}\}"),
    "/highlight%": re.compile(r"\{\{%\s*/\s*highlight\s*%\}\}"),
    "</iframe>": re.compile(r"</iframe\s*>", re.IGNORECASE),
}
_NAME = re.compile(r"[\w/-]+")
_LANGUAGE = re.compile(r"^[\w+#.-]{1,40}$")
_VIDEO_ID = re.compile(r"^[\w-]{1,64}$")
_FILTERED = re.compile(r"""^(["'])([^"']*)\1\s*\|\s*(relative_url|absolute_url)$""")
_SITE_VARS = ("site.url", "site.baseurl")
_SITE_PATH = re.compile(r"/[^\s()\"'<>\[\]{}]*")
_IFRAME_SRC = re.compile(r"""\ssrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_VIDEOS = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}


class Targets(Protocol):
    """Where the links of one post lead, by the names its site's tags use."""

    def entry(self, key: str) -> str | None:
        """`post:2019-05-01-name`, `path:_posts/…md`, `ref:posts/x`: the imported entry's link, or None."""

    def site_path(self, path: str) -> tuple[str, str]:
        """A path on the old site (`/docs/x/`) as a link, and what was not faithful about it ("" if nothing)."""

    def address(self) -> str:
        """The site's own address, or ""."""


@dataclass(frozen=True, slots=True)
class Met:
    """A construct left as written (or converted with a loss), for the import report."""

    line: int  # 0-based, within the body
    construct: str
    text: str


def convert(body: str, targets: Targets, *, from_site: bool) -> tuple[str, list[Met]]:
    """The body with site syntax converted, and what was left as written."""
    return _Converter(body, targets, from_site).run()


class _Converter:
    def __init__(self, text: str, targets: Targets, from_site: bool) -> None:
        self.text = text
        self.targets = targets
        self.start = _START if from_site else _START_PLAIN
        self.out: list[str] = []
        self.met: list[Met] = []
        self.more = 0
        self._closes: dict[str, int] = {}  # token → where it next occurs (-1: nowhere), from the last search
        self._line_at = (0, 0)

    def run(self) -> tuple[str, list[Met]]:
        text, pos = self.text, 0
        if "{%" not in text and "{{" not in text and _IFRAME.search(text) is None:
            return text, []
        while True:
            found = self.start.search(text, pos)
            if found is None:
                break
            self.out.append(text[pos : found.start()])
            pos = self._construct(found.start(), found.group(0))
        self.out.append(text[pos:])
        if self.more:
            self.met.append(Met(self.met[-1].line, "…", f"and {self.more} more constructs like these"))
        return "".join(self.out), self.met

    # -- what each opening leads to -------------------------------------------------------

    def _construct(self, at: int, opening: str) -> int:
        if opening.lstrip(" ").startswith(("```", "~~~")):
            return self._fenced(at, opening)
        if opening == "{%":
            return self._liquid_tag(at)
        if opening == "{{":
            return self._liquid_output(at)
        if opening.startswith("{{"):
            return self._shortcode(at, opening[2])
        return self._iframe(at)

    def _fenced(self, at: int, opening: str) -> int:
        """A plain file's fenced code: copied as it is, up to its closing fence or the end."""
        fence = opening.strip(" ")
        line_end = self.text.find("\n", at)
        if line_end < 0:
            self.out.append(self.text[at:])
            return len(self.text)
        for close in _FENCE_LINE.finditer(self.text, line_end + 1):
            run = close.group(1)
            if run[0] == fence[0] and len(run) >= len(fence):
                self.out.append(self.text[at : close.end()])
                return close.end()
        self.out.append(self.text[at:])
        return len(self.text)

    def _closed(self, at: int, opening: str, closing: str) -> int | None:
        """Where the closing token of the tag opening at `at` starts; None (the opening kept as text)
        when there is none within MAX_TAG."""
        close = self._next(closing, at + len(opening))
        if close < 0 or close - at > MAX_TAG:
            self.out.append(opening)
            return None
        return close

    def _liquid_tag(self, at: int) -> int:
        close = self._closed(at, "{%", "%}")
        if close is None:
            return at + 2
        end = close + 2
        inner = self.text[at + 2 : close].strip("-").strip()
        name, _, args = inner.partition(" ")
        args = args.strip()
        if name == "raw":
            return self._block(at, end, "endraw", lambda content: content)
        if name == "highlight":
            language = args.split()[0] if args.split() else ""
            return self._block(at, end, "endhighlight", lambda content: self._fence(at, language, content))
        if name in ("post_url", "link"):
            key = f"post:{args.strip()}" if name == "post_url" else f"path:{args.strip().lstrip('/')}"
            target = self.targets.entry(key)
            if target is not None:
                self.out.append(target)
                return end
            self._met(at, f"{{% {name} %}}", f"links to {args[:80]}, which is not among the posts imported; kept as written")
        else:
            self._met(at, f"{{% {name[:40]} %}}", "Liquid that has no Markdown equivalent; kept as written")
        self.out.append(self.text[at:end])
        return end

    def _liquid_output(self, at: int) -> int:
        close = self._closed(at, "{{", "}}")
        if close is None:
            return at + 2
        end = close + 2
        expr = self.text[at + 2 : close].strip("-").strip()
        if expr in _SITE_VARS:
            return self._site_prefix(end)
        filtered = _FILTERED.match(expr)
        if filtered:
            self._site_link(at, filtered.group(2))
            return end
        head = re.split(r"[\s|]", expr, maxsplit=1)[0][:40]
        self._met(at, f"{{{{ {head} }}}}", "Liquid that has no Markdown equivalent; kept as written")
        self.out.append(self.text[at:end])
        return end

    def _site_prefix(self, end: int) -> int:
        """`{{ site.url }}{{ site.baseurl }}` before a path: the path, as the site's pages had it."""
        text = self.text
        while True:
            rest = text[end : end + 40]
            for var in _SITE_VARS:
                tag = re.match(r"\{\{-?\s*" + re.escape(var) + r"\s*-?\}\}", rest)
                if tag:
                    end += tag.end()
                    break
            else:
                break
        path = _SITE_PATH.match(text, end)
        if path is not None:
            self._site_link(end, path.group(0))
            return path.end()
        if text.startswith(("{%", "{{"), end):
            return end  # `{% post_url %}` and the like make the link themselves
        self.out.append(self.targets.address() or "/")
        return end

    def _site_link(self, at: int, path: str) -> None:
        target, problem = self.targets.site_path(path)
        if problem:
            self._met(at, "site link", problem)
        self.out.append(target)

    def _shortcode(self, at: int, kind: str) -> int:
        closing = ">}}" if kind == "<" else "%}}"
        close = self._closed(at, "{{" + kind, closing)
        if close is None:
            return at + 3
        end = close + 3
        inner = self.text[at + 3 : close].strip()
        if inner.startswith("/*") and inner.endswith("*/"):  # Hugo's escape: the shortcode shown, not run
            self.out.append(f"{{{{{kind} {inner[2:-2].strip()} {closing}")
            return end
        name_match = _NAME.match(inner)
        name = name_match.group(0) if name_match else ""
        args = _arguments(inner[len(name) :])
        shown = f"{{{{{kind} {name[:40]} {closing}"
        if name.startswith("/"):
            self.out.append(self.text[at:end])  # the end of a paired shortcode, reported at its start
            return end
        if args is None:
            self._met(at, shown, "its parameters could not be read; kept as written")
        elif name == "highlight":
            language = args[0][0] if args[0] else ""
            return self._block(at, end, f"/highlight{kind}", lambda content: self._fence(at, language, content))
        elif name == "figure":
            self.out.append(_figure(*args))
            return end
        elif name in _VIDEOS:
            video = _video(name, *args)
            if video:
                self.out.append(video)
                return end
            self._met(at, shown, "the video's id could not be read; kept as written")
        elif name in ("ref", "relref"):
            ref = (args[1].get("path") or (args[0][0] if args[0] else "")).strip()
            path, hash_, anchor = ref.partition("#")
            target = self.targets.entry(f"ref:{path.strip('/')}") if path else ""
            if target is not None:
                self.out.append(target + hash_ + anchor)
                return end
            self._met(at, shown, f"links to {ref[:80]}, which is not among the pages imported; kept as written")
        else:
            self._met(at, shown, "a shortcode with no Markdown equivalent; kept as written")
        self.out.append(self.text[at:end])
        return end

    def _iframe(self, at: int) -> int:
        close = self._next("</iframe>", at)
        if 0 <= close - at <= MAX_TAG:
            end = close
        else:  # no closing tag near: the opening tag alone
            tag_end = self.text.find(">", at, at + MAX_TAG)
            end = tag_end + 1 if tag_end >= 0 else at + len("<iframe")
        frame = self.text[at:end]
        src = _IFRAME_SRC.search(frame)
        where = f" of {src.group(1)[:120]}" if src else ""
        self._met(at, "<iframe>", f"an embedded frame{where}, shown as code: pages of the desk embed no other site; link to it instead")
        if "\n" in frame or "`" in frame:
            self.out.append(self._fence(at, "html", frame) + self._break_after(end))
        else:
            self.out.append(f"`{frame}`")
        return end

    # -- helpers ----------------------------------------------------------------------------

    def _block(self, at: int, after_open: int, end_name: str, make: _Make) -> int:
        """A paired tag (`raw`, `highlight`): its content made into `make(content)`, or, unclosed, kept."""
        found = self._search(end_name, after_open)
        if found is None:
            self._met(at, self.text[at:after_open][:60], "opened but never closed; kept as written")
            self.out.append(self.text[at:after_open])
            return after_open
        made = make(self.text[after_open : found.start()])
        self.out.append(made + (self._break_after(found.end()) if made.endswith("`") else ""))
        return found.end()

    def _break_after(self, end: int) -> str:
        """A line break after a closing fence that text would otherwise follow on the same line."""
        return "" if end >= len(self.text) or self.text[end] in "\r\n" else "\n"

    def _fence(self, at: int, language: str, content: str) -> str:
        """Fenced code holding every line of `content`, on lines of its own, indented as its tag was."""
        line_start = self.text.rfind("\n", 0, at) + 1
        indent = self.text[line_start:at]
        before = "\n" if indent.strip() else ""
        indent = "" if before else indent
        content = content.removeprefix("\r\n").removeprefix("\n")
        content = content[: len(content.rstrip(" \t"))].removesuffix("\n").removesuffix("\r")
        runs = [len(m.group(1)) for m in _FENCE_RUN.finditer(content)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        language = language if _LANGUAGE.match(language) else ""
        return f"{before}{fence}{language}\n{content}\n{indent}{fence}"

    def _next(self, token: str, pos: int) -> int:
        """Where `token` next occurs at or after `pos`; each stretch of text is searched once."""
        known = self._closes.get(token)
        if known is not None and (known < 0 or known >= pos):
            return known
        found = self.text.find(token, pos) if token != "</iframe>" else self._iframe_end(pos)
        self._closes[token] = found
        return found

    def _iframe_end(self, pos: int) -> int:
        match = _END["</iframe>"].search(self.text, pos)
        return match.end() if match else -1

    def _search(self, end_name: str, pos: int) -> re.Match[str] | None:
        known = self._closes.get(end_name)
        if known is not None and known < 0:
            return None
        match = _END[end_name].search(self.text, pos)
        self._closes[end_name] = match.start() if match else -1
        return match

    def _met(self, at: int, construct: str, text: str) -> None:
        if len(self.met) >= MAX_MET:
            self.more += 1
            return
        since, line = self._line_at
        line += self.text.count("\n", since, at)
        self._line_at = (at, line)
        self.met.append(Met(line, construct, text))


class _Make(Protocol):
    def __call__(self, content: str) -> str: ...


def _arguments(source: str) -> tuple[list[str], dict[str, str]] | None:
    """A shortcode's positional and named parameters (`src="a b.png" caption=…`), or None if unreadable."""
    try:
        words = shlex.split(source, posix=True)
    except ValueError:
        return None
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if eq and key.isidentifier():
            named[key.lower()] = value
        else:
            positional.append(word)
    return positional, named


def _figure(positional: list[str], named: dict[str, str]) -> str:
    """`{{< figure >}}` as an image followed by its caption in italics, which the theme shows as a caption."""
    src = (named.get("src") or (positional[0] if positional else "")).replace(" ", "%20")
    alt = named.get("alt", "").replace("[", "\\[").replace("]", "\\]")
    title = named.get("title", "").replace('"', "'")
    image = f'![{alt}]({src} "{title}")' if title else f"![{alt}]({src})"
    if named.get("link"):
        image = f"[{image}]({named['link'].replace(' ', '%20')})"
    caption = " ".join((named.get("caption") or title).split())
    return f"{image}\n*{caption}*" if caption else image


def _video(name: str, positional: list[str], named: dict[str, str]) -> str | None:
    """A video as a link to its page, titled when the shortcode gives a title; None without a usable id."""
    video_id = named.get("id") or (positional[0] if positional else "")
    if not _VIDEO_ID.match(video_id):
        return None
    address = _VIDEOS[name].format(video_id)
    title = " ".join(named.get("title", "").split()).replace("[", "\\[").replace("]", "\\]")
    return f"[{title}]({address})" if title else f"<{address}>"
