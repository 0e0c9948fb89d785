"""The build itself: the ordered stages, assembly, appendices, the cache and the two-phase write."""
