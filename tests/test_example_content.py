"""The example knowledge base shipped in this repository: valid, dated so that it reads the
same on any day, and large enough to show every feature."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from hpkb.check.validate import validate_repo
from hpkb.content.schema import DebriefMeta, LearningMeta, PracticeMeta
from hpkb.pipeline import profile_view
from tests.conftest import REPO_ROOT

TODAY = date(2026, 11, 22)
STARTER = REPO_ROOT / "src/hpkb/starter"


class _AnotherDay(date):
    """A calendar that says it is years later."""

    @classmethod
    def today(cls) -> _AnotherDay:
        return cls(2031, 6, 15)


@pytest.mark.parametrize("calendar", [date, _AnotherDay], ids=["today", "in-2031"])
def test_the_examples_findings_do_not_depend_on_the_calendar(
        monkeypatch: pytest.MonkeyPatch, calendar: type[date]) -> None:
    """The example repositories pin their date (`as_of`): the same findings on any day,
    no finding in the force's or the hub's example forces (`validate --strict` passes)."""
    monkeypatch.setattr("hpkb.content.settings.date", calendar)
    result = validate_repo(REPO_ROOT)
    assert [(d.file, d.code, d.severity.value) for d in result.diagnostics] == []
    for force in sorted((REPO_ROOT / "examples/forces").iterdir()):
        assert validate_repo(force).diagnostics == (), force.name


def _stale(today: date | None) -> set[str]:
    return {d.file for d in validate_repo(REPO_ROOT, today=today).diagnostics
            if d.code == "HP212"}


def test_an_as_of_date_given_overrides_the_pinned_one() -> None:
    assert _stale(None) == set()
    assert "content/learning/LN-2024-003.md" in _stale(date(2027, 2, 1))


def test_example_content_exercises_every_feature() -> None:
    corpus = validate_repo(REPO_ROOT, today=TODAY).corpus
    debriefs = [e.meta for e in corpus.entries if isinstance(e.meta, DebriefMeta)]
    learning = [e.meta for e in corpus.entries if isinstance(e.meta, LearningMeta)]
    practice = [e.meta for e in corpus.entries if isinstance(e.meta, PracticeMeta)]
    published = [d for d in debriefs if d.status != "draft"]
    assert len(published) >= 12 and len(learning) >= 8 and len(practice) >= 10
    assert all(d.chronology for d in published)
    actions = [a for m in debriefs + learning for a in m.actions]
    assert len(actions) >= 60
    assert set(Counter(a.status for a in actions)) == {"open", "in-progress", "completed",
                                                       "dropped"}
    assert any(a.status in ("open", "in-progress") and a.due < TODAY for a in actions)
    late = [d for d in published if d.process.initial_review
            and (d.process.initial_review - d.incident.date).days > 14]
    missing_report = [d for d in published if d.process.report is None]
    assert late and missing_report
    assert {d.incident.category for d in published} == {"homicide", "near-miss"}
    assert {d.incident.context for d in published} == {"domestic", "acquaintance", "stranger"}
    assert any(d.incident.proceedings == "live" for d in published)
    themes = {t for m in debriefs + learning + practice for t in m.themes}
    assert set(corpus.taxonomy.themes) <= {t for t in corpus.taxonomy.expand_themes(themes)}
    assert {p.focus for p in practice} == {"prevention", "diversion", "reoffending",
                                           "organisational", "investigation"}
    assert {p.effectiveness for p in practice} == {"worked", "promising", "untested",
                                                   "did-not-work"}
    assert {p.stage for p in practice} == {"planned", "piloted", "implemented", "ended"}
    everything = debriefs + learning + practice
    assert {m.audience for m in everything} == {"internal", "shared", "public"}
    assert {m.classification for m in everything} == {"OFFICIAL", "OFFICIAL-SENSITIVE"}


def test_example_profiles_differ() -> None:
    validation = validate_repo(REPO_ROOT, today=TODAY)
    sizes = {name: len(profile_view(validation, name, today=TODAY).entries)
             for name in ("internal", "shared", "public")}
    assert sizes["internal"] > sizes["shared"] > sizes["public"] > 0


def test_taxonomy_ships_the_contract_ids() -> None:
    corpus = validate_repo(STARTER, today=TODAY).corpus
    taxonomy = corpus.taxonomy
    assert {t.id: t.parent for t in taxonomy.themes.values()} == {
        "domestic-abuse": None, "coercive-control": "domestic-abuse",
        "familial-homicide": "domestic-abuse", "mental-health": None, "drugs": None,
        "county-lines": "drugs", "drug-related-deaths": "drugs", "serious-violence": None,
        "knife-crime": "serious-violence", "youth-violence": "serious-violence",
        "alcohol-night-time-economy": "serious-violence", "organisational-learning": None}
    assert taxonomy.recommendations["hmicfrs-2023-r2"].due == date(2024, 8, 31)
    assert taxonomy.recommendations["hmicfrs-2023-r3"].due == date(2023, 12, 1)
    forces = {o.id: o.region for o in taxonomy.organisations.values() if o.kind == "force"}
    assert len(forces) == 43
    assert forces["essex-police"] == "eastern"
    assert forces["metropolitan-police-service"] == "london"
    assert forces["west-mercia-police"] == "midlands"
    assert forces["suffolk-constabulary"] == "eastern"
    assert {"nhs", "probation-service", "local-authority"} <= set(taxonomy.organisations)


def test_example_taxonomy_extends_the_starter() -> None:
    for name in ("themes.yml", "recommendations.yml", "organisations.yml"):
        shipped = (STARTER / "content/taxonomy" / name).read_text("utf-8")
        example = (REPO_ROOT / "content/taxonomy" / name).read_text("utf-8")
        assert example.startswith(shipped), name
