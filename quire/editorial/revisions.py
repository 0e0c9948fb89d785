"""The editors' texts of a draft: a build folder, a git revision of the project, or the work tree.

``diff OLD NEW`` takes each side as:

- a folder holding ``chapters/*.txt`` (a ``build/`` folder, or its ``chapters/``);
- ``WORKTREE`` (or ``.``): the project as it is on disk;
- anything else: a git revision of the repository holding the project. Its files are
  exported (``git archive``) into a temporary folder and built there to the
  editors' texts only (gather, assemble, plain text: no EPUB, PDF or DOCX).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..build.cache import ContentCache
from ..checks.confine import project_root
from ..errors import QuireError, Reporter, SourceLocation
from ..project.textfiles import read_text
from .texts import TEXT_DIR, editor_texts

WORKTREE = ("WORKTREE", ".")


def draft_texts(spec: str, project: Path) -> dict[str, str]:
    """Part name -> plain text, for one side of a diff."""
    if not spec.strip() or "\0" in spec:
        raise QuireError(f"{spec!r} names no draft: give a git revision, a build folder or "
                         "WORKTREE")
    if spec in WORKTREE:
        return project_texts(project_root(project))
    folder = text_folder(Path(spec))
    if folder is not None:
        return {p.stem: read_text(p, allow_empty=True) for p in sorted(folder.glob("*.txt"))
                if p.is_file() and not p.is_symlink()}
    return revision_texts(spec, project_root(project))


def text_folder(path: Path) -> Path | None:
    """The editors' text folder ``path`` names (a build folder or its ``chapters/``), or None.

    Only a folder quire wrote counts: its ``.txt`` files each have the ``.md``
    beside them, so an ordinary folder of text files is never read as a draft.
    """
    for folder in (path / TEXT_DIR, path):
        try:
            texts = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        except OSError:
            continue
        if texts and all(t.with_suffix(".md").is_file() for t in texts):
            return folder
    return None


def project_texts(root: Path) -> dict[str, str]:
    """Build the editors' texts of the project at ``root`` (stale quotations allowed)."""
    from ..build.pipeline import assemble, gather

    from ..render.parse import parse_book

    sources = gather(root, Reporter(), allow_stale_quotes=True)
    book = assemble(sources)
    epoch, cache = sources.config.source_date_epoch, ContentCache(None)
    artifacts = editor_texts(book, parse_book(book, epoch, cache, Reporter()), epoch, cache)
    return {Path(a.filename).stem: a.data.decode("utf-8") for a in artifacts
            if a.filename.endswith(".txt")}


def revision_texts(revision: str, project: Path) -> dict[str, str]:
    """The editors' texts of the project as it was at a git revision."""
    top = _git(project, "rev-parse", "--show-toplevel").decode().strip()
    inside = project.relative_to(Path(top).resolve())
    commit = _git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}",
                  what=f"'{revision}' is neither a build folder nor a git revision of "
                       f"{top}").decode().strip()
    archive = _git(Path(top), "archive", "--format=tar", commit, "--", str(inside) or ".")
    with tempfile.TemporaryDirectory(prefix="quire-draft-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter=_inside_only)
        root = Path(tmp) / inside
        if not (root / "book.yaml").is_file():
            raise QuireError(f"revision {revision} has no book project at '{inside}'",
                             SourceLocation(project))
        return project_texts(root)


def _inside_only(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """Tar's ``data`` filter, except that a member it refuses (an absolute link, a link
    leading out of the draft) is left out rather than failing the diff: the draft's
    build then refuses whatever named it, as it would in the project itself."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def _git(cwd: Path, *args: str, what: str | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise QuireError("git is not installed: compare two build folders instead") from None
    if proc.returncode != 0:
        message = what or proc.stderr.decode("utf-8", "replace").strip()
        raise QuireError(message or f"git {' '.join(args)} failed", SourceLocation(cwd))
    return proc.stdout
