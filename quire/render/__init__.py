"""Rendering: the parsed book (a pandoc AST) to EPUB, PDF and DOCX, one module per format."""
