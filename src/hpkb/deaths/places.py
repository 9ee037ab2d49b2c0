"""The place alert: more deaths at one address or institution within a year than its
own history predicts.

A place is an address as grouped (`linkage.address_key`: a building's flats are one
place). Its expected deaths in a year are the larger of its own rate in the rest of the
records and the usual rate of a place of its kind (the deaths at places of that kind
over the number of such places, a year): a hospital or a large care home has a high own
rate, so its many deaths are not a series by themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from hpkb.deaths.alerts import Alert, span_text
from hpkb.deaths.death import Death
from hpkb.deaths.stats import count_tail, surprise

__all__ = ["LEAST_AT_PLACE", "WINDOW_DAYS", "place_alerts"]

LEAST_AT_PLACE, WINDOW_DAYS = 3, 365


def _mix(members: Sequence[Death]) -> str:
    counted = Counter(d.category or "no category given" for d in members)
    return ", ".join(f"{n} {c}" for c, n in sorted(counted.items(), key=lambda kv: -kv[1]))


def _busiest(at_place: list[Death], usual: float, years: float
             ) -> tuple[float, int, int, float] | None:
    """The least likely run of the place's deaths within WINDOW_DAYS: (p, first, last,
    expected), against its own rate in the rest of the records or ``usual``; of equally
    unlikely runs, the first.

    A run holding more deaths is never more likely (more observed, and fewer left for
    the own rate), so the least likely run is the first of the fullest; a run with fewer
    deaths ties with it only when both chances round to the same float (0, say), and is
    then looked at in its turn."""
    runs: list[tuple[int, int]] = []  # (first, last) of each run of LEAST_AT_PLACE or more
    start = 0
    for end, death in enumerate(at_place):
        while (death.when - at_place[start].when).days > WINDOW_DAYS:
            start += 1
        if end - start + 1 >= LEAST_AT_PLACE:
            runs.append((start, end))
    if not runs:
        return None

    def judged(first: int, last: int) -> tuple[float, int, int, float]:
        inside = last - first + 1
        own = (len(at_place) - inside) / max(years - 1, 1.0)
        expected = max(usual, own)  # a year's worth, however short the run
        return count_tail(inside, expected), first, last, expected

    fullest = max(last - first for first, last in runs)
    best = judged(*next(run for run in runs if run[1] - run[0] == fullest))
    for first, last in runs:
        if last - first == fullest:
            break
        candidate = judged(first, last) if best[0] in (0.0, 1.0) else None
        if candidate is not None and candidate[0] <= best[0]:
            return candidate
    return best


def place_alerts(deaths: Sequence[Death]) -> list[Alert]:
    """An alert for each place whose busiest year held more deaths than expected: all
    its deaths, or those not natural (a natural death is the everyday one)."""
    located = [d for d in deaths if d.place]
    if not located:
        return []
    years = max(1.0, (max(d.when for d in deaths) - min(d.when for d in deaths)).days / 365.25)
    by_place: defaultdict[str, list[Death]] = defaultdict(list)
    for death in located:
        by_place[death.place or ""].append(death)
    kind_of = {p: Counter(d.location_type or "other" for d in ds).most_common(1)[0][0]
               for p, ds in by_place.items()}
    alerts = []
    tests = 0
    for which in ("all", "not natural"):
        chosen = {p: sorted((d for d in ds if which == "all" or d.category != "natural"),
                            key=lambda d: (d.when, d.key)) for p, ds in by_place.items()}
        kinds: Counter[str] = Counter()
        places_of_kind: Counter[str] = Counter()
        for place, at_place in chosen.items():
            kinds[kind_of[place]] += len(at_place)
            places_of_kind[kind_of[place]] += 1
        for place, at_place in chosen.items():
            if len(at_place) < LEAST_AT_PLACE:
                continue
            tests += 1
            kind = kind_of[place]
            usual = kinds[kind] / places_of_kind[kind] / years
            best = _busiest(at_place, usual, years)
            if best is None:
                continue
            p, first, last, expected = best
            members = tuple(at_place[first:last + 1])
            others = len(at_place) - len(members)
            what = "deaths" if which == "all" else "deaths not natural"
            reasons = (f"{len(members)} {what} at {members[0].address or place} "
                       f"{span_text(members)}", _mix(members),
                       f"its own history: {others} other{'s' * (others != 1)} in "
                       f"{years:.1f} years; expected: {expected:.2f} (a {kind} place "
                       f"usually has {usual:.2f} a year)")
            alerts.append(Alert("place", 0.0, members, reasons, p))
    return [Alert(a.kind, surprise(a.p, tests), a.members, a.reasons, a.p) for a in alerts]
