"""The live preview of ``watch``: the page, its server, and the rebuild loop."""
