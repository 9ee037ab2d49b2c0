"""The release workflow: only published entries leave the force; an entry in review or
archived shows on the internal site under its banner, an archived one out of every
listing; a published shared entry records its release decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AS_OF, run_cli

PRACTICE = "practice/PR-2024-001.md"  # shared, published, cleared


def _status(root: Path, status: str) -> None:
    path = root / PRACTICE
    path.write_text(path.read_text("utf-8").replace("status: published", f"status: {status}", 1),
                    "utf-8")


@pytest.mark.parametrize("status,banner", [("review", "Draft for review"),
                                           ("archived", "Archived")])
def test_an_entry_not_published_stays_internal_under_its_banner(starter: Path, status: str,
                                                                banner: str) -> None:
    _status(starter, status)
    for profile in ("shared", "internal"):
        result = run_cli(starter, "build", "--profile", profile, "--skip", "packs", "--as-of",
                         AS_OF)
        assert result.exit_code == 0, result.stdout + result.stderr
    assert not (starter / "build/shared/site/practice/PR-2024-001.html").exists()
    assert "PR-2024-001" not in (starter / "build/shared/export/entries.json").read_text("utf-8")
    page = (starter / "build/internal/site/practice/PR-2024-001.html").read_text("utf-8")
    assert banner in page
    listing = (starter / "build/internal/site/practice/index.html").read_text("utf-8")
    home = (starter / "build/internal/site/index.html").read_text("utf-8")
    listed = "PR-2024-001.html" in listing and "PR-2024-001" in home
    assert listed == (status == "review")  # archived: out of every listing


def test_a_shared_entry_without_a_release_decision_is_warned(starter: Path) -> None:
    path = starter / PRACTICE
    text = path.read_text("utf-8")
    cleared = next(line for line in text.splitlines() if line.startswith("cleared:"))
    path.write_text(text.replace(cleared + "\n", ""), "utf-8")
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert [(f["file"], f["code"], f["severity"]) for f in result.json()] == [
        (PRACTICE, "HP215", "warning")]
    assert run_cli(starter, "validate", "--strict", "--as-of", AS_OF).exit_code == 1
    _status(starter, "review")  # not leaving the force yet: nothing to record
    assert run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF).json() == []
