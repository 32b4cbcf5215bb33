"""Lets `python -m fieldnotes_desktop` behave exactly like the `fieldnotes` command."""

import sys

from fieldnotes_desktop.cli import main

sys.exit(main())
