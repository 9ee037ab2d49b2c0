"""Reuse of earlier builds' work, and work on a second core."""
