"""What a build takes from the death records: for the internal profile, the site's
section, the `deaths` board packs and the analysts' files; for every other profile, only
the names, addresses and refs the output guard must prove absent."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hpkb.deaths.analyse import Analysis, Prepared, analyse, prepare
from hpkb.deaths.columns import REVIEWS_FILE
from hpkb.deaths.periods import Period, period_of
from hpkb.deaths.records import load_records, record_files
from hpkb.deaths.section import Section, site_section
from hpkb.write import write_text

__all__ = ["ANALYST_FOLDER", "InternalOutputs", "internal_outputs", "record_terms"]

ANALYST_FOLDER = "deaths"  # in build/internal/


def record_terms(root: Path, organisations: set[str], today: date) -> list[str]:
    """Every name (of the dead and of the people named), address (whole, and its first
    part when that holds a house number) and ref in the records that load: what a
    non-internal build must hold none of."""
    if not record_files(root):
        return []
    terms: set[str] = set()
    for record in load_records(root, organisations, today).records:
        terms.add(record.ref)
        terms.update(name for _, name in record.people)
        if record.name:
            terms.add(record.name)
        if record.address:
            terms.add(record.address)
            first = record.address.split(",")[0].strip()
            if any(ch.isdigit() for ch in first) and len(first) > 4:
                terms.add(first)
    return sorted(t for t in terms if len(t) >= 4 or any(ch.isdigit() for ch in t))


@dataclass(frozen=True)
class InternalOutputs:
    """The internal build's death-investigation outputs, from one merge of the records."""

    root: Path
    prepared: Prepared
    today: date
    organisations: frozenset[str]
    force: str | None
    analysis: Analysis
    section: Section
    by_period: dict[str, Analysis] = field(default_factory=dict, compare=False)

    def for_period(self, spec: str | None, start: date | None, end: date | None
                   ) -> Analysis:
        """The analysis for a pack's period (each period worked out once)."""
        period: Period = period_of(spec, None, None, self.today) if spec else \
            Period(start, end or self.today, f"{start or 'the start'} to {end or self.today}")
        if period.label not in self.by_period:
            self.by_period[period.label] = analyse(
                self.root, period, self.today, self.organisations, self.force,
                prepared=self.prepared)
        return self.by_period[period.label]

    def write(self, staging: Path) -> None:
        """The section's charts into the docs tree and the built site (after MkDocs, which
        never sees them: the pages refer to them by a plain image), and the analysts'
        files."""
        from hpkb.deaths.store import write_analyst_files

        for rel, svg in self.section.charts.items():
            for folder in (staging / "docs", staging / "site"):
                if folder.is_dir():  # a new file: the one there may be the live build's
                    write_text(folder / rel, svg)
        write_analyst_files(self.analysis, staging / ANALYST_FOLDER)


@functools.lru_cache(maxsize=2)
def _cached(root: Path, today: date, organisations: frozenset[str], force: str | None,
            stamp: tuple[tuple[str, int, int], ...]) -> InternalOutputs | None:
    del stamp  # only keys the cache: the same files as they were
    prepared = prepare(root, today, organisations, force)
    if not prepared.loaded.records:
        return None
    everything = period_of(None, None, None, today)
    analysis = analyse(root, everything, today, organisations, force, prepared=prepared)
    return InternalOutputs(root, prepared, today, organisations, force, analysis,
                           site_section(analysis))


def internal_outputs(root: Path, today: date, organisations: frozenset[str],
                     force: str | None) -> InternalOutputs | None:
    """The outputs, or None when there are no records (in a process that builds again,
    `hpkb serve`, kept while the files stand as they were)."""
    files = record_files(root)
    if not files:
        return None
    reviews = root / REVIEWS_FILE
    stamp = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in [*files, *([reviews] if reviews.is_file() else [])])
    return _cached(root, today, organisations, force, stamp)

