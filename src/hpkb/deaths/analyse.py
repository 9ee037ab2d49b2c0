"""The death-investigation stage's one entry point: load, merge, count, find spikes and
possible series, set reviewed alerts aside. Pure: reads files, writes nothing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic, warning
from hpkb.deaths.alerts import Alert, ranked, span_text
from hpkb.deaths.death import Death
from hpkb.deaths.merge import Merged, merge_records
from hpkb.deaths.patterns import death_counts
from hpkb.deaths.periods import Period
from hpkb.deaths.records import Loaded, load_records
from hpkb.deaths.reviews import Review, load_reviews
from hpkb.deaths.spikes import Spike, find_spikes
from hpkb.deaths.stats import surprise

__all__ = ["Analysis", "Prepared", "analyse", "check_deaths", "prepare", "spike_alerts"]


@dataclass(frozen=True)
class Analysis:
    """Everything the report, the site's section, the board pack and the analysts' files
    show for one period."""

    period: Period
    today: date
    loaded: Loaded
    merged: Merged
    counts: dict[str, Any]
    spikes: tuple[Spike, ...]
    alerts: tuple[Alert, ...]  # not yet reviewed, strongest first
    reviewed: tuple[tuple[Alert, Review], ...]
    findings: tuple[Diagnostic, ...]

    @property
    def deaths(self) -> tuple[Death, ...]:
        return self.merged.deaths


def check_deaths(root: Path, organisations: Collection[str], today: date) -> list[Diagnostic]:
    """The records' and the reviews' findings (`hpkb validate`, `hpkb deaths validate`)."""
    _, reviews = load_reviews(root)
    return [*load_records(root, organisations, today).findings, *reviews]


def spike_alerts(spikes: Sequence[Spike]) -> list[Alert]:
    """An alert for each spike, but a spike whose deaths are mostly those of a stronger
    one in the same quarter is named in that one's reasons instead."""
    kept: list[tuple[Spike, list[str]]] = []
    for spike in spikes:  # strongest first
        mine = {d.key for d in spike.members}
        for stronger, also in kept:
            theirs = {d.key for d in stronger.members}
            if stronger.quarter == spike.quarter and len(mine & theirs) >= 0.7 * len(mine):
                also.append(f"{spike.label} ({spike.observed} against {spike.expected:.1f})")
                break
        else:
            kept.append((spike, []))
    alerts = []
    for spike, also in kept:
        history = ", ".join(str(n) for n in spike.history)
        reasons = [f"{spike.observed} deaths ({spike.what}: {spike.label}) in {spike.quarter} "
                   f"against {spike.expected:.1f} expected",
                   f"the quarters before: {history}",
                   f"false discovery rate {spike.q:.2g}", span_text(spike.members)]
        if also:
            reasons.append("also high: " + "; ".join(also))
        alerts.append(Alert("spike", surprise(spike.q), spike.members, tuple(reasons),
                            spike.q))
    return alerts


def _series(deaths: Sequence[Death], con: Any) -> list[Alert]:
    from hpkb.deaths.clusters import cluster_alerts
    from hpkb.deaths.people import match_people, person_alerts
    from hpkb.deaths.places import place_alerts

    people = match_people(deaths, con)
    return [*cluster_alerts(deaths, people), *person_alerts(deaths, people),
            *place_alerts(deaths)]


@dataclass(frozen=True)
class Prepared:
    """The records loaded and merged, and the reviews: what every period's analysis
    starts from (merging is the costly part: done once for a build's site and packs)."""

    loaded: Loaded
    merged: Merged
    reviews: dict[str, Review]
    review_findings: tuple[Diagnostic, ...]
    con: Any  # the DuckDB connection the work is done in


def prepare(root: Path, today: date, organisations: Collection[str],
            force: str | None = None, con: Any = None) -> Prepared:
    """Load and merge the records in ``root``/deaths, and read the reviews."""
    import duckdb

    con = con or duckdb.connect()
    loaded = load_records(root, organisations, today)
    reviews, review_findings = load_reviews(root)
    return Prepared(loaded, merge_records(loaded.records, force, con), reviews,
                    tuple(review_findings), con)


def analyse(root: Path, period: Period, today: date, organisations: Collection[str],
            force: str | None = None, con: Any = None, prepared: Prepared | None = None
            ) -> Analysis:
    """The analysis of the records in ``root``/deaths for ``period`` (alerts are looked
    for in the deaths up to the period's end, and kept when their last death is in the
    period). ``con``: a DuckDB connection to work in (in memory when None); ``prepared``:
    the records already loaded and merged."""
    ready = prepared or prepare(root, today, organisations, force, con)
    loaded, merged, reviews = ready.loaded, ready.merged, ready.reviews
    upto = [d for d in merged.deaths if d.when <= period.end]
    spikes = find_spikes(upto, period)
    alerts = [a for a in ranked([*_series(upto, ready.con), *spike_alerts(spikes)])
              if a.score > 0 and period.holds(a.last)]
    raised = {a.id for a in alerts}
    findings = [*loaded.findings, *ready.review_findings]
    findings += [warning("deaths/reviews.yml", r.line, 1, "HP1015",
                         f"{r.alert} is not raised by these records", "its deaths changed "
                         "(a death added or merged) and a new alert took its place, or it "
                         "lies outside the period: review the new one, then remove this")
                 for r in reviews.values() if r.alert not in raised
                 and period.start is None]
    return Analysis(period, today, loaded, merged, death_counts(merged.deaths, period, today),
                    tuple(spikes),
                    tuple(a for a in alerts if a.id not in reviews),
                    tuple((a, reviews[a.id]) for a in alerts if a.id in reviews),
                    tuple(findings))
