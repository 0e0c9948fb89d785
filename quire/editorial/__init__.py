"""For editors: the resolved text of each chapter and appendix, diffs between drafts, statistics."""
