"""Running pandoc: the binary shipped by the pypandoc-binary wheel.

pypandoc locates the binary; quire runs it itself with ``subprocess`` so that
every call gets a pinned environment (``SOURCE_DATE_EPOCH``, a UTF-8 locale),
its input on stdin and its output as bytes, and so that calls for different
formats can run in parallel threads.
"""

from __future__ import annotations

import functools
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuireError
from ..faults import fault_point


@dataclass(frozen=True)
class PandocResult:
    """What one pandoc run produced: its output and the warnings it printed."""

    output: bytes
    warnings: tuple[str, ...]


@functools.cache
def pandoc_binary() -> str:
    """The pandoc executable from the pypandoc-binary wheel (or pypandoc's search)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.cache
def pandoc_version() -> str:
    """The pandoc version, part of every cache key (outputs differ between versions)."""
    import pypandoc

    return pypandoc.get_pandoc_version()


def run_pandoc(args: list[str], stdin: bytes, *, cwd: Path, epoch: int,
               what: str) -> PandocResult:
    """Run pandoc with ``args`` on ``stdin``; a failure is a user-facing error."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "SOURCE_DATE_EPOCH": str(epoch),
    }
    proc = subprocess.Popen([pandoc_binary(), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
    fault_point("kill-during-pandoc")
    stdout, stderr = proc.communicate(stdin)
    messages = stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise QuireError(f"pandoc could not make the {what}: {messages or proc.returncode}")
    warnings = tuple(line.removeprefix("[WARNING] ").strip()
                     for line in messages.splitlines() if line.startswith("[WARNING]"))
    return PandocResult(stdout, warnings)
