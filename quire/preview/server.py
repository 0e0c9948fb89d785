"""The preview's HTTP server, on the loopback interface only.

It serves four things: the page (``/``), the build status as JSON
(:data:`~quire.preview.page.STATUS_PATH`: a version number that changes with every
good build, and the errors of the last build if it failed), the book's stylesheet,
and the project's own image files the page names. A path that leaves the project
(``..``, a symbolic link elsewhere), a hidden file, the build folder or anything
that is not a regular file is a 404: the server shows the book, not the disk.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..project.templates import template_path
from .page import STATUS_PATH, STYLE_PATH

#: Files of the project the page may show (figures and media).
MEDIA = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".mp3", ".mp4", ".webm"}


@dataclass
class PreviewState:
    """The last good page and the outcome of the last build, shared with the server."""

    page: bytes = b"<!DOCTYPE html><title>quire</title><p>Building\xe2\x80\xa6</p>"
    version: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, page: bytes) -> None:
        """A good build: the new page, a new version, no errors."""
        with self.lock:
            self.page, self.version, self.errors = page, self.version + 1, []

    def fail(self, errors: list[str]) -> None:
        """A failed build: the last good page stays; the errors are shown over it."""
        with self.lock:
            self.errors = list(errors)

    def status(self) -> bytes:
        """The JSON the page polls."""
        with self.lock:
            return json.dumps({"version": self.version, "errors": self.errors}).encode()


def project_file(root: Path, url_path: str) -> Path | None:
    """The project's media file a URL path names, or None when it must not be served."""
    relative = unquote(urlsplit(url_path).path).lstrip("/")
    if not relative or "\x00" in relative:
        return None
    parts = Path(relative).parts
    if any(part.startswith(".") for part in parts) or parts[0] == "build":
        return None
    try:
        target = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return None
    return target if target.suffix.lower() in MEDIA else None


def serve(root: Path, state: PreviewState, port: int = 0) -> ThreadingHTTPServer:
    """Start serving the preview on 127.0.0.1:``port`` (0: any free port) in a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            path = urlsplit(self.path).path
            if path in ("/", "/index.html"):
                with state.lock:
                    body = state.page
                self._send(body, "text/html; charset=utf-8")
            elif path == STATUS_PATH:
                self._send(state.status(), "application/json")
            elif path == STYLE_PATH:
                self._send(template_path(root, "epub.css").read_bytes(), "text/css")
            else:
                target = project_file(root, self.path)
                if target is None:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self._send(target.read_bytes(), kind)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # the terminal shows builds, not hits
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
