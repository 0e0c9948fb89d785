"""Writing the build's files: the one stage that touches the output folder.

Each artifact is written to a temporary file beside its target, flushed to
disk, then renamed over the target: a reader never sees half a file, and a
build that fails or is killed leaves the previous good file in place. A lock
keeps two builds of one project from writing at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import QuireError, SourceLocation
from .model import Artifact

LOCK_NAME = ".quire.lock"


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the project's build lock, or fail at once if another build holds it."""
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuireError(f"cannot create the build folder: {exc.strerror}",
                         SourceLocation(folder)) from None
    lock = FileLock(str(folder / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise QuireError("another build of this project is running (its lock is held); "
                         "wait for it to finish", SourceLocation(folder / LOCK_NAME)) from None
    except OSError as exc:
        raise QuireError(f"cannot lock the build folder: {exc.strerror}",
                         SourceLocation(folder)) from None
    try:
        remove_stale_temporaries(folder)
        yield
    finally:
        lock.release()


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed build left behind (only under the lock)."""
    for stale in folder.glob(".*.tmp"):
        stale.unlink(missing_ok=True)


def write_artifacts(artifacts: list[Artifact], folder: Path) -> list[Path]:
    """Write every artifact atomically into ``folder``; return the paths written."""
    return [write_atomically(folder / a.filename, a.data) for a in artifacts]


def write_atomically(target: Path, data: bytes) -> Path:
    """Replace ``target`` with ``data`` in one rename; on any failure leave it as it was."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".tmp")
    except OSError as exc:
        raise QuireError(f"cannot write to the build folder: {exc.strerror}",
                         SourceLocation(target.parent)) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise QuireError(f"cannot write the output: {exc.strerror}",
                         SourceLocation(target)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_text_folder(artifacts: list[Artifact], folder: Path) -> list[Path]:
    """Write the editors' texts into ``folder``; remove the ones no longer part of the book."""
    written = write_artifacts([Artifact(a.format, Path(a.filename).name, a.data)
                               for a in artifacts], folder)
    keep = {p.name for p in written}
    for stale in folder.iterdir():
        if stale.is_file() and stale.name not in keep and not stale.name.startswith("."):
            stale.unlink()
    return written
