#!/usr/bin/env python3
"""``make mutate``: mutation testing of quire's core modules, each against its own fast tests.

The tool is mutmut (3.x): it copies the sources into ``mutants/``, puts every
mutant of a function behind a switch, runs the tests once to learn which tests
call which function, then runs, for each mutant, only the tests that reach it.
This script drives one mutmut session per module of ``tools/mutation.toml``,
each in its own folder ``build/mutation/<module>/`` with a generated mutmut
configuration (only that module mutated, only its test files run), and prints:

- per module: killed, surviving, equivalent (listed in the configuration, with
  the reason), and the *score*: killed / (all mutants - equivalent ones);
  a mutant that no test reaches ("no tests") counts as surviving, a time-out
  as killed;
- every surviving mutant with its diff.

Usage: ``tools/mutate.py [MODULE ...] [--fail-under PERCENT]``; run it with
``nice`` on a shared machine (the Makefile does). Every run starts afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tools" / "mutation.toml"
WORK = ROOT / "build" / "mutation"
#: What the tests read besides quire/ and tests/ (the sample book is the repository itself).
PROJECT_PARTS = ("build.py", "book.yaml", "manuscript", "bibliography", "templates", "README.md",
                 "Makefile")
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
EXIT_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
               34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
               255: "timeout", 37: "caught by type check", -11: "segfault", -9: "segfault"}


@dataclass
class ModuleResult:
    """One module's mutants, by status, and the surviving ones with their diffs."""

    name: str
    statuses: dict[str, str] = field(default_factory=dict)      # mutant -> status
    survivors: dict[str, str] = field(default_factory=dict)     # mutant -> diff
    equivalent: list[str] = field(default_factory=list)
    stale_equivalent: list[str] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def killed(self) -> int:
        return sum(s in KILLED for s in self.statuses.values())

    @property
    def score(self) -> float | None:
        counted = len(self.statuses) - len(self.equivalent)
        return 100.0 * self.killed / counted if counted else None


def work_folder(name: str) -> Path:
    return WORK / name.replace("/", "-")


def prepare(name: str, module: dict) -> Path:
    """A fresh folder with links to the project and a mutmut configuration for one module."""
    folder = work_folder(name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for part in ("quire", "tests", *PROJECT_PARTS):
        (folder / part).symlink_to(ROOT / part)
    selection = [t for t in module["tests"]]
    if module.get("select"):
        selection += ["-m", module["select"]]
    settings = {
        "source_paths": ["quire"],
        "only_mutate": [module["source"]],
        "also_copy": list(PROJECT_PARTS),
        "pytest_add_cli_args_test_selection": selection,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-W", "ignore"],
        "use_git_change_detection": False,
        **module.get("mutmut", {}),
    }
    lines = ["[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return folder


def run_mutmut(folder: Path, log: Path) -> int:
    """One mutmut session in ``folder``, its output in ``log``; mutmut's exit status."""
    with open(log, "w") as out:
        return subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children",
                        str(min(2, os.cpu_count() or 1))], cwd=folder, stdout=out,
                       stderr=subprocess.STDOUT, check=False).returncode


#: Prints, as JSON, the diff of each mutant named on the command line (one process for all).
_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
print(json.dumps({name: get_diff_for_mutant(name, path=sys.argv[1]) for name in sys.argv[2:]}))
"""


def mutant_diffs(folder: Path, source: str, mutants: list[str]) -> dict[str, str]:
    """The diff of each mutant against the original module."""
    if not mutants:
        return {}
    shown = subprocess.run([sys.executable, "-c", _DIFFS, source, *mutants], cwd=folder,
                           text=True, capture_output=True, check=True)
    return json.loads(shown.stdout)


def run_module(name: str, module: dict, equivalents: dict[str, dict], *,
               rerun: bool = True) -> ModuleResult:
    """Mutate one module against its tests; its result with the survivors' diffs."""
    result = ModuleResult(name)
    missing = [t for t in module["tests"] if not (ROOT / t).exists()]
    if missing:
        result.note = f"not run: no test file {', '.join(missing)}"
        return result
    start = time.monotonic()
    folder = prepare(name, module) if rerun else work_folder(name)
    log = folder / "mutmut.log"
    if rerun and run_mutmut(folder, log) != 0:
        last = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        result.note = f"mutmut stopped ({last[0][:80]}); see {log.relative_to(ROOT)}"
    result.seconds = time.monotonic() - start
    meta = folder / "mutants" / (module["source"] + ".meta")
    if not meta.exists():
        result.note = f"mutmut did not finish: see {log.relative_to(ROOT)}"
        return result
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    result.statuses = {m: EXIT_STATUS.get(c, "not checked" if c is None else "suspicious")
                       for m, c in sorted(codes.items())}
    alive = [m for m, status in result.statuses.items() if status not in KILLED]
    diffs = mutant_diffs(folder, module["source"], alive)
    for mutant in alive:
        status, diff = result.statuses[mutant], diffs[mutant]
        listed = equivalents.get(mutant)
        added = [line[1:].strip() for line in diff.splitlines()
                 if line.startswith("+") and not line.startswith("+++")]
        if listed and listed["line"].strip() in added:
            result.equivalent.append(mutant)
            continue
        if listed:
            result.stale_equivalent.append(mutant)
        result.survivors[mutant] = f"({status})\n{diff.strip()}"
    return result


def report(results: list[ModuleResult]) -> None:
    for result in results:
        if result.survivors or result.stale_equivalent:
            print(f"\n=== {result.name}: surviving mutants")
            for mutant, diff in result.survivors.items():
                stale = " [listed as equivalent, but its line changed]" \
                    if mutant in result.stale_equivalent else ""
                print(f"--- {mutant} {stale}\n{diff}\n")
    print(f"\n{'module':<22} {'mutants':>7} {'killed':>6} {'equiv.':>6} {'survived':>8} "
          f"{'score':>6} {'time':>6}")
    for r in results:
        if r.note and not r.statuses:
            print(f"{r.name:<22} {r.note}")
            continue
        score = f"{r.score:.1f}%" if r.score is not None else "-"
        print(f"{r.name:<22} {len(r.statuses):>7} {r.killed:>6} {len(r.equivalent):>6} "
              f"{len(r.survivors):>8} {score:>6} {r.seconds:>5.0f}s  {r.note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="modules of tools/mutation.toml (default: all)")
    parser.add_argument("--report-only", action="store_true",
                        help="report the last run of each module again, without running mutmut")
    parser.add_argument("--fail-under", type=float, default=0.0,
                        help="exit 1 if a module scores below this percentage")
    args = parser.parse_args()
    config = tomllib.loads(CONFIG.read_text())
    modules = config["modules"]
    unknown = [m for m in args.modules if m not in modules]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(modules)}")
    equivalents = {e["mutant"]: e for e in config.get("equivalent", [])}
    started = time.monotonic()
    results = []
    for name in args.modules or list(modules):
        print(f"mutating {name} ...", flush=True)
        results.append(run_module(name, modules[name], equivalents, rerun=not args.report_only))
    report(results)
    print(f"\nmutation testing took {time.monotonic() - started:.0f} s")
    low = [r.name for r in results if r.score is not None and r.score < args.fail_under]
    if low:
        print(f"below {args.fail_under:g}%: {', '.join(low)}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
