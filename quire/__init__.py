"""quire: builds a research-backed book from Markdown chapters and research entries.

The build is a pipeline of stages over plain data (see :mod:`quire.build.pipeline`):
config -> chapters -> entries -> citations -> assembled book -> artifacts -> files.
Only the last stage writes to disk.
"""

__version__ = "0.1.0"
