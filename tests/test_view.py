"""Profiles: the single `view()` decides what each profile may publish."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.pipeline import profile_view
from hpkb.view.gate import ProfileView

TODAY = date(2026, 11, 22)
LIVE_DEBRIEF = """---
id: RD-2024-002
title: Near miss with live proceedings
summary: A man was stabbed in a dispute; the trial is still to come.
themes: [knife-crime]
organisation: essex-police
classification: OFFICIAL
audience: shared
status: published
created: 2024-05-01
updated: 2024-05-01
incident: {reference: Op Canary, date: 2024-04-20, category: near-miss, context: acquaintance,
           proceedings: live}
subjects: [{role: victim, name: Quillon Darrowby}]
chronology:
  - {date: 2024-01-02, agency: Police, contact: Stop, summary: CHRONOLOGY-CANARY}
process: {identified: 2024-04-21}
---

## Summary

A stabbing in a park.

::: internal
INTERNAL-PASSAGE-CANARY
:::

## Learning

Share the intelligence sooner.

## Good practice

Quick first aid.
"""
LIVE_LEARNING = """---
id: LN-2024-002
title: LIVE-LESSON-CANARY
summary: Lessons from a case that is still before the court.
themes: [knife-crime]
organisation: essex-police
classification: OFFICIAL
audience: shared
status: published
created: 2024-05-02
updated: 2024-05-02
sources: [RD-2024-002]
---

## What we learned

Something.

## Recommendation

Something else, see [[RD-2024-002]] and [[LN-2024-001]].
"""


@pytest.fixture
def corpus_repo(starter: Path) -> Path:
    (starter / "debriefs/RD-2024-002.md").write_text(LIVE_DEBRIEF, encoding="utf-8")
    (starter / "content/learning/LN-2024-002.md").write_text(LIVE_LEARNING, encoding="utf-8")
    draft = (starter / "practice/PR-2024-001.md").read_text(encoding="utf-8")
    draft = draft.replace("PR-2024-001", "PR-2024-002").replace("status: published",
                                                                "status: draft")
    (starter / "practice/PR-2024-002.md").write_text(draft, encoding="utf-8")
    return starter


def _view(root: Path, name: str, drafts: bool = False) -> ProfileView:
    validation = validate_repo(root, today=TODAY)
    assert not validation.has_errors, validation.diagnostics
    return profile_view(validation, name, drafts=drafts, today=TODAY)


def test_each_profile_sees_only_its_audiences(corpus_repo: Path) -> None:
    ids = {name: [e.id for e in _view(corpus_repo, name).entries]
           for name in ("internal", "shared", "public")}
    assert ids == {
        "internal": ["LN-2024-001", "LN-2024-002", "PR-2024-001", "RD-2024-001", "RD-2024-002"],
        "shared": ["LN-2024-001", "PR-2024-001", "RD-2024-002"],
        "public": [],
    }


def test_drafts_only_when_asked(corpus_repo: Path) -> None:
    assert "PR-2024-002" not in [e.id for e in _view(corpus_repo, "shared").entries]
    assert "PR-2024-002" in [e.id for e in _view(corpus_repo, "shared", drafts=True).entries]


def test_personal_fields_and_internal_passages_stay_internal(corpus_repo: Path) -> None:
    shared = _view(corpus_repo, "shared").get("RD-2024-002")
    internal = _view(corpus_repo, "internal").get("RD-2024-002")
    assert shared is not None and internal is not None
    assert "subjects" not in shared.meta and "chronology" not in shared.meta
    assert "INTERNAL-PASSAGE-CANARY" not in shared.body
    assert "::: internal" not in shared.body
    assert internal.meta["subjects"] == [{"role": "victim", "name": "Quillon Darrowby"}]
    assert "INTERNAL-PASSAGE-CANARY" in internal.body
    assert "::: internal" not in internal.body  # the fences themselves never publish


def test_references_to_hidden_entries_become_plain_text(corpus_repo: Path) -> None:
    learning = _view(corpus_repo, "shared").get("LN-2024-001")
    assert learning is not None
    assert "RD-2024-001" not in learning.body
    assert "In an internal debrief three earlier contacts" in learning.body
    assert learning.meta["sources"] == []
    assert learning.hidden_sources == 1
    internal = _view(corpus_repo, "internal").get("LN-2024-001")
    assert internal is not None and "[[RD-2024-001]]" in internal.body


def test_live_proceedings_hold_learning_back_with_a_warning(corpus_repo: Path) -> None:
    shared = _view(corpus_repo, "shared")
    assert shared.get("LN-2024-002") is None
    assert [(d.code, d.file, d.message) for d in shared.diagnostics] == [(
        "HP311", "content/learning/LN-2024-002.md",
        "LN-2024-002 is held back from the shared profile: its source RD-2024-002 has live "
        "proceedings")]
    assert _view(corpus_repo, "internal").get("LN-2024-002") is not None


def test_sensitive_marking_is_kept_out_of_shared(corpus_repo: Path) -> None:
    path = corpus_repo / "practice/PR-2024-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "classification: OFFICIAL", "classification: OFFICIAL-SENSITIVE"), encoding="utf-8")
    assert "PR-2024-001" not in [e.id for e in _view(corpus_repo, "shared").entries]
    assert "PR-2024-001" in [e.id for e in _view(corpus_repo, "internal").entries]


def test_stale_and_region_are_derived(corpus_repo: Path) -> None:
    path = corpus_repo / "practice/PR-2024-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "owner: Public Protection Unit", "owner: Public Protection Unit\nreview_by: 2025-01-01"),
        encoding="utf-8")
    entry = _view(corpus_repo, "shared").get("PR-2024-001")
    assert entry is not None
    assert (entry.stale, entry.region) == (True, "eastern")
