"""User errors and warnings, and the one place that formats them.

Vocabulary:

- :class:`SourceLocation`: a file, and where known a line and column (1-based).
- :class:`QuireError`: a mistake in the user's input. The CLI prints it as
  ``path:line:col: error: message`` and exits 1 without a traceback. Anything
  that is not a ``QuireError`` is a bug in quire and may show a traceback.
- :class:`Diagnostic`: one warning or error with its location.
- :class:`Reporter`: collects warnings during a build; with ``strict`` the
  build fails on the first summary that holds any.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class SourceLocation:
    """Where in the user's files something is: a path, and optionally line and column."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = display_path(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass(frozen=True)
class Diagnostic:
    """One message for the user, with its severity and location."""

    severity: str  # "error" or "warning"
    message: str
    location: SourceLocation | None = None

    def format(self) -> str:
        """The single formatting of every message quire prints."""
        prefix = f"{self.location}: " if self.location is not None else ""
        return f"{prefix}{self.severity}: {self.message}"


class QuireError(Exception):
    """A mistake in the user's input, with the location that caused it."""

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The messages this error stands for (one, or several for a group)."""
        return [Diagnostic("error", self.message, self.location)]

    def format(self) -> str:
        """All messages, one per line."""
        return "\n".join(d.format() for d in self.diagnostics)

    def __str__(self) -> str:
        return self.format()


class QuireErrorGroup(QuireError):
    """Several user errors found in one pass, reported together."""

    def __init__(self, errors: list[QuireError]) -> None:
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(self.errors[0].message, self.errors[0].location)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for e in self.errors for d in e.diagnostics]


def _sort_key(error: QuireError) -> tuple[str, int, int]:
    loc = error.location
    if loc is None:
        return ("", 0, 0)
    return (str(loc.path), loc.line or 0, loc.column or 0)


def raise_all(errors: list[QuireError]) -> None:
    """Raise nothing for no errors, the error itself for one, a group for several."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise QuireErrorGroup(errors)


@dataclass
class Reporter:
    """Collects warnings; ``strict`` makes :meth:`finish` fail when there are any."""

    strict: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)

    def warn(self, message: str, location: SourceLocation | None = None) -> None:
        """Record a warning (printed by the CLI with its location)."""
        self.warnings.append(Diagnostic("warning", message, location))

    # --- notes (confine): information that is neither a warning nor an error ---
    notes: list[Diagnostic] = field(default_factory=list)

    def note(self, message: str, location: SourceLocation | None = None) -> None:
        """Record a note (printed with its location; ``--strict`` ignores it)."""
        self.notes.append(Diagnostic("note", message, location))

    def finish(self) -> None:
        """In strict mode, turn the collected warnings into one error."""
        if self.strict and self.warnings:
            errors = [QuireError(f"{w.message} (warning treated as error: --strict)", w.location)
                      for w in self.warnings]
            self.warnings = []  # reported once, as the errors they became
            raise QuireErrorGroup(errors)
