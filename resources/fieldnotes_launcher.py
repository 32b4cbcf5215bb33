"""Entry point of the bundled app: the same command line as the installed `fieldnotes`.

The bundle carries the en_US Hunspell dictionary in `enchant/hunspell/`: Enchant's Hunspell
provider looks in `$ENCHANT_CONFIG_DIR/hunspell` before the system's folders, so the spell
check has English where the system has no dictionary. (Enchant itself, libenchant-2-2, comes
from the system: Debian's build loads its providers only from the folder it was built for.)
"""

import json
import multiprocessing
import os
import sys
from pathlib import Path

from fieldnotes_desktop.cli import main

# Words to check with the bundle's spell check, for the bundle's smoke test: prints the
# dictionary used and the words it takes as misspelled, and exits.
SPELL_PROBE_ENV = "FIELDNOTES_SPELL_PROBE"


def _spell_probe(words: str) -> int:
    from fieldnotes_desktop.render.spelling import Unavailable, load_speller

    speller = load_speller("en")
    if isinstance(speller, Unavailable):
        print(speller.reason, file=sys.stderr)
        return 1
    wrong = [word for word in words.split() if not speller.is_known(word)]
    print(json.dumps({"dictionary": speller.tag, "misspelled": wrong}))
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if getattr(sys, "frozen", False):
        bundled = Path(sys._MEIPASS) / "enchant"  # the bundle's own files
        if (bundled / "hunspell").is_dir():
            os.environ.setdefault("ENCHANT_CONFIG_DIR", str(bundled))
    if os.environ.get(SPELL_PROBE_ENV):
        sys.exit(_spell_probe(os.environ[SPELL_PROBE_ENV]))
    sys.exit(main())
