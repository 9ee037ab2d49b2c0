"""The cluster alert: deaths close in place and time that share something rare in their
area: a substance, a category (the method, as the police first saw it), a kind of place
(water, railway) or a profile (sex and a broad age band).

For each such feature, deaths that have it are joined when they are at most RADIUS
metres and WINDOW days apart; a group of at least three is tested. The expected number
in the group's neighbourhood and time is the number of all deaths ever recorded within
RADIUS of its centre, times the share of its area's deaths that have every feature the
group shares, times the group's span (plus a quarter) over the whole span of the
records. A person named at two or more of the deaths (outside hospitals, care homes and
custody, where staff are named at many) is said, and makes the alert ten times stronger
(a tenth of the chance).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence

from hpkb.deaths.alerts import Alert, span_text
from hpkb.deaths.death import Death
from hpkb.deaths.partition import Partition
from hpkb.deaths.people import INSTITUTIONS, People
from hpkb.deaths.stats import count_tail, surprise

__all__ = ["LONGEST", "RADIUS", "RARE", "WINDOW", "cluster_alerts", "features"]

RADIUS, WINDOW, RARE, LEAST, LONGEST = 500.0, 365, 0.1, 3, 730
KEPT = 10.0  # a run whose chance times the tests is this or more could not score above 0
Feature = tuple[str, str]
_BANDS = ((0, 17, "under 18"), (18, 34, "18-34"), (35, 54, "35-54"), (55, 74, "55-74"),
          (75, 200, "75 and over"))


def features(death: Death) -> set[Feature]:
    """What a death may share with others in a cluster."""
    found: set[Feature] = {("substance", s) for s in death.substances}
    if death.category:
        found.add(("category", death.category))
    if death.location_type in ("water", "railway", "road", "hotel", "custody"):
        found.add(("location", death.location_type))
    if death.sex in ("male", "female") and death.age is not None:
        band = next(name for low, high, name in _BANDS if low <= death.age <= high)
        found.add(("profile", f"{death.sex} {band}"))
    return found


def _groups(chosen: list[int], deaths: Sequence[Death]) -> list[list[int]]:
    """The deaths joined (at most RADIUS metres and WINDOW days apart, directly or
    through others), in groups of at least LEAST.

    Deaths are joined in date order on a grid whose cells are small enough that any two
    deaths in one cell are within RADIUS; a cell keeps only the deaths of the last WINDOW
    days, which are then all joined to each other. So a death is joined to its own cell
    through the latest there, and to a neighbouring cell (two cells reach RADIUS) through
    the first there within RADIUS, unless that cell is already in its group: a dense
    place costs a few cells per death, not a year of neighbours."""
    side = RADIUS / 1.4143  # the cell's diagonal just under RADIUS
    grid: defaultdict[tuple[int, int], deque[tuple[int, int, float, float]]] = \
        defaultdict(deque)
    joined = Partition(chosen)
    for at in sorted(chosen, key=lambda i: deaths[i].when):
        death = deaths[at]
        day, east, north = death.when.toordinal(), death.easting or 0.0, death.northing or 0.0
        x, y = int(east // side), int(north // side)
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                cell = grid.get((x + dx, y + dy))
                while cell and day - cell[0][0] > WINDOW:
                    cell.popleft()
                if not cell or joined.same(cell[-1][1], at):
                    continue
                if dx == dy == 0:
                    joined.join(cell[-1][1], at)
                    continue
                for _, other, there_east, there_north in cell:
                    if math.dist((east, north), (there_east, there_north)) <= RADIUS:
                        joined.join(other, at)
                        break
        grid[(x, y)].append((day, at, east, north))
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for at in chosen:
        groups[joined.root(at)].append(at)
    return [g for g in groups.values() if len(g) >= LEAST]


def _describe(members: Sequence[Death], shared: set[Feature]) -> list[str]:
    east = sum(d.easting or 0.0 for d in members) / len(members)
    north = sum(d.northing or 0.0 for d in members) / len(members)
    reach = max(math.dist((d.easting or 0.0, d.northing or 0.0), (east, north))
                for d in members)
    across = max(50, math.ceil(2 * reach / 50) * 50)
    reasons = [f"{len(members)} deaths within {across:.0f} m {span_text(members)}"]
    sexes = {d.sex for d in members}
    ages = [d.age for d in members if d.age is not None]
    if len(sexes) == 1 and sexes <= {"male", "female"} and len(ages) == len(members):
        who = "men" if sexes == {"male"} else "women"
        reasons.append(f"all {who} aged {min(ages)}-{max(ages)}" if min(ages) != max(ages)
                       else f"all {who} aged {ages[0]}")
    for kind, value in sorted(shared):
        if kind == "substance":
            reasons.append(f"{value.upper() if len(value) <= 4 else value} in each")
        elif kind == "category":
            reasons.append(f"all {value}")
        elif kind == "location":
            reasons.append(f"all at a {value} place" if value != "water" else "all in water")
    views = Counter(d.category or "no view given" for d in members)
    if len(views) > 1:
        reasons.append("the police's first views differ: " + ", ".join(
            f"{n} {c}" for c, n in sorted(views.items(), key=lambda kv: (-kv[1], kv[0]))))
    return reasons


class _Points:
    """Located deaths, sorted by easting, counted within a circle."""

    def __init__(self, ats: Iterable[int], deaths: Sequence[Death]) -> None:
        import numpy as np

        points = sorted((deaths[at].easting or 0.0, deaths[at].northing or 0.0) for at in ats)
        self.east = np.array([e for e, _ in points], dtype=float)
        self.north = np.array([n for _, n in points], dtype=float)

    def within(self, east: float, north: float, radius: float) -> int:
        """How many lie within ``radius`` of a point (by `math.dist`, as the group's own
        radius was measured: one on the edge is in)."""
        import numpy as np

        low, high = np.searchsorted(self.east, (east - radius - 1.0, east + radius + 1.0))
        eastings, northings = self.east[low:high], self.north[low:high]
        squared = (eastings - east) ** 2 + (northings - north) ** 2
        inner, outer = (radius * (1 - 1e-9)) ** 2, (radius * (1 + 1e-9)) ** 2
        edge = (squared > inner) & (squared <= outer)  # too close to call in floats
        return int(np.count_nonzero(squared <= inner)) + sum(
            1 for point in zip(eastings[edge].tolist(), northings[edge].tolist(), strict=True)
            if math.dist((east, north), point) <= radius)


def _in_order(group: list[int], deaths: Sequence[Death]) -> list[int]:
    """A group's deaths in date order (then in the deaths' order)."""
    return sorted(group, key=lambda at: (deaths[at].when, at))


def _windows(ordered: list[int], deaths: Sequence[Death]) -> Iterator[tuple[int, int]]:
    """The runs of a group's deaths (in date order) at least LEAST long and at most
    LONGEST days from first to last, as (first, last) positions: the group's bursts (a
    long-lived group is judged by its busiest stretch against the rest of its own
    history)."""
    days = [deaths[at].when.toordinal() for at in ordered]
    for last in range(LEAST - 1, len(ordered)):
        for first in range(max(0, last - 30), last - LEAST + 2):
            if days[last] - days[first] <= LONGEST:
                yield first, last


def _made_before(ordered: list[int], first: int, last: int, feature: Feature,
                 first_has: set[Feature], placed: dict[Feature, dict[int, int]]) -> bool:
    """Whether a feature before ``feature`` makes the same run (``ordered[first:last +
    1]``): its deaths all in one of that feature's groups, one after another (in the same
    date order)."""
    start_at, end_at = ordered[first], ordered[last]
    for other in first_has:
        where = placed.get(other) if other < feature else None
        if where is None or start_at not in where or end_at not in where:
            continue
        start, end = where[start_at], where[end_at]
        if start >> 32 == end >> 32 and end - start == last - first and all(
                where.get(at, -1) >> 32 == start >> 32 for at in ordered[first + 1:last]):
            return True
    return False


def cluster_alerts(deaths: Sequence[Death], people: People | None = None) -> list[Alert]:
    """An alert for each group of deaths close in place and time sharing a feature rare
    in their area, judged by its busiest stretch."""
    located = [at for at, d in enumerate(deaths) if d.located]
    if not located:
        return []
    span = max(1, (max(d.when for d in deaths) - min(d.when for d in deaths)).days)
    own = [features(d) for d in deaths]
    per_area: defaultdict[str, Counter[Feature]] = defaultdict(Counter)
    in_area: Counter[str] = Counter()
    for at, death in enumerate(deaths):
        in_area[death.area or ""] += 1
        per_area[death.area or ""].update(own[at])
    by_feature: defaultdict[Feature, list[int]] = defaultdict(list)
    for at in located:
        death = deaths[at]
        for feature in own[at]:
            if per_area[death.area or ""][feature] / in_area[death.area or ""] <= RARE:
                by_feature[feature].append(at)
    everyone = _Points(located, deaths)
    # Every distinct run is a test (their number scales every score): a run is counted
    # under the first feature (in order) that makes it, told by where its deaths stand in
    # that feature's groups, so no run need be remembered. A run is kept only while it
    # could still score above 0: its chance times the tests so far under KEPT (a person
    # named at two of its deaths divides its chance by ten).
    tests = 0
    placed: dict[Feature, dict[int, int]] = {}  # feature → death → group << 32 | position
    found: dict[tuple[int, ...], tuple[float, list[int]]] = {}
    for feature, chosen in sorted(by_feature.items()):
        having = _Points(chosen, deaths)
        mine = placed[feature] = {}
        for number, group in enumerate(_groups(chosen, deaths)):
            # The group's neighbourhood: a circle round its centre holding all of it.
            east = sum(deaths[at].easting or 0.0 for at in group) / len(group)
            north = sum(deaths[at].northing or 0.0 for at in group) / len(group)
            radius = max(RADIUS, max(math.dist((east, north), (deaths[at].easting or 0.0,
                                                               deaths[at].northing or 0.0))
                                     for at in group))
            with_feature = having.within(east, north, radius)
            area = Counter(deaths[at].area or "" for at in group).most_common(1)[0][0]
            share = max(per_area[area][feature], 1) / max(in_area[area], 1)
            # What the neighbourhood's deaths predict: its own history of the feature
            # outside a run, or (when more) all its deaths times the area's share of it.
            prior = everyone.within(east, north, radius) * share / span
            ordered = _in_order(group, deaths)
            mine.update((at, number << 32 | position) for position, at in enumerate(ordered))
            day_of = [deaths[at].when.toordinal() for at in ordered]
            for first, last in _windows(ordered, deaths):
                size = last - first + 1
                if not _made_before(ordered, first, last, feature, own[ordered[first]],
                                    placed):
                    tests += 1
                days = day_of[last] - day_of[first] + 91
                own_rate = max(0, with_feature - size) / max(span - days, 365)
                mean = max(own_rate, prior) * min(days, span)
                if size <= mean - math.log(2) and 0.5 * tests >= KEPT:
                    continue  # at or below the median: a chance of at least a half
                if mean > 0 and tests and size * math.log(mean) - mean \
                        - math.lgamma(size + 1) >= math.log(KEPT / tests):
                    continue  # the chance of this very count is already too much
                p = count_tail(size, mean)
                if p * tests >= KEPT:
                    continue
                run = ordered[first:last + 1]
                key = tuple(sorted(run))
                if key not in found or p < found[key][0]:
                    found[key] = (p, run)
    best = _strongest({key: judged for key, judged in found.items()
                       if judged[0] * tests < KEPT})
    alerts = []
    for p, run in best:
        members = [deaths[at] for at in run]
        shared = set.intersection(*(own[at] for at in run))
        reasons = _describe(members, shared)
        if people is not None:
            shared_people = _shared_people([at for at in run if deaths[at].location_type
                                            not in INSTITUTIONS], people)
            reasons += shared_people
            p /= 10 if shared_people else 1
        alerts.append(Alert("cluster", surprise(p, tests), tuple(members),
                            tuple(reasons), p))
    return alerts


def _strongest(found: dict[tuple[int, ...], tuple[float, list[int]]]
               ) -> list[tuple[float, list[int]]]:
    """The strongest runs, each sharing no death with a stronger one kept before it."""
    taken: set[int] = set()
    kept = []
    for p, run in sorted(found.values(), key=lambda item: (item[0], -len(item[1]))):
        if taken.isdisjoint(run):
            kept.append((p, run))
            taken.update(run)
    return kept


def _shared_people(group: list[int], people: People) -> list[str]:
    roles: defaultdict[int, list[str]] = defaultdict(list)
    seen: defaultdict[int, set[int]] = defaultdict(set)
    for at in group:
        for person, role in people.of_death.get(at, []):
            seen[person].add(at)
            if role not in roles[person]:
                roles[person].append(role)
    return [f"{people.names[p]} is named in {len(ats)} of them as "
            f"{' and '.join(roles[p])}" for p, ats in sorted(seen.items()) if len(ats) >= 2]
