"""Writing the build's files: the one stage that touches the output folder.

Each artifact is written to a temporary file beside its target, flushed to
disk, then renamed over the target: a reader never sees half a file, and a
build that fails or is killed leaves the previous good file in place. A lock
keeps two builds of one project from writing at once.

The build folder is quire's own (:func:`~quire.checks.confine.check_own_folder`):
before it cleans anything there, quire makes sure the folder is no link to a
folder elsewhere and that the folders it prunes hold only files it wrote, and
it only ever deletes names it makes (:data:`STAGED`, :data:`TEXT_NAMES`).
An interruption while files are renamed says which were replaced
(:class:`WriteInterrupted`); a clean-up that fails after a successful write is
a warning, never a failed build.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..checks.confine import check_own_folder, own_files
from ..errors import QuireError, Reporter, SourceLocation, display_path
from .faults import fault_point
from ..model import Artifact

LOCK_NAME = ".quire.lock"
#: The temporary files :func:`stage_file` makes: ``.<target name>.<8 random>.tmp``.
STAGED = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
#: What quire writes into an editors' text folder (``build/chapters/``).
TEXT_NAMES = re.compile(r"^(?:[^.].*\.(?:md|txt)|\..+\.[a-z0-9_]{8}\.tmp)$")


class WriteInterrupted(KeyboardInterrupt):
    """An interruption (Ctrl-C) in the write stage; its text says which outputs were replaced."""


@contextlib.contextmanager
def build_lock(folder: Path, owned: tuple[tuple[str, re.Pattern[str]], ...] = ()
               ) -> Iterator[None]:
    """Hold the project's build lock, or fail at once if another build holds it.

    ``folder`` and each ``owned`` subfolder (name, the names quire writes
    there) must be quire's own before anything in them is cleaned.
    """
    from filelock import FileLock, Timeout

    root = folder.parent
    check_own_folder(root, folder, None)
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
        for name, pattern in owned:
            check_own_folder(root, folder / name, pattern)
        remove_stale_temporaries([folder, *(folder / name for name, _ in owned)])
        fault_point("pause-after-lock")
        yield
    finally:
        lock.release()


def remove_stale_temporaries(folders: list[Path]) -> None:
    """Delete temporary files a killed build left in ``folders`` (only under the lock)."""
    for folder in folders:
        for stale in own_files(folder, STAGED):
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
        try:
            for tmp, target in staged:
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise QuireError(f"cannot write the output: {exc.strerror}"
                                     + _replaced_note(staged), SourceLocation(target)) from None
                written.append(target)
                fault_point("kill-during-write")
                fault_point("interrupt-during-write")
        except KeyboardInterrupt:
            raise WriteInterrupted("interrupted while writing the outputs"
                                   + _replaced_note(staged)) from None
        return written
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _replaced_note(staged: list[tuple[Path, Path]]) -> str:
    """Which targets a rename already replaced (their staged file is gone), and which not."""
    replaced = [display_path(t) for tmp, t in staged if not tmp.exists()]
    kept = [display_path(t) for tmp, t in staged if tmp.exists()]
    if not replaced:
        return "; outputs left as they were"
    return ("; replaced: " + ", ".join(replaced)
            + ("; left as they were: " + ", ".join(kept) if kept else ""))


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


def prune_text_folder(folder: Path, artifacts: list[Artifact]) -> list[QuireError]:
    """Remove the files of ``folder`` that ``artifacts`` (just written) no longer hold.

    Only names quire writes there are removed; each file that cannot be is
    returned as a problem (the outputs are written: it is no reason to fail).
    """
    keep = {Path(a.filename).name for a in artifacts}
    problems = []
    for stale in own_files(folder, TEXT_NAMES):
        if stale.name not in keep and not stale.name.startswith("."):
            problems += unlink_or_report(stale)
    return problems


def unlink_or_report(path: Path) -> list[QuireError]:
    """Delete ``path``; a failure is returned as a located problem, never raised."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        return [QuireError(f"could not remove this stale file after the build "
                           f"({exc.strerror}); the outputs are written", SourceLocation(path))]
    return []


def clean_up_after_write(actions: list[Callable[[], list[QuireError]]],
                        reporter: Reporter) -> None:
    """Run the clean-ups that follow a successful write; their problems become warnings.

    The outputs are in place by then: a failed clean-up (a read-only or
    immutable file) does not change the exit status, and an interruption says
    that every output was written.
    """
    try:
        problems = [problem for action in actions for problem in action()]
    except KeyboardInterrupt:
        raise WriteInterrupted("interrupted after every output was written (all replaced)") \
            from None
    for problem in problems:
        reporter.warn(problem.message, problem.location)
