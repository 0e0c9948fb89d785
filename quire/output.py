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
from .faults import fault_point
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
        fault_point("pause-after-lock")
        yield
    finally:
        lock.release()


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed build left behind (only under the lock)."""
    for stale in folder.glob("**/.*.tmp"):
        stale.unlink(missing_ok=True)


def write_artifacts(artifacts: list[Artifact], folder: Path) -> list[Path]:
    """Write every artifact into ``folder`` in two phases; return the paths written.

    First every file is written in full to a temporary file beside its target
    and flushed to disk; only when all are there does each replace its target,
    one rename each. A failure in the first phase (a full disk) replaces nothing.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for artifact in artifacts:
            target = folder / artifact.filename
            staged.append((stage_file(target, artifact.data), target))
        written = []
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise QuireError(f"cannot write the output: {exc.strerror}",
                                 SourceLocation(target)) from None
            written.append(target)
            fault_point("kill-during-write")
        return written
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def write_atomically(target: Path, data: bytes) -> Path:
    """Replace ``target`` with ``data`` in one rename; on any failure leave it as it was."""
    return write_artifacts([Artifact("", target.name, data)], target.parent)[0]


def stage_file(target: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``target``, flushed to disk; its path."""
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
            fault_point("enospc-during-write")
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise QuireError(f"cannot write the output: {exc.strerror}",
                         SourceLocation(target)) from None
    return tmp


def prune_text_folder(folder: Path, artifacts: list[Artifact]) -> None:
    """Remove the files of ``folder`` that ``artifacts`` (just written) no longer hold."""
    keep = {Path(a.filename).name for a in artifacts}
    for stale in folder.iterdir() if folder.is_dir() else []:
        if stale.is_file() and stale.name not in keep and not stale.name.startswith("."):
            stale.unlink()
