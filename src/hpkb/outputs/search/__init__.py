"""Fielded, faceted search over one profile's view (Whoosh)."""
