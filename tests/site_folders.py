"""Small Jekyll and Hugo sites in the shapes their documentation describes, written into a test's folder.

Jekyll: `_config.yml`, posts in `_posts/YYYY-MM-DD-title.md`, drafts in `_drafts/`, images under
`assets/` (jekyllrb.com/docs/structure, /posts, /liquid/tags). Hugo: `hugo.toml`, pages under
`content/`, a page bundle `content/posts/x/index.md` with its image beside it, site images under
`static/` (gohugo.io/getting-started/directory-structure, /content-management/page-bundles,
/content-management/shortcodes).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png(seed: int = 0) -> bytes:
    """A real 1×1 PNG; `seed` changes its colour, so each image is a different file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    pixel = zlib.compress(bytes([0, seed % 256, 80, 120]))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


JEKYLL_FIRST = """---
layout: post
title: First light
date: 2024-03-02 07:30:00 +0100
categories: [field, dawn]
tags: [camera]
author: [Ana Ruiz, Bo Lind]
description: Sunrise over the ridge, and the code that named the photos.
image: /assets/ridge.png
redirect_from:
  - /2024/03/02/old-first-light.html
  - https://elsewhere.example/first
---
Morning notes.

{% highlight ruby linenos %}
def greet(name)
  puts "hi #{name}"

end
{% endhighlight %}

{% raw %}Use {{ page.title }} in a layout.{% endraw %}

See [the second camp]({% post_url 2024-03-05-second-camp %}) and [the setup]({{ "/docs/setup/" | relative_url }}).

![Ridge at dawn]({{ site.baseurl }}/assets/ridge.png)

{% include gallery.html folder="ridge" %}
"""

JEKYLL_SECOND = """---
title: Second camp
published: false
---
The map:

<iframe src="https://maps.example/embed?camp=2" width="600"></iframe>
"""

JEKYLL_DRAFT = """---
title: Half written
---
Notes for later, after [first light]({{ site.baseurl }}{% post_url 2024-03-02-first-light %}).
"""


def jekyll_site(root: Path) -> Path:
    write(root / "_config.yml", 'title: Trail Log\nurl: "https://trail.example"\nbaseurl: "/log"\n')
    write(root / "_posts" / "2024-03-02-first-light.md", JEKYLL_FIRST)
    write(root / "_posts" / "2024-03-05-second-camp.md", JEKYLL_SECOND)
    write(root / "_drafts" / "half-written.md", JEKYLL_DRAFT)
    write(root / "assets" / "ridge.png", png(1))
    write(root / "about.md", "---\nlayout: page\ntitle: About\n---\nWho writes here.\n")
    write(root / "_layouts" / "post.html", "<article>{{ content }}</article>\n")
    write(root / "README.md", "The site's source.\n")
    return root


HUGO_SUMMIT = """+++
title = "Summit day"
date = 2024-06-01T05:45:00-06:00
draft = false
aliases = ["/old/summit/"]
images = ["summit.png"]
author = "Ana Ruiz"
tags = ["alpine"]
categories = ["climbs"]
description = "The last ridge, at first light."
+++

{{< figure src="summit.png" caption="The last ridge" alt="A snow ridge" >}}

{{< youtube w7Ft2ymGmfc >}}

Read [the approach]({{< relref "approach.md" >}}) first.

{{< highlight go "linenos=table" >}}
package main

func main() {
	println("up")
}
{{< /highlight >}}

{{< gist spf13 7896402 >}}

The route: ![Route map](/images/map.png)
"""

HUGO_APPROACH = """---
title: The approach
date: 2024-05-30
draft: true
---
Two days of walking in.
"""

HUGO_REST = """---
title: Rest day
date: 2024-06-02T16:00:00Z
---
{{< vimeo id="76979871" title="Clouds over camp" >}}
"""


def hugo_site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://hugo.example/"\ntitle = "Summits"\n')
    write(root / "content" / "_index.md", "---\ntitle: Home\n---\n")
    write(root / "content" / "posts" / "_index.md", "---\ntitle: Posts\n---\n")
    write(root / "content" / "posts" / "summit-day" / "index.md", HUGO_SUMMIT)
    write(root / "content" / "posts" / "summit-day" / "summit.png", png(2))
    write(root / "content" / "posts" / "approach.md", HUGO_APPROACH)
    write(root / "content" / "posts" / "rest-day.md", HUGO_REST)
    write(root / "static" / "images" / "map.png", png(3))
    write(root / "archetypes" / "default.md", "+++\ntitle = '{{ .Name }}'\ndraft = true\n+++\n")
    return root
