"""Entry point of the bundled app: the same command line as the installed `fieldnotes`."""

import multiprocessing
import sys

from fieldnotes_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
