"""Commands that create or update the author's files: init, new, action."""
