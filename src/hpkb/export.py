"""Open exports: every entry a profile may see as JSON, plus each kind's JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hpkb.model import ENTRY_KINDS
from hpkb.schema import json_schema
from hpkb.view import ProfileView
from hpkb.write import own_directory, write_json

__all__ = ["EXPORT_FORMAT", "SCHEMA_VERSION", "export_document", "write_export", "write_schemas"]

EXPORT_FORMAT = "hpkb-export"
SCHEMA_VERSION = 1


def _entry_record(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "region": entry.region,
        "stale": entry.stale,
        "hidden_sources": entry.hidden_sources,
        "meta": dict(entry.meta),
        "body": entry.body,
    }


def export_document(profile_view: ProfileView, organisation: str | None) -> dict[str, Any]:
    """The export as one JSON-ready document (stable order: by id)."""
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "profile": profile_view.name,
        "organisation": organisation,
        "entries": [_entry_record(e) for e in profile_view.entries],
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write <kind>.schema.json for every entry kind into ``folder``."""
    written = []
    for kind in ENTRY_KINDS:
        path = folder / f"{kind}.schema.json"
        write_json(path, json_schema(kind))
        written.append(path)
    return written


def write_export(profile_view: ProfileView, organisation: str | None, out: Path) -> list[Path]:
    """Write entries.json and schemas/<kind>.schema.json into ``out``; return the files."""
    own_directory(out)
    write_json(out / "entries.json", export_document(profile_view, organisation))
    return [out / "entries.json", *write_schemas(out / "schemas")]
