"""Golden tests of `hpkb export`: the export of the starter repository, per profile.

Refresh the golden files after an intended change with:
    HPKB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hpkb.model import ENTRY_KINDS
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
