"""Citations: finding Pandoc citation syntax in chapters and checking the keys."""
