"""Golden tests of `hpkb export`: the export of the starter repository, per profile.

Refresh the golden files after an intended change with:
    HPKB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hpkb.content.model import ENTRY_KINDS
from hpkb.reuse.store import Reuse, read_shelf
from tests.conftest import AS_OF, run_cli

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("profile", ["internal", "shared", "public"])
def test_export_matches_golden(starter: Path, profile: str) -> None:
    result = run_cli(starter, "export", "--profile", profile, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    produced = (starter / "build" / profile / "export" / "entries.json").read_text("utf-8")
    golden = GOLDEN / f"starter-{profile}-entries.json"
    if os.environ.get("HPKB_UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_export_ships_a_json_schema_per_kind(starter: Path) -> None:
    assert run_cli(starter, "export").exit_code == 0
    folder = starter / "build/shared/export/schemas"
    for kind in ENTRY_KINDS:
        schema = json.loads((folder / f"{kind}.schema.json").read_text("utf-8"))
        assert schema["$schema"].endswith("2020-12/schema")
        assert schema["additionalProperties"] is False
        assert {"id", "title", "summary", "themes", "classification"} <= set(schema["required"])
    debrief = json.loads((folder / "debrief.schema.json").read_text("utf-8"))
    assert debrief["properties"]["classification"]["enum"] == ["OFFICIAL", "OFFICIAL-SENSITIVE"]


def test_export_document_shape(starter: Path) -> None:
    assert run_cli(starter, "export", "--as-of", AS_OF).exit_code == 0
    document = json.loads((starter / "build/shared/export/entries.json").read_text("utf-8"))
    assert (document["format"], document["schema_version"], document["profile"]) == (
        "hpkb-export", 1, "shared")
    assert [e["id"] for e in document["entries"]] == ["LN-2024-001", "PR-2024-001"]
    text = json.dumps(document)
    for hidden in ("RD-2024-001", "Imelda Castrow", "Bram Ottersby", "Op Example",
                   "caution for assault"):
        assert hidden not in text


def test_schemas_kept_in_the_cache_are_the_ones_made(tmp_path: Path) -> None:
    from hpkb.content.schema import json_schema
    from hpkb.outputs.export import _schema_texts
    from hpkb.write import json_text

    made = _schema_texts(None)
    assert made == {f"schemas/{kind}.schema.json": json_text(json_schema(kind))
                    for kind in ENTRY_KINDS}

    def kept(seed: str = "code") -> dict[str, str]:
        reuse = Reuse(tmp_path, seed)
        texts = _schema_texts(reuse)
        reuse.keep()
        return texts

    assert kept() == made
    shelf = tmp_path / "export-schemas.records"
    assert read_shelf(shelf, "code") == {kind: made[f"schemas/{kind}.schema.json"]
                                         for kind in ENTRY_KINDS}
    shelf.write_text("hpkb records 1 code\ndebrief\t3\n{}\n\n", encoding="utf-8")
    assert kept()["schemas/debrief.schema.json"] == "{}\n"  # taken as kept
    assert kept("other code") == made  # another code's: made again


def test_entry_records_kept_in_the_cache_make_the_export_made_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """entries.json's part for an entry published as it was is kept by its digest: after
    one entry's edit only its record is made, and the file is the one made from nothing;
    another licence, or a record that cannot be read, makes every record again."""
    import dataclasses

    import hpkb.outputs.export
    from hpkb.check.validate import validate_repo
    from hpkb.outputs.export import export_files, provenance_of
    from hpkb.pipeline import profile_view
    from tests.site_helpers import copy_example

    root = copy_example(tmp_path / "repo")
    validation = validate_repo(root)
    view = profile_view(validation, "internal")
    provenance = provenance_of(validation.settings, None)
    cache = tmp_path / "kept"
    made: list[str] = []
    record = hpkb.outputs.export._entry_record
    monkeypatch.setattr(hpkb.outputs.export, "_entry_record",
                        lambda entry, *rest: made.append(entry.id) or record(entry, *rest))

    def entries_json(view: object, provenance: object, cache: Path | None) -> str:
        reuse = Reuse(cache, "seed") if cache is not None else None
        text = export_files(view, provenance, reuse)["entries.json"]  # type: ignore[arg-type]
        if reuse is not None:
            reuse.keep()
        return text

    first = entries_json(view, provenance, cache)
    assert sorted(made) == sorted(e.id for e in view.entries)
    entries = list(view.entries)
    entries[2] = dataclasses.replace(entries[2], body=entries[2].body + "\n\nA new line.\n")
    edited = dataclasses.replace(view, entries=tuple(entries))
    made.clear()
    again = entries_json(edited, provenance, cache)
    assert made == [entries[2].id]
    made.clear()
    assert again == entries_json(edited, provenance, None) != first
    assert "A new line." in again
    relicensed = dataclasses.replace(provenance, licence="CC-BY-4.0")
    made.clear()
    assert entries_json(edited, relicensed, cache) == entries_json(edited, relicensed, None)
    assert len(made) == 2 * len(entries)  # every record, then every one again without a cache
    shelf = cache / "export-entries.records"
    shelf.write_text(shelf.read_text(encoding="utf-8")[:-10], encoding="utf-8")  # cut short
    made.clear()
    assert entries_json(edited, provenance, cache) == again
    assert len(made) == len(entries)
