"""Types shared by the command-line tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

Run = Callable[..., subprocess.CompletedProcess[str]]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single `fieldnotes: …` line a user error prints, after checking it is exactly that."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fieldnotes: ")
    return lines[0]
