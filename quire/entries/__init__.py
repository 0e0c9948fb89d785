"""Research entries: the canonical entry format and the plain-reference store."""
