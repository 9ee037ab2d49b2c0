"""Validation: the rules an entry and a repository must meet, and their findings."""
