"""The pattern of deaths in a period: by month (with the rolling 12-month count and the
same months in earlier years), by area, category, place, age band and sex, substance;
the coroner's outcomes still pending and how long; unexplained and suspicious deaths
with the state of their investigation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from hpkb.deaths.columns import AGE_BANDS, CATEGORIES, LOCATION_TYPES
from hpkb.deaths.death import Death
from hpkb.deaths.periods import Period, months

__all__ = ["EARLIER_YEARS", "NOT_GIVEN", "PENDING_AGES", "death_counts", "open_cases"]

NOT_GIVEN = "not given"
EARLIER_YEARS = 3  # the same month this many years back, beside each month
PENDING_AGES = ((182, "under 6 months"), (365, "6 to 12 months"), (730, "1 to 2 years"),
                (10**6, "over 2 years"))
_WATCHED = ("unexplained", "suspicious", "homicide")


def _tally(values: Iterable[str | None], order: Sequence[str] = ()) -> dict[str, int]:
    counted = Counter(v if v is not None else NOT_GIVEN for v in values)
    known = [k for k in order if counted[k]]
    rest = sorted((k for k in counted if k not in order and k != NOT_GIVEN),
                  key=lambda k: (-counted[k], k))
    return {k: counted[k] for k in [*known, *rest, *([NOT_GIVEN] * (NOT_GIVEN in counted))]}


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _shift(month: str, years: int) -> str:
    return f"{int(month[:4]) - years}{month[4:]}"


def _by_month(deaths: Sequence[Death], period: Period) -> list[dict[str, Any]]:
    per_month = Counter(_month(d.when) for d in deaths)
    if not per_month:
        return []
    first = period.start or min(d.when for d in deaths)
    shown = months(first, period.end)
    every = months(min(min(d.when for d in deaths), first), period.end)
    rolling = {}
    window = 0
    for at, month in enumerate(every):
        window += per_month[month] - (per_month[every[at - 12]] if at >= 12 else 0)
        rolling[month] = window
    return [{"month": m, "deaths": per_month[m], "rolling_12_months": rolling[m],
             "same_month_earlier_years": {_shift(m, y): per_month[_shift(m, y)]
                                          for y in range(1, EARLIER_YEARS + 1)}}
            for m in shown]


def _pending(deaths: Sequence[Death], period: Period, today: date) -> dict[str, Any]:
    waiting = [(today - d.when).days for d in deaths
               if d.coroner_outcome == "pending" and d.when <= period.end]
    ages = Counter(next(name for days, name in PENDING_AGES if wait < days) for wait in waiting)
    return {"pending": len(waiting),
            "pending_by_age": {name: ages[name] for _, name in PENDING_AGES},
            "oldest_pending_days": max(waiting, default=0)}


def open_cases(deaths: Sequence[Death], period: Period) -> list[Death]:
    """The period's unexplained, suspicious and homicide deaths (by the police's initial
    view or the investigation's status), newest first."""
    return sorted((d for d in deaths if period.holds(d.when)
                   and (d.category in _WATCHED or d.investigation in _WATCHED)),
                  key=lambda d: (d.when, d.key), reverse=True)


def death_counts(deaths: Sequence[Death], period: Period, today: date) -> dict[str, Any]:
    """Every count the report, the site's pages and the board pack show for a period
    (``deaths``: all of them; those before the period feed the rolling and earlier-year
    counts)."""
    inside = [d for d in deaths if period.holds(d.when)]
    substances = Counter(s for d in inside for s in d.substances)
    bands = [name for _, _, name in AGE_BANDS] + ["unknown"]
    band_of = [d.age_band for d in inside]
    per_band = Counter(band_of)
    band_sex: dict[str, Counter[str]] = {band: Counter() for band in bands}
    for band, death in zip(band_of, inside, strict=True):
        band_sex[band][death.sex or NOT_GIVEN] += 1
    by_band_sex = {band: dict(counted) for band, counted in band_sex.items()}
    watched = open_cases(deaths, period)
    return {
        "deaths": len(inside),
        "records": sum(len(d.records) for d in inside),
        "by_month": _by_month(deaths, period),
        "by_area": _tally(d.area for d in inside),
        "by_category": _tally((d.category for d in inside), CATEGORIES),
        "by_location_type": _tally((d.location_type for d in inside), LOCATION_TYPES),
        "by_age_band": {b: per_band[b] for b in bands if per_band[b]},
        "by_sex": _tally(d.sex for d in inside),
        "by_age_band_and_sex": {b: s for b, s in by_band_sex.items() if s},
        "by_substance": dict(sorted(substances.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_source": _tally(r.source for d in inside for r in d.records),
        "coroner": {**_pending(deaths, period, today),
                    "outcomes": _tally(d.coroner_outcome for d in inside)},
        "open_cases": {"count": len(watched),
                       "by_investigation": _tally(d.investigation for d in watched)},
    }
