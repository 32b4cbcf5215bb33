"""Field Notes Desktop: write blog entries offline, preview the published page, export a static site."""

__version__ = "0.1.0"
