"""The screening engine: plain Python, no Django. read (bom) -> match (names, matcher) -> chains -> policy."""
