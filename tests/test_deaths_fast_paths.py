"""Death investigations at scale: each short cut the analysis takes gives what the plain
definition gives (tails summed term by term, every run of a place's deaths judged, every
point's distance measured, a file read whole)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from hpkb.deaths.clusters import (
    LEAST,
    RADIUS,
    WINDOW,
    _groups,
    _in_order,
    _made_before,
    _Points,
    _windows,
)
from hpkb.deaths.death import death_of
from hpkb.deaths.linkage import (
    LINK_COLUMNS,
    Keys,
    address_key,
    linkage_columns,
    linkage_row,
    name_parts,
)
from hpkb.deaths.places import LEAST_AT_PLACE, WINDOW_DAYS, _busiest
from hpkb.deaths.reading import read_table
from hpkb.deaths.records import Record
from hpkb.deaths.stats import _log_pmf, count_tail


def _record(ref: str, when: date, **values: object) -> Record:
    fields: dict[str, object] = {
        "file": "deaths/a.csv", "line": 2, "ref": ref, "source": "wc", "reported": None,
        "died": when, "found": None, "area": "Oxleigh", "location_type": "home",
        "address": "Flat 2, 4 Elm Rd, Oxleigh", "easting": 425000.0, "northing": 279000.0,
        "name": "Ann Pike", "dob": None, "age": 70, "sex": "female", "category": "natural",
        "substances": ("heroin", "alcohol"), "circumstances": None,
        "people": (("found-by", "Tom Pike"), ("found-by", "Tom Pike")),
        "investigation": None, "coroner_outcome": "pending", "debrief": "RD-2024-007"}
    fields.update(values)
    return Record(**fields)  # type: ignore[arg-type]


def test_the_lower_tail_matches_the_sum_of_its_terms() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        mean = rng.choice([0.5, 4.0, 60.0, 900.0]) * rng.random() + 0.01
        observed = int(mean * rng.random()) + 1
        size = rng.choice([None, 0.5, 3.0, 40.0])
        if observed > mean:
            continue
        plain = 1.0 - math.fsum(math.exp(_log_pmf(k, mean, size)) for k in range(observed))
        assert count_tail(observed, mean, size) == pytest.approx(max(0.0, plain), abs=1e-10)


def _busiest_plainly(at_place: list, usual: float, years: float) -> tuple | None:
    best = None
    start = 0
    for end, death in enumerate(at_place):
        while (death.when - at_place[start].when).days > WINDOW_DAYS:
            start += 1
        inside = end - start + 1
        if inside < LEAST_AT_PLACE:
            continue
        expected = max(usual, (len(at_place) - inside) / max(years - 1, 1.0))
        p = count_tail(inside, expected)
        if best is None or p < best[0]:
            best = (p, start, end, expected)
    return best


def test_a_places_busiest_year_is_the_first_fullest() -> None:
    rng = random.Random(3)
    start = date(2021, 1, 1)
    for trial in range(300):
        days = sorted(rng.randrange(2000) for _ in range(rng.randrange(1, 60)))
        at_place = [death_of([_record(f"R{n}", start + timedelta(days=d))])
                    for n, d in enumerate(days)]
        usual = rng.choice([0.01, 0.5, 3.0, 40.0])
        assert _busiest(at_place, usual, 5.5) == _busiest_plainly(at_place, usual, 5.5), trial


def test_points_within_a_circle_are_counted_as_math_dist_measures() -> None:
    rng = random.Random(9)
    deaths = [death_of([_record(f"R{n}", date(2024, 1, 1),
                                easting=float(rng.randrange(400_000, 403_000)),
                                northing=float(rng.randrange(280_000, 283_000)))])
              for n in range(400)]
    points = _Points(range(len(deaths)), deaths)
    for death in deaths[:60]:
        centre = (death.easting or 0.0, death.northing or 0.0)
        other = deaths[rng.randrange(len(deaths))]
        # A radius reaching exactly to another death, as a group's own radius does.
        radius = max(1.0, math.dist(centre, (other.easting or 0.0, other.northing or 0.0)))
        plain = sum(1 for d in deaths
                    if math.dist(centre, (d.easting or 0.0, d.northing or 0.0)) <= radius)
        assert points.within(*centre, radius) == plain


def test_a_single_records_death_is_as_the_general_rule_makes_it() -> None:
    record = _record("WC-1", date(2025, 3, 1), dob=date(1950, 6, 1), age=None)
    keys = Keys()
    alone = death_of([record], None, None, keys)
    general = death_of([record, _record("X", date(2025, 3, 1), source="zz", name=None,
                                        address=None, substances=(), people=(),
                                        debrief=None, coroner_outcome=None, age=None,
                                        sex=None, category=None, area=None,
                                        location_type=None, easting=None, northing=None)],
                       None, 0.95)
    for name in ("when", "area", "location_type", "address", "place", "easting",
                 "northing", "name", "surname", "age", "sex", "category", "substances",
                 "people", "investigation", "coroner_outcome", "reported", "debriefs"):
        assert getattr(alone, name) == getattr(general, name), name
    assert keys.place(record.address) == address_key(record.address)
    assert keys.name("Émile  O'Brien-Hyde") == name_parts("Émile  O'Brien-Hyde")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_rows_and_their_lines_whatever_the_line_endings(tmp_path: Path, ending: str) -> None:
    text = ending.join(["ref,source,circumstances", "A,wc,\"two" + ending + "lines\"",
                        "B,wc,plain", "", "C,wc,\"x, y\"", ""])
    path = tmp_path / "a.csv"
    path.write_bytes(text.encode("utf-8"))
    table, findings = read_table(path, "deaths/a.csv")
    assert findings == [] and table is not None
    assert table.lines == [2, 4, 6]
    assert table.cells[0] == ["A", "B", "C"]
    assert table.cells[2] == ["two" + ending + "lines", "plain", "x, y"]


def test_cluster_runs_are_counted_once_however_many_features_make_them() -> None:
    rng = random.Random(4)
    start = date(2022, 1, 1)
    deaths = [death_of([_record(f"R{n}", start + timedelta(days=rng.randrange(900)),
                                easting=425000.0 + rng.randrange(900),
                                northing=279000.0 + rng.randrange(900))])
              for n in range(260)]
    names = [("substance", "a"), ("substance", "b"), ("category", "c"), ("profile", "d")]
    own = [{f for f in names if rng.random() < 0.6} | {names[0]} for _ in deaths]
    keys: set[tuple[int, ...]] = set()
    counted = made = 0
    placed: dict[tuple[str, str], dict[int, int]] = {}
    for feature in sorted(names):
        chosen = [at for at in range(len(deaths)) if feature in own[at]]
        mine = placed[feature] = {}
        for number, group in enumerate(_groups(chosen, deaths)):
            ordered = _in_order(group, deaths)
            mine.update((at, number << 32 | pos) for pos, at in enumerate(ordered))
            for first, last in _windows(ordered, deaths):
                keys.add(tuple(sorted(ordered[first:last + 1])))
                made += 1
                counted += not _made_before(ordered, first, last, feature,
                                            own[ordered[first]], placed)
    assert made > len(keys) > 100  # some runs are made by more than one feature
    assert counted == len(keys)


def test_linkage_columns_hold_what_linkage_rows_hold() -> None:
    records = [_record("A", date(2024, 5, 6), dob=date(1960, 2, 3)),
               _record("B", date(2024, 5, 9), name=None, address=None, dob=None, age=None,
                       died=None, found=date(2024, 5, 10)),
               _record("C", date(2021, 1, 1), name="Lee", address="Quay Street, Sallowby")]
    keys = Keys()
    columns = linkage_columns(records, keys)
    assert list(columns) == list(LINK_COLUMNS)
    rows = [linkage_row(at, r) for at, r in enumerate(records)]
    assert [tuple(column[at] for column in columns.values())
            for at in range(len(records))] == rows


def test_cluster_groups_are_the_components_of_near_deaths() -> None:
    rng = random.Random(8)
    start = date(2022, 1, 1)
    for trial in range(20):
        spread = rng.choice([300, 1500, 5000])
        deaths = [death_of([_record(f"R{n}", start + timedelta(days=rng.randrange(1500)),
                                    easting=425000.0 + rng.randrange(spread),
                                    northing=279000.0 + rng.randrange(spread))])
                  for n in range(rng.randrange(20, 200))]
        chosen = [at for at in range(len(deaths)) if rng.random() < 0.8]
        parent = {at: at for at in chosen}

        def root(at: int, parent: dict[int, int] = parent) -> int:
            while parent[at] != at:
                at = parent[at]
            return at

        for a in chosen:
            for b in chosen:
                near = math.dist((deaths[a].easting or 0.0, deaths[a].northing or 0.0),
                                 (deaths[b].easting or 0.0, deaths[b].northing or 0.0))
                if near <= RADIUS and abs((deaths[a].when - deaths[b].when).days) <= WINDOW:
                    parent[root(a)] = root(b)
        plain: dict[int, list[int]] = {}
        for at in chosen:
            plain.setdefault(root(at), []).append(at)
        assert _groups(chosen, deaths) == [g for g in plain.values() if len(g) >= LEAST], trial
