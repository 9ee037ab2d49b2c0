"""What a content repository holds, read and typed: entries, settings, taxonomy."""
