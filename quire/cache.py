"""A content-addressed cache for stage results (parsed book, rendered formats).

Every cached stage is a pure function of its inputs, so its result can be
stored under a hash of those inputs. Entries are written atomically; a
damaged or missing cache only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path


def content_key(*parts: bytes | str) -> str:
    """A SHA-256 over every input of a stage, each part length-prefixed."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class ContentCache:
    """Stage results stored in files named by their content key.

    With ``read=False`` every stage runs again and its result refreshes the cache.
    """

    def __init__(self, folder: Path | None, *, read: bool = True) -> None:
        self.folder = folder
        self.read = read
        self.used: set[str] = set()

    def get(self, kind: str, key: str) -> bytes | None:
        """The stored result, or None."""
        self.used.add(f"{kind}-{key}")
        if self.folder is None or not self.read:
            return None
        try:
            return (self.folder / f"{kind}-{key}").read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store a result; failure to store is not an error."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / f"{kind}-{key}")
        except OSError:
            pass

    def prune(self) -> None:
        """Delete every stored result this build did not ask for (stale versions)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)


@functools.cache
def code_fingerprint() -> str:
    """A hash of quire's own code and default templates: part of every stage's key."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc"
                   and "__pycache__" not in p.parts)
    return content_key(*(part for p in files
                         for part in (str(p.relative_to(package)), p.read_bytes())))
