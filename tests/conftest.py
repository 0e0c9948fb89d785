"""Shared fixtures: example book projects, CLI runs, and one build of the sample book."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: a short run in `make test`, a long campaign with `make fuzz`.
settings.register_profile("default", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("campaign", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("QUIRE_HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent
BOOKS = Path(__file__).resolve().parent / "books"
SAMPLE_PARTS = ("book.yaml", "manuscript", "bibliography", "templates")


@dataclass
class CliResult:
    """What one run of build.py did."""

    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None) -> CliResult:
    """Run ``build.py`` as a user would, in a fresh interpreter."""
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or REPO, check=False)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def copy_sample_book(dest: Path) -> Path:
    """A copy of the author's book (the repository's own project) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    return dest


@pytest.fixture
def book_project(tmp_path: Path):
    """Copy an example book from tests/books/ into a temporary folder."""

    def make(name: str = "minimal") -> Path:
        dest = tmp_path / name
        shutil.copytree(BOOKS / name, dest)
        return dest

    return make


def record_pandoc_runs(monkeypatch: pytest.MonkeyPatch, module: object) -> list[bytes]:
    """The input of every pandoc run ``module`` makes from now on (the runs still happen)."""
    inputs: list[bytes] = []
    real = module.run_pandoc  # type: ignore[attr-defined]

    def recording(args, stdin, **kwargs):
        inputs.append(stdin)
        return real(args, stdin, **kwargs)

    monkeypatch.setattr(module, "run_pandoc", recording)
    return inputs


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample book built once through the CLI: format -> output path."""
    project = copy_sample_book(tmp_path_factory.mktemp("sample"))
    result = run_cli("--project", project, "build", "--format", "all", "--strict")
    assert result.code == 0, result.err
    outputs = {Path(line).suffix[1:]: REPO / line for line in result.out.split()}
    assert set(outputs) == {"epub", "pdf", "docx"}
    return outputs


# --- make mutate: tests that run build.py or build a whole book are marked end_to_end, so
# that a module's mutation run can leave them out (`select` in tools/mutation.toml) ---
END_TO_END_FIXTURES = {"sample_build", "book_project", "passages_book"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "end_to_end: runs build.py or builds a whole book")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        function = getattr(item, "function", None)
        runs_cli = function is not None and "run_cli" in function.__code__.co_names
        if runs_cli or END_TO_END_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.end_to_end)
