"""The Typst compiler kept between compilations in watch (quire/render/typst_worker.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quire.errors import QuireError, SourceLocation
from quire.project.limits import Limits
from quire.render import typst_worker
from quire.render.typst import TypstSetting, compile_typst


def pdf_of(root: Path, source: str, limits: Limits = Limits()) -> bytes:
    setting = TypstSetting(SourceLocation(root / "book.yaml", 5), root / "book.typ", True)
    return compile_typst(source.encode(), root, setting, {}, limits)


def test_the_kept_compiler_makes_the_same_pdf_and_stays(tmp_path):
    source = ("#set document(date: datetime(year: 2025, month: 1, day: 1))\n"  # (else: now)
              "#set page(width: 8cm, height: 6cm)\n= Title\n\nSome text with *emphasis*.\n")
    fresh = pdf_of(tmp_path, source)
    assert typst_worker.worker_for(tmp_path, "[]", 1024) is None  # only inside watch
    with typst_worker.kept_compilers():
        first = pdf_of(tmp_path, source)
        worker = typst_worker.worker_for(tmp_path, "[]", Limits().memory)
        edited = pdf_of(tmp_path, source.replace("Some", "More"))
        assert typst_worker.worker_for(tmp_path, "[]", Limits().memory) is worker
        assert worker.alive()
    assert first == fresh  # byte for byte what a fresh child makes
    assert edited != fresh and edited == pdf_of(tmp_path, source.replace("Some", "More"))
    assert not worker.alive()  # stopped on leaving watch


def test_errors_and_limits_are_the_one_shot_childs(tmp_path):
    with typst_worker.kept_compilers():
        with pytest.raises(QuireError, match=r"Typst could not make the PDF: unknown variable"
                           r": nosuchthing") as info:
            pdf_of(tmp_path, "#nosuchthing\n")
        assert info.value.location == SourceLocation(tmp_path / "book.yaml", 5)
        start = time.monotonic()
        with pytest.raises(QuireError, match=r"Typst took longer than 1 s making the PDF"):
            pdf_of(tmp_path, "#range(400000000).fold(0, (a, x) => a + x)", Limits(time=1))
        assert time.monotonic() - start < 15
        assert pdf_of(tmp_path, "After the stop.\n").startswith(b"%PDF")  # a new child
        with pytest.raises(QuireError, match=r"Typst ran out of memory making the PDF"):
            pdf_of(tmp_path, "#let a = range(200000000).map(x => (x, x))\n#a.len()",
                   Limits(time=60, memory=1024))
        assert pdf_of(tmp_path, "And again.\n").startswith(b"%PDF")


def test_a_project_is_cold_until_its_kept_compiler_runs(tmp_path):
    assert not typst_worker.cold(tmp_path)  # outside watch: nothing to start
    with typst_worker.kept_compilers():
        assert typst_worker.cold(tmp_path)
        pdf_of(tmp_path, "Warm.\n")
        assert not typst_worker.cold(tmp_path) and typst_worker.cold(tmp_path / "other")
