"""What `hpkb deaths validate` and `hpkb deaths report` do, given the repository: read its
settings and organisations, then check or analyse its death records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic, HpkbError
from hpkb.content.settings import load_settings, today_of
from hpkb.content.taxonomy import load_taxonomy
from hpkb.deaths.analyse import Analysis, analyse, check_deaths
from hpkb.deaths.periods import period_of

__all__ = ["Repository", "deaths_report", "deaths_validate", "repository"]


@dataclass(frozen=True)
class Repository:
    """What the death records are checked against: the organisations, the force's own id
    (its records' values come first when merging) and today."""

    root: Path
    organisations: frozenset[str]
    force: str | None
    today: date
    findings: tuple[Diagnostic, ...]  # the settings' and taxonomy's own


def repository(root: Path, as_of: date | None = None) -> Repository:
    settings, findings = load_settings(root)
    taxonomy, taxonomy_findings = load_taxonomy(root)
    return Repository(root, frozenset(taxonomy.organisations), settings.hpkb.organisation,
                      today_of(settings, as_of), tuple(findings + taxonomy_findings))


def deaths_validate(root: Path, as_of: date | None = None) -> list[Diagnostic]:
    """Every finding on the death records and the reviews (and on the settings and
    taxonomy they are checked against)."""
    repo = repository(root, as_of)
    return [*repo.findings, *check_deaths(root, repo.organisations, repo.today)]


def deaths_report(root: Path, spec: str | None = None, start: date | None = None,
                  end: date | None = None, as_of: date | None = None, con: Any = None
                  ) -> Analysis:
    """The analysis for a period (HpkbError, exit 2, for a period that is not one)."""
    repo = repository(root, as_of)
    try:
        period = period_of(spec, start, end, repo.today)
    except ValueError as exc:
        raise HpkbError(str(exc)) from None
    return analyse(root, period, repo.today, repo.organisations, repo.force, con)
