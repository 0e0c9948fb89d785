#!/usr/bin/env python3
"""Build the book: a thin entry point to :mod:`quire.cli` (run ``build.py --help``).

``--project`` defaults to the folder holding this file: the author's book.
"""

from pathlib import Path

from quire.cli import main

if __name__ == "__main__":
    main(default_map={"project": str(Path(__file__).resolve().parent)})
