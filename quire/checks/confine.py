"""Confinement: the one rule for every path the build reads from or writes to.

The rule, applied everywhere a path comes from the user (chapters, images,
raw-HTML sources, stylesheets and their ``url()``, templates and their
includes, the cover, the style, entries, the build and cache folders, import
targets, ``diff`` arguments):

- a path the book *reads* must, after every symbolic link is followed, name an
  existing regular file inside the project folder (:func:`resolve_file`);
- a URL of any scheme (``http:``, ``https:``, ``file:``, ``//host/…``) where a
  writer would fetch a file is refused: quire never fetches anything while it
  checks or builds (:func:`url_scheme`); a ``data:`` URL holds its bytes
  inline and names no file;
- a name quire turns into a file name (a citation key) is one plain path
  component (:func:`check_file_name`);
- the build folder and the folders quire cleans in it are quire's own: never a
  symbolic link, never holding a file quire did not write
  (:func:`check_own_folder`).

Every refusal is a :class:`Refused` with a reason; :func:`confine` turns it
into a :class:`~quire.errors.QuireError` at the location of the text that
named the path. Loops of links, names too long for the file system and NUL
characters are refusals too, never tracebacks.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from ..errors import QuireError, SourceLocation

#: The longest name quire gives a file it writes (most file systems allow 255 bytes).
MAX_NAME_BYTES = 200
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
FETCH_REFUSED = ("is a URL: quire fetches nothing while it checks or builds; download the "
                 "file into the project and name it by its path")
OUTSIDE = "lies outside the project folder"


class Refused(Exception):
    """A path the confinement rule refuses, and why (``missing``: it names no file)."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def url_scheme(value: str) -> str | None:
    """The scheme of a URL (``https``, ``file``; ``//`` for a host without one), else None."""
    text = value.strip()
    if text.startswith("//"):
        return "//"
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


def real_path(path: Path) -> tuple[Path, bool]:
    """``path`` with every link followed, and whether it exists; :class:`Refused` for loops."""
    text = str(path)
    if "\0" in text:
        raise Refused("holds a NUL character, which no file name can hold")
    try:
        return Path(os.path.realpath(path, strict=True)), True
    except (FileNotFoundError, NotADirectoryError):
        return Path(os.path.realpath(path)), False
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("is a loop of symbolic links") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise Refused("is a name too long for the file system") from None
        raise Refused(f"cannot be read ({exc.strerror})") from None
    except ValueError:  # a NUL the text test did not see (bytes paths)
        raise Refused("holds a NUL character, which no file name can hold") from None


def resolve_inside(root: Path, target: str | Path, base: Path | None = None) -> Path:
    """The real path ``target`` names (relative to ``base``, default ``root``), inside ``root``.

    Raises :class:`Refused` for a path outside the project (links followed), a
    loop of links, a NUL character or an overlong name; a path that is inside
    but names nothing is refused with ``missing`` set.
    """
    path = Path(target) if not isinstance(target, Path) else target
    candidate = path if path.is_absolute() else (base or root) / path
    real, exists = real_path(candidate)
    real_root, _ = real_path(root)
    if not real.is_relative_to(real_root):
        raise Refused(OUTSIDE)
    if not exists:
        raise Refused("not found", missing=True)
    return real


def resolve_file(root: Path, target: str | Path, base: Path | None = None) -> Path:
    """Like :func:`resolve_inside`, and the path must be a regular file (not a folder or FIFO)."""
    real = resolve_inside(root, target, base)
    if real.is_dir():
        raise Refused("is a folder, not a file")
    if not real.is_file():
        raise Refused("is not a regular file")
    return real


def resolve_reference(root: Path, value: str, base: Path | None = None) -> Path | None:
    """The project file a fetched reference (image target, ``src``…) names; None for anchors.

    URLs are refused whatever their scheme (``data:`` excepted: its bytes are
    inline); ``%xx`` escapes are decoded as a writer would, and the decoded
    and the literal path must both stay inside the project.
    """
    value = value.strip()
    if not value or value.startswith("#"):
        return None
    scheme = url_scheme(value)
    if scheme == "data":
        return None
    if scheme is not None:
        raise Refused(FETCH_REFUSED)
    target = value.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return None
    decoded = unquote(target)
    if decoded != target:
        try:
            resolve_inside(root, target, base)
        except Refused as refusal:
            if not refusal.missing:
                raise
    return resolve_file(root, decoded, base)


def confine(root: Path, target: str | Path, where: SourceLocation | None, what: str, *,
            base: Path | None = None, missing: str | None = None,
            allow_missing: bool = False) -> Path:
    """The confined file ``target`` names, or a located error ``"{what} {reason}"``.

    ``missing`` replaces the whole message when the path names no file; with
    ``allow_missing`` such a path is returned as it is (for the caller to
    report). A URL is refused (quire fetches nothing).
    """
    try:
        if isinstance(target, str) and url_scheme(target) is not None:
            raise Refused(FETCH_REFUSED)
        return resolve_file(root, target, base)
    except Refused as refusal:
        if refusal.missing and allow_missing:
            return (base or root) / target
        if refusal.missing and missing is not None:
            raise QuireError(missing, where) from None
        raise QuireError(f"{what} {refusal.reason}", where) from None


def check_file_name(name: str, what: str, where: SourceLocation | None = None) -> str:
    """``name`` if it can be one file name quire writes, else a located error."""
    problem = None
    if not name or name in (".", ".."):
        problem = "is empty or a folder name"
    elif "/" in name or "\\" in name:
        problem = "holds a path separator ('/' or '\\')"
    elif "\0" in name or any(ord(c) < 32 for c in name):
        problem = "holds a control character"
    elif name.startswith("."):
        problem = "starts with '.' (a hidden file)"
    elif len(name.encode("utf-8")) > MAX_NAME_BYTES:
        problem = f"is longer than {MAX_NAME_BYTES} bytes"
    if problem:
        raise QuireError(f"{what} {name!r} cannot be a file name: it {problem}", where)
    return name


def check_write_target(root: Path, target: Path, what: str) -> Path:
    """Where a file quire writes inside the project really goes: inside, or a located error.

    A target that is a link to a file inside the project is written through
    (its real path is returned); one whose folder or link leads out is refused.
    """
    try:
        real, _ = real_path(target)
        real_root, _ = real_path(root)
    except Refused as refusal:
        raise QuireError(f"{what} {refusal.reason}", SourceLocation(target)) from None
    if not real.is_relative_to(real_root):
        raise QuireError(f"{what} {OUTSIDE} (a link leads out); quire will not write there",
                         SourceLocation(target))
    return real


def check_own_folder(root: Path, folder: Path, own_names: re.Pattern[str] | None) -> None:
    """Refuse to clean ``folder`` unless it is quire's own: no link, only files quire wrote.

    Every folder from the project down to ``folder`` must be a real folder
    (not a link to a synced folder elsewhere); with ``own_names``, every file
    in it must match that pattern of the names quire writes there.
    """
    step = root
    for part in folder.relative_to(root).parts:
        step = step / part
        if step.is_symlink():
            raise QuireError("a symbolic link stands where quire keeps its build files: quire "
                             "will not write or clean where a link leads; remove the link "
                             "(quire makes the folder)", SourceLocation(step))
    if own_names is None or not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if not own_names.match(path.name) or path.is_symlink() or not path.is_file():
            raise QuireError("quire did not write this, and it cleans the folder it is in: move "
                             "it out of the build folder (quire deletes nothing of yours)",
                             SourceLocation(path))


def own_files(folder: Path, own_names: re.Pattern[str]) -> Iterable[Path]:
    """The regular files of ``folder`` whose names quire writes (never following a link)."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    return [p for p in sorted(folder.iterdir())
            if own_names.match(p.name) and not p.is_symlink() and p.is_file()]


def links_leading_out(root: Path, start: Path | None = None,
                      skip: tuple[str, ...] = ("build",)) -> list[Path]:
    """Every symbolic link under ``start`` (default: the whole project; hidden folders and
    ``skip`` aside) that leads out of the project, ``start`` itself included.

    Raw Typst may read any file under the Typst root (the project), and the
    compiler follows links (fonts too), so a link out of the project would let
    it read what the link names. A loop of links counts as leading out.
    """
    start = start or root
    found = []
    candidates = [start] if start != root else []
    for folder, dirs, files in os.walk(start) if not start.is_symlink() else ():
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and not (here == root and d in skip)]
        candidates += [here / name for name in [*dirs, *files]]
    for path in candidates:
        if path.is_symlink():
            try:
                resolve_inside(root, path)
            except Refused as refusal:
                if not refusal.missing:
                    found.append(path)
    return sorted(found)


def project_root(folder: Path) -> Path:
    """The real path of a project folder (``--project``), or a located error for a loop."""
    try:
        real, _ = real_path(Path(os.path.abspath(folder)))
    except Refused as refusal:
        raise QuireError(f"the project folder {refusal.reason}", SourceLocation(folder)) \
            from None
    return real
