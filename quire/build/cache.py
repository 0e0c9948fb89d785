"""A content-addressed cache for stage results (parsed book, rendered formats).

Every cached stage is a pure function of its inputs, so its result can be
stored under a hash of those inputs. The cache can be wrong without harm:

- an entry is stored with a header holding its length and SHA-256
  (:data:`MAGIC`), written in full and flushed to disk (``fsync``) before the
  rename that puts it in place, then the folder is flushed too;
- every entry is verified before use; a truncated, corrupt or foreign entry is
  deleted and its stage runs again, with a note (never an empty output);
- the folder holds only names quire makes (:data:`CACHE_NAMES`); pruning
  deletes only those, and a file that cannot be deleted is reported, not raised.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from pathlib import Path

from ..errors import QuireError, Reporter, SourceLocation

MAGIC = b"quire-cache 1"
#: What quire writes into its cache folder: ``<stage>-<sha256>`` and its own temporaries.
CACHE_NAMES = re.compile(r"^(?:[a-z]+(?:-[a-z]+)*-[0-9a-f]{64}|\.tmp-[a-z0-9_]{8})$")


def content_key(*parts: bytes | str) -> str:
    """A SHA-256 over every input of a stage, each part length-prefixed."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def sealed(data: bytes) -> bytes:
    """``data`` with the header that lets a reader verify it: magic, length, SHA-256."""
    return b"%s %d %s\n" % (MAGIC, len(data), hashlib.sha256(data).hexdigest().encode()) + data


def unsealed(stored: bytes) -> bytes | None:
    """The data of a sealed entry, or None if it is truncated, corrupt or not an entry."""
    header, newline, data = stored.partition(b"\n")
    parts = header.split(b" ")
    if not newline or len(parts) != 4 or b" ".join(parts[:2]) != MAGIC:
        return None
    if parts[2] != str(len(data)).encode() or parts[3] != hashlib.sha256(data).hexdigest().encode():
        return None
    return data


class ContentCache:
    """Stage results stored in files named by their content key.

    With ``read=False`` every stage runs again and its result refreshes the
    cache. ``reporter`` receives a note for each damaged entry dropped.
    """

    def __init__(self, folder: Path | None, *, read: bool = True,
                 reporter: Reporter | None = None) -> None:
        self.folder = folder
        self.read = read
        self.reporter = reporter
        self.used: set[str] = set()

    def get(self, kind: str, key: str) -> bytes | None:
        """The stored result, verified, or None (a damaged entry is deleted)."""
        self.used.add(f"{kind}-{key}")
        if self.folder is None or not self.read:
            return None
        path = self.folder / f"{kind}-{key}"
        try:
            if path.is_symlink() or not path.is_file():
                return None
            stored = path.read_bytes()
        except OSError:
            return None
        data = unsealed(stored)
        if data is None:
            try:
                path.unlink()
            except OSError:
                pass
            if self.reporter is not None:
                self.reporter.note("damaged cache entry dropped (truncated or corrupt); its "
                                   "stage runs again", SourceLocation(path))
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store a result, flushed to disk before the rename; failure to store is not an error."""
        if self.folder is None:
            return
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed(data))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.folder / f"{kind}-{key}")
            tmp = None
            _sync_folder(self.folder)
        except OSError:
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prune(self) -> list[QuireError]:
        """Delete every stored result this build did not ask for; return what could not be."""
        from ..checks.confine import own_files
        from .output import unlink_or_report

        if self.folder is None:
            return []
        return [problem for path in own_files(self.folder, CACHE_NAMES)
                if path.name not in self.used for problem in unlink_or_report(path)]


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@functools.cache
def code_fingerprint() -> str:
    """A hash of quire's own code and default templates: part of every stage's key."""
    package = Path(__file__).parent.parent  # quire/
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc"
                   and "__pycache__" not in p.parts)
    return content_key(*(part for p in files
                         for part in (str(p.relative_to(package)), p.read_bytes())))
