"""Running pandoc: the binary shipped by the pypandoc-binary wheel.

pypandoc locates the binary; quire runs it itself with ``subprocess`` so that
every call gets a pinned environment (``SOURCE_DATE_EPOCH``, a UTF-8 locale),
its input on stdin and its output as bytes, and so that calls for different
formats can run in parallel threads. Every call runs within book.yaml's
``limits`` (:mod:`quire.project.limits`): past ``time`` seconds pandoc is killed, past
``memory`` MiB its runtime stops it; both are errors, never a hang.
"""

from __future__ import annotations

import functools
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import QuireError, SourceLocation
from ..build.faults import fault_point
from ..project.limits import Limits

#: The exit status of a GHC program whose heap passed its ``-M`` limit.
HEAP_EXHAUSTED = 251


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


def run_pandoc(args: list[str], stdin: bytes, *, cwd: Path, epoch: int, what: str,
               limits: Limits = Limits(), where: SourceLocation | None = None) -> PandocResult:
    """Run pandoc with ``args`` on ``stdin`` within ``limits`` (its heap capped by the GHC
    runtime's ``-M``, its time by a timeout); a failure is an error located at ``where``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "SOURCE_DATE_EPOCH": str(epoch),
    }
    # -H4m: pandoc's own suggested heap (-H64m) costs each process 64 MiB of page faults
    # up front; quire runs one per part, and the writers measure no slower without it.
    heap = ["+RTS", f"-M{limits.memory}m", "-H4m", "-RTS"]
    proc = subprocess.Popen([pandoc_binary(), *heap, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
    fault_point("kill-during-pandoc")
    try:
        stdout, stderr = proc.communicate(stdin, timeout=limits.time)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise QuireError(f"pandoc took longer than {limits.time:g} s making the {what} and was "
                         f"stopped (limits.time in book.yaml)", where) from None
    messages = stderr.decode("utf-8", "replace").strip()
    if proc.returncode == HEAP_EXHAUSTED or "Heap exhausted" in messages:
        raise QuireError(f"pandoc ran out of memory making the {what} (over {limits.memory} "
                         f"MiB) and was stopped (limits.memory in book.yaml)", where)
    if proc.returncode != 0:
        raise QuireError(f"pandoc could not make the {what}: {messages or proc.returncode}",
                         where)
    warnings = tuple(line.removeprefix("[WARNING] ").strip()
                     for line in messages.splitlines() if line.startswith("[WARNING]"))
    return PandocResult(stdout, warnings)
