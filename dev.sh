#!/usr/bin/env bash
# Sets up everything Field Notes Desktop needs on Debian/Ubuntu, then opens the app or runs the tests.
#   ./dev.sh app      set up, then open the desktop app (extra arguments go to `fieldnotes`)
#   ./dev.sh test     set up, then run the test suite (extra arguments go to pytest)
#   ./dev.sh bundle   set up, then build the standalone app into dist/fieldnotes/
set -euo pipefail
cd "$(dirname "$0")"

VENV=${FIELDNOTES_VENV:-.venv}
PYTHON=${PYTHON:-python3}

# Libraries Qt 6 and QtWebEngine load at run time; a desktop usually has them, a server or CI not.
# Then the spell check's: Enchant and the English dictionary (the bundle copies that one).
QT_PACKAGES=(libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libdbus-1-3 libnss3 libgbm1
  libxkbcommon0 libxkbcommon-x11-0 libxkbfile1 libxcomposite1 libxdamage1 libxrandr2 libxtst6
  libxshmfence1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
  libenchant-2-2 hunspell-en-us)
# Only the tests and the screenshot script need these: a browser for exported pages, Hugo (it
# builds the Markdown export), pdftotext (it reads the PDF export), a virtual screen (xvfb-run
# needs xauth, which apt would only recommend), an OpenSSH server the SFTP publish tests start
# on 127.0.0.1 (tests/publish/sshd_server.py), git for the git publish target's tests, and
# PostgreSQL, whose throw-away cluster the shared-desk tests start (tests/pg_cluster.py).
TEST_PACKAGES=(chromium xvfb xauth hugo poppler-utils openssh-server git postgresql)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_apt_packages() {
  command -v dpkg-query >/dev/null || { say "Not a Debian/Ubuntu system: install Qt's X11/EGL libraries yourself."; return 0; }
  local wanted=("${QT_PACKAGES[@]}") missing sound
  [ "${1:-}" = test ] && wanted+=("${TEST_PACKAGES[@]}")
  # Ubuntu 24.04 renamed the sound library; take whichever this release has.
  sound=libasound2
  apt-cache show libasound2t64 >/dev/null 2>&1 && sound=libasound2t64
  wanted+=("$sound")
  missing=$(missing_packages "${wanted[@]}")
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      say "Missing system packages (install them as root): $(echo $missing)"; return 0
    fi
  fi
  say "Installing system packages: $(echo $missing)"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

ensure_venv() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Field Notes Desktop needs Python 3.11 or newer; set PYTHON=/path/to/python3.11."; exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV" || { say "python3 -m venv failed: install the python3-venv package."; exit 1; }
  fi
  # Reinstall only when the dependencies changed, so the second start is quick.
  local stamp="$VENV/.fieldnotes-installed" digest
  digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    say "Installing Field Notes Desktop and its dependencies"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    echo "$digest" > "$stamp"
  fi
}

case "${1:-}" in
  app)
    shift
    install_apt_packages app
    ensure_venv
    exec "$VENV/bin/fieldnotes" "$@"
    ;;
  test)
    shift
    install_apt_packages test
    ensure_venv
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/python" -m pytest "$@"
    # Offscreen hides the platform (its standard shortcuts are empty, nothing is ever activated):
    # in CI, or when asked, the window tests run once more on a real X display.
    if [ -n "${CI:-}" ] || [ "${FIELDNOTES_XCB_TEST:-}" = 1 ]; then
      say "The window tests again on an X display (Xvfb, xcb)"
      QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        "$VENV/bin/python" -m pytest "$@" tests/ui tests/ui_preview
    fi
    ;;
  bundle)
    shift
    install_apt_packages app
    ensure_venv
    "$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
      --distpath dist --workpath build "$@" resources/fieldnotes.spec
    say "Built dist/fieldnotes/ ($(du -sh dist/fieldnotes | cut -f1)); run dist/fieldnotes/fieldnotes"
    ;;
  *)
    echo "usage: ./dev.sh app [fieldnotes arguments] | ./dev.sh test [pytest arguments] | ./dev.sh bundle" >&2
    exit 2
    ;;
esac
