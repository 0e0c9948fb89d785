"""A Typst compiler kept alive between compilations, for ``watch``.

Typst memoises its work (layout, fonts, images) inside one compiler: a second
compilation of a book with one sentence changed takes a fraction of the first.
``build`` compiles once and exits, so each PDF there is made by a fresh child
(:mod:`quire.render.typst`). While ``watch`` runs (:func:`kept_compilers`),
the child stays: one per project root, fonts and memory limit, reading one
source after another from its stdin and answering each with the PDF (or the
error) on its stdout. It runs under the same limits: the address-space limit
it sets on itself, and ``limits.time`` per compilation (past it, the child is
killed and the next compilation starts a new one).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, TimeoutError as Timeout
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: The child: a loop of (standards, source) in, (status, PDF or error JSON) out.
_CHILD = """
import json, resource, struct, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import typst
compiler = typst.Compiler(root=sys.argv[2], ignore_system_fonts=True,
                          font_paths=json.loads(sys.argv[3]))
read, out = sys.stdin.buffer.read, sys.stdout.buffer

def answer(status, data):
    out.write(struct.pack(">iQ", status, len(data)) + data)
    out.flush()

while len(header := read(16)) == 16:
    standards_length, source_length = struct.unpack(">QQ", header)
    standards, source = json.loads(read(standards_length)), read(source_length)
    try:
        answer(0, compiler.compile(input=source, format="pdf", pdf_standards=standards))
    except typst.TypstError as exc:
        answer(3, json.dumps({"message": str(exc), "hints": list(exc.hints or []),
                              "diagnostic": str(getattr(exc, "diagnostic", "") or "")}).encode())
    except MemoryError:
        answer(4, b"")
        break
"""

_lock = threading.Lock()
_workers: dict[tuple[str, str, int], "TypstWorker"] | None = None


class TypstWorker:
    """One long-lived Typst child for a project root, its fonts and a memory limit."""

    def __init__(self, root: Path, font_paths: str, memory: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, str(memory), str(root), font_paths],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=root)
        self.reader = ThreadPoolExecutor(max_workers=1)

    def compile(self, source: bytes, standards: list[str], timeout: float) -> tuple[int, bytes]:
        """(status, PDF or error JSON) as the one-shot child gives them (its exit status);
        past ``timeout`` seconds the child is killed and ``TimeoutExpired`` raised."""
        wanted = json.dumps(standards).encode("utf-8")
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(struct.pack(">QQ", len(wanted), len(source)) + wanted + source)
            self.proc.stdin.flush()
            return self.reader.submit(self._answer).result(timeout=timeout)
        except Timeout:
            self.close()
            raise subprocess.TimeoutExpired("typst", timeout) from None
        except (OSError, EOFError):  # the child died (its memory limit): its exit status
            self.close()
            return self.proc.returncode if self.proc.returncode is not None else 4, b""

    def _answer(self) -> tuple[int, bytes]:
        assert self.proc.stdout is not None
        header = self.proc.stdout.read(12)
        if len(header) < 12:
            raise EOFError
        status, length = struct.unpack(">iQ", header)
        data = self.proc.stdout.read(length)
        if len(data) < length:
            raise EOFError
        return status, data

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.shutdown(wait=False)


def worker_for(root: Path, font_paths: str, memory: int) -> TypstWorker | None:
    """The kept compiler for these settings (started now if needed), or None outside
    :func:`kept_compilers`."""
    with _lock:
        if _workers is None:
            return None
        key = (str(root), font_paths, memory)
        worker = _workers.get(key)
        if worker is None or not worker.alive():
            worker = _workers[key] = TypstWorker(root, font_paths, memory)
        return worker


def cold(root: Path) -> bool:
    """Whether a kept compiler for ``root`` should be started now: inside
    :func:`kept_compilers`, before one has compiled this project (``watch``'s first PDF
    may come from the cache, and the first edit would then compile from nothing)."""
    with _lock:
        return _workers is not None and not any(key[0] == str(root) and worker.alive()
                                                for key, worker in _workers.items())


@contextmanager
def kept_compilers() -> Iterator[None]:
    """While inside, PDFs are compiled by kept compilers; they are stopped on leaving."""
    global _workers
    with _lock:
        _workers = {}
    try:
        yield
    finally:
        with _lock:
            workers, _workers = _workers or {}, None
        for worker in workers.values():
            worker.close()
