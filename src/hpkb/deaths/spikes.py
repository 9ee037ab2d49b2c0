"""Spikes: a quarter's count for an area, category, substance or kind of place (or an
area's category or substance) well above what the same count's own history predicts.

The expected count is the mean of the eight quarters before (at least four): Poisson
when those quarters vary no more than a Poisson count would, else negative binomial with
the dispersion they show; a count never seen before is expected 0.25 times a quarter.
Each quarter's count is a test; Benjamini-Hochberg keeps the false discovery rate over
every test made at 5%.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from hpkb.deaths.death import Death
from hpkb.deaths.periods import Period, financial_quarter, quarter_bounds
from hpkb.deaths.stats import benjamini_hochberg, count_tail

__all__ = ["FALSE_DISCOVERY", "Spike", "find_spikes"]

FALSE_DISCOVERY = 0.05
HISTORY, LEAST_HISTORY, NEVER_SEEN = 8, 4, 0.25
LEAST_DEATHS, LEAST_RATIO = 3, 1.5

Cell = tuple[str, str]  # (what is counted, the value), e.g. ("area and category", ...)


@dataclass(frozen=True)
class Spike:
    """One quarter's count well above its own history."""

    what: str  # "area", "category", "substance", "place", "category in area", …
    value: str
    quarter: str
    observed: int
    expected: float
    p: float
    q: float
    history: tuple[int, ...]  # the counts of the quarters before, oldest first
    members: tuple[Death, ...]

    @property
    def label(self) -> str:
        return self.value.replace("\t", " in ")


def _cells(death: Death) -> Iterator[Cell]:
    area = death.area
    if area:
        yield "area", area
    if death.category:
        yield "category", death.category
        if area:
            yield "category in area", f"{death.category}\t{area}"
    if death.location_type:
        yield "place", death.location_type
    for substance in death.substances:
        yield "substance", substance
        if area:
            yield "substance in area", f"{substance}\t{area}"


def _previous(quarter: str, back: int) -> str:
    start, _ = quarter_bounds(quarter)
    for _ in range(back):
        start = quarter_bounds(financial_quarter(date.fromordinal(start.toordinal() - 1)))[0]
    return financial_quarter(start)


def _expected(history: list[int]) -> tuple[float, float | None]:
    mean = statistics.fmean(history)
    if mean <= 0:
        return NEVER_SEEN, None
    variance = statistics.variance(history) if len(history) > 1 else mean
    return mean, (mean * mean / (variance - mean) if variance > mean * 1.2 else None)


def find_spikes(deaths: Sequence[Death], period: Period) -> list[Spike]:
    """The spikes in the period's quarters (a quarter still running is compared for the
    days it has had), strongest first."""
    if not deaths:
        return []
    counts: Counter[tuple[Cell, str]] = Counter()
    for death in deaths:
        if death.when <= period.end:
            quarter = financial_quarter(death.when)
            counts.update((cell, quarter) for cell in _cells(death))
    first = financial_quarter(min(d.when for d in deaths))
    start = period.start or quarter_bounds(first)[0]
    quarters = sorted({financial_quarter(d.when) for d in deaths
                       if start <= d.when <= period.end}
                      | {financial_quarter(start), financial_quarter(period.end)})
    tests: list[tuple[Cell, str, int, float, float, tuple[int, ...]]] = []
    by_quarter: defaultdict[str, set[Cell]] = defaultdict(set)
    for cell, quarter in counts:
        by_quarter[quarter].add(cell)
    for quarter in quarters:
        q_start, q_end = quarter_bounds(quarter)
        share = ((min(q_end, period.end) - q_start).days + 1) / ((q_end - q_start).days + 1)
        back = [_previous(quarter, n) for n in range(HISTORY, 0, -1)]
        back = [b for b in back if b >= first]
        if len(back) < LEAST_HISTORY:
            continue
        for cell in by_quarter[quarter]:
            history = tuple(counts[(cell, b)] for b in back)
            mean, size = _expected(list(history))
            observed = counts[(cell, quarter)]
            tests.append((cell, quarter, observed, mean * share,
                          count_tail(observed, mean * share, size), history))
    q_values = benjamini_hochberg([t[4] for t in tests])
    chosen = [(t, q) for t, q in zip(tests, q_values, strict=True)
              if q <= FALSE_DISCOVERY and t[2] >= LEAST_DEATHS and t[2] >= LEAST_RATIO * t[3]]
    members: defaultdict[tuple[Cell, str], list[Death]] = defaultdict(list)
    wanted = {(t[0], t[1]) for t, _ in chosen}
    for death in deaths:
        if death.when <= period.end:
            quarter = financial_quarter(death.when)
            for cell in _cells(death):
                if (cell, quarter) in wanted:
                    members[(cell, quarter)].append(death)
    spikes = [Spike(cell[0], cell[1], quarter, observed, round(expected, 2), p, q, history,
                    tuple(members[(cell, quarter)]))
              for (cell, quarter, observed, expected, p, history), q in chosen]
    spikes.sort(key=lambda s: (s.q, s.p, -s.observed, s.what, s.value, s.quarter))
    return spikes
