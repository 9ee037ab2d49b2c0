"""Merging: records of the same death from different sources become one death.

Splink scores pairs of records from different sources (blocking rules and comparisons in
`hpkb.deaths.linkage`) in DuckDB and keeps, for each record, its single best match in
each other source at or above MATCH_PROBABILITY. Below SMALL records a deterministic rule
does the same job: Splink measures its u probabilities on a sample of the records, and a
handful of records gives no sample worth the name.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hpkb.deaths.death import Death, death_of
from hpkb.deaths.linkage import (
    MATCH_PROBABILITY,
    Keys,
    address_key,
    linkage_columns,
    name_parts,
    splink_settings,
)
from hpkb.deaths.records import Record

__all__ = ["SMALL", "Merged", "duplicate_refs", "link", "merge_records"]

SMALL = 300  # records: fewer are merged by the deterministic rule
# What the prior (two random records from different sources are one death) is estimated
# from: pairs these rules call the same person are taken as 75% of all true pairs.
_SURE: list[Any] = ["l.surname = r.surname and l.forename = r.forename and l.dob = r.dob",
         "l.surname = r.surname and l.forename = r.forename and l.died = r.died"]


@dataclass(frozen=True)
class Merged:
    """The deaths the records describe, and how they were merged."""

    deaths: tuple[Death, ...]
    method: str  # "splink", "rule", or "none" (one source: nothing to merge)


def link(linker: Any, records: int, sources: int) -> tuple[Any, Any]:
    """Train and run a linker (any backend) on the records: the prior from the sure
    rules, u probabilities sampled from the records (seeded), the pairs scored, and each
    record's single best match in each other source kept at MATCH_PROBABILITY or more.
    Its pairwise predictions and clusters (Splink data frames)."""
    linker.training.estimate_probability_two_random_records_match(_SURE, recall=0.75)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(1e7, records * 10.0),
                                                     seed=1, num_chunks=2)
    predictions = linker.inference.predict(threshold_match_probability=0.5,
                                           warning_mode="never")
    clusters = linker.clustering.cluster_using_single_best_links(
        predictions, duplicate_free_datasets=[f"s{at}" for at in range(sources)],
        threshold_match_probability=MATCH_PROBABILITY)
    return predictions, clusters


def _groups_by_splink(records: Sequence[Record], sources: list[str], con: Any, keys: Keys
                      ) -> list[tuple[list[int], float | None]]:
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    table = pa.table({**linkage_columns(records, keys), "source": [r.source for r in records]})
    con.register("hpkb_linkage_input", table)
    for at, source in enumerate(sources):
        con.execute(f"CREATE OR REPLACE TABLE hpkb_source_{at} AS SELECT * EXCLUDE (source) "
                    "FROM hpkb_linkage_input WHERE source = ?", [source])
    con.unregister("hpkb_linkage_input")
    db_api = DuckDBAPI(connection=con)
    inputs = [db_api.register(f"hpkb_source_{at}", dataset_display_name=f"s{at}")
              for at in range(len(sources))]
    predictions, clusters = link(Linker(inputs, splink_settings(), log_level=logging.WARNING),
                                 len(records), len(sources))
    found = con.execute(
        "SELECT cluster_id, list(unique_id ORDER BY unique_id) FROM "
        f"{clusters.physical_name} GROUP BY cluster_id HAVING count(*) > 1").fetchall()
    weakest = dict(con.execute(
        f"SELECT unique_id_l, min(match_probability) FROM {predictions.physical_name} "
        f"WHERE match_probability >= {MATCH_PROBABILITY} GROUP BY unique_id_l").fetchall())
    grouped = [(list(members), min((weakest[m] for m in members if m in weakest),
                                   default=None)) for _, members in found]
    for table_name in [f"hpkb_source_{at}" for at in range(len(sources))]:
        con.execute(f"DROP TABLE IF EXISTS {table_name}")
    return grouped


def _same_by_rule(a: Record, b: Record) -> bool:
    """Two records the deterministic rule calls one death: the same surname, the same
    forename or initial, deaths at most three days apart, and no date of birth, age or
    sex that disagrees."""
    if abs((a.when - b.when).days) > 3:
        return False
    (fa, sa), (fb, sb) = name_parts(a.name), name_parts(b.name)
    named = bool(sa and fa and fb and sb and _alike(sa, sb) and _alike(fa, fb))
    if not named:  # names apart: only the same date of birth at the same address
        return a.dob is not None and a.dob == b.dob \
            and address_key(a.address) == address_key(b.address) is not None
    if a.dob is not None and b.dob is not None and a.dob != b.dob:
        return False
    if a.age is not None and b.age is not None and abs(a.age - b.age) > 1:
        return False
    return not (a.sex and b.sex and a.sex != b.sex)


def _alike(a: str, b: str) -> bool:
    """Two name words the rule takes as one: the same, an initial of the other, one the
    start of the other (Ann, Anne), or one letter apart."""
    if a == b or (a[0] == b[0] and (min(len(a), len(b)) == 1 or a.startswith(b)
                                    or b.startswith(a))):
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4:
        return False
    short, long = sorted((a, b), key=len)
    if len(short) == len(long):  # one letter changed, or two neighbours swapped
        apart = [i for i in range(len(a)) if a[i] != b[i]]
        return len(apart) == 1 or (len(apart) == 2 and apart[1] == apart[0] + 1
                                   and a[apart[0]] == b[apart[1]] and a[apart[1]] == b[apart[0]])
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _groups_by_rule(records: Sequence[Record]) -> list[tuple[list[int], float | None]]:
    taken: set[int] = set()
    groups: list[tuple[list[int], float | None]] = []
    for at, record in enumerate(records):
        if at in taken:
            continue
        group, sources = [at], {record.source}
        for other in range(at + 1, len(records)):
            if other not in taken and records[other].source not in sources \
                    and _same_by_rule(record, records[other]):
                group.append(other)
                sources.add(records[other].source)
        if len(group) > 1:
            taken.update(group)
            groups.append((group, None))
    return groups


def merge_records(records: Sequence[Record], force: str | None = None,
                  con: Any = None) -> Merged:
    """The deaths ``records`` describe. ``force``: the force's organisation id (its
    records' values come first); ``con``: a DuckDB connection to work in (an in-memory
    one when None)."""
    sources = sorted({r.source for r in records})
    keys = Keys()
    if len(sources) < 2:
        groups: list[tuple[list[int], float | None]] = []
        method = "none"
    elif len(records) < SMALL:
        groups, method = _groups_by_rule(records), "rule"
    else:
        import duckdb

        groups = _groups_by_splink(records, sources, con or duckdb.connect(), keys)
        method = "splink"
    merged = {m for members, _ in groups for m in members}
    deaths = [death_of([records[m] for m in members], force, probability, keys)
              for members, probability in groups]
    deaths += [death_of([r], force, None, keys) for at, r in enumerate(records)
               if at not in merged]
    deaths.sort(key=lambda d: (d.when, d.key))
    return Merged(tuple(deaths), method)


def duplicate_refs(deaths: Sequence[Death]) -> list[list[str]]:
    """Each merged death's refs (deaths of one record left out), in the deaths' order."""
    return [list(d.refs) for d in deaths if len(d.records) > 1]

