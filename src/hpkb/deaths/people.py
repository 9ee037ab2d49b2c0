"""People named in the records (found-by, last-seen-with, …) matched across deaths, and
the alert for a person named at more deaths than people in the same role usually are.

Names are matched loosely (in DuckDB): the same forename and a surname one letter apart
(Damerau-Levenshtein, and at least 0.9 alike by Jaro-Winkler), or the same surname and a
forename one letter apart; names of four letters or fewer only exactly. A person's
deaths beyond the first are compared with the people in the same role, in the same
setting (the same hospital, care home or custody suite; or the community), and as family
(sharing the surname of the one who died) or not: how many more deaths such people are
usually named at. A name's own commonness (its forename's share of every name in the
records times its surname's) adds the deaths another person of that name would bring.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hpkb.deaths.alerts import Alert, span_text
from hpkb.deaths.death import Death
from hpkb.deaths.linkage import name_parts
from hpkb.deaths.partition import Partition
from hpkb.deaths.stats import count_tail, surprise

__all__ = ["INSTITUTIONS", "People", "match_people", "person_alerts"]

INSTITUTIONS = ("care-home", "hospital", "custody")


@dataclass(frozen=True)
class People:
    """Who is named where: each person's mentions (death index, role) and name."""

    names: dict[int, str]  # person → the name as first written
    keys: dict[int, list[str]]  # person → every name (as compared) matched to it
    mentions: dict[int, list[tuple[int, str]]]  # person → (death, role)
    of_death: dict[int, list[tuple[int, str]]]  # death → (person, role)


def _plain_name(name: str) -> str | None:
    forename, surname = name_parts(name)
    return f"{forename} {surname}" if forename and surname else None


def _close_keys(con: Any, keys: list[str]) -> list[tuple[str, str]]:
    import pyarrow as pa

    con.register("hpkb_names", pa.table({"key": keys}))
    pairs = con.execute("""
        WITH names AS (SELECT key, split_part(key, ' ', 1) AS fore,
                              split_part(key, ' ', 2) AS sur FROM hpkb_names)
        SELECT a.key, b.key FROM names a JOIN names b
          ON a.fore = b.fore AND left(a.sur, 1) = left(b.sur, 1) AND a.key < b.key
        WHERE least(length(a.sur), length(b.sur)) >= 5
          AND damerau_levenshtein(a.sur, b.sur) <= 1
          AND jaro_winkler_similarity(a.sur, b.sur) >= 0.9
        UNION
        SELECT a.key, b.key FROM names a JOIN names b
          ON a.sur = b.sur AND left(a.fore, 1) = left(b.fore, 1) AND a.key < b.key
        WHERE least(length(a.fore), length(b.fore)) >= 5
          AND damerau_levenshtein(a.fore, b.fore) <= 1""").fetchall()
    con.unregister("hpkb_names")
    return [(str(a), str(b)) for a, b in pairs]


def match_people(deaths: Sequence[Death], con: Any) -> People:
    """Every person named in the deaths' `people`, names matched loosely; a name that is
    the dead person's own is left out."""
    by_key: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    written: dict[str, str] = {}
    for at, death in enumerate(deaths):
        own = _plain_name(death.name) if death.name else None
        for role, name in death.people:
            key = _plain_name(name)
            if key is not None and key != own:
                by_key[key].append((at, role))
                written.setdefault(key, name)
    keys = sorted(by_key)
    people = Partition(keys)
    for a, b in _close_keys(con, keys) if keys else []:
        people.join(a, b)
    number = {key: at for at, key in enumerate(sorted({people.root(k) for k in keys}))}
    mentions: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    of_death: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    matched: defaultdict[int, list[str]] = defaultdict(list)
    for key in keys:
        person = number[people.root(key)]
        names.setdefault(person, written[people.root(key)])
        matched[person].append(key)
        for at, role in by_key[key]:
            mentions[person].append((at, role))
            of_death[at].append((person, role))
    return People(names, dict(matched), dict(mentions), dict(of_death))


def _setting(death: Death) -> str:
    if death.location_type in INSTITUTIONS and death.place:
        return death.place
    return "community"


Group = tuple[str, bool, str]  # (setting, family, role or "lay")


def _name_share(deaths: Sequence[Death], people: People) -> Callable[[str], float]:
    """A name's share of all names in the records: its forename's share times its
    surname's (how often two unrelated people would share it)."""
    words: Counter[str] = Counter()
    for name in [*(d.name for d in deaths if d.name), *people.names.values()]:
        words.update(w for w in name_parts(name) if w is not None)
    total = sum(words.values()) / 2 or 1.0

    def share(name: str) -> float:
        forename, surname = name_parts(name)
        return (words[forename or ""] / total) * (words[surname or ""] / total)
    return share


def _groups_of(deaths: Sequence[Death], people: People, share: Callable[[str], float]
               ) -> dict[int, dict[Group, set[int]]]:
    """Each person's deaths by group: the setting (an institution, or the community),
    whether the person shares the surname of the one who died, and the role, where the
    role is a professional one (its people with rare names are usually named at more than
    1.5 deaths in the community); other community roles are pooled as "lay"."""
    per_role: defaultdict[str, list[int]] = defaultdict(list)
    for person, seen in people.mentions.items():
        if share(people.names[person]) * len(people.names) < 0.2:
            for role in {r for at, r in seen if _setting(deaths[at]) == "community"}:
                per_role[role].append(sum(1 for at, r in seen if r == role))
    professional = {role for role, counts in per_role.items()
                    if len(counts) >= 3 and sum(counts) / len(counts) > 1.5}
    grouped: dict[int, dict[Group, set[int]]] = {}
    for person, seen in people.mentions.items():
        surname = name_parts(people.names[person])[1]
        mine: defaultdict[Group, set[int]] = defaultdict(set)
        for at, role in seen:
            setting = _setting(deaths[at])
            kind = role if setting != "community" or role in professional else "lay"
            mine[(setting, surname is not None and surname == deaths[at].surname, kind)].add(at)
        grouped[person] = dict(mine)
    return grouped


def person_alerts(deaths: Sequence[Death], people: People) -> list[Alert]:
    """An alert for each person named at more deaths (in one setting and kind of role)
    than the people with uncommon names in the same are usually named at, beyond the
    namesakes the person's own name would bring."""
    share = _name_share(deaths, people)
    grouped = _groups_of(deaths, people, share)
    mentions: Counter[Group] = Counter()
    for groups in grouped.values():
        for group, ats in groups.items():
            mentions[group] += len(ats)
    namesakes = {(person, group): mentions[group] * sum(share(k) for k in people.keys[person])
                 for person, groups in grouped.items() for group in groups}
    baseline: defaultdict[Group, dict[int, tuple[int, float]]] = defaultdict(dict)
    for (person, group), expected in namesakes.items():
        if expected < 0.5:  # an uncommon name: its deaths are mostly one person's
            baseline[group][person] = (len(grouped[person][group]), expected)
    sums = {group: (len(v), sum(k - 1 for k, _ in v.values()),
                    sum((k - 1) ** 2 for k, _ in v.values()), sum(e for _, e in v.values()))
            for group, v in baseline.items()}
    tested = []
    for (person, group), expected in namesakes.items():
        ats = grouped[person][group]
        if len(ats) < 2 or group not in sums:
            continue
        count, total, squares, names = sums[group]
        if person in baseline[group]:  # compared with the others only
            k, own = baseline[group][person]
            count, total, squares, names = (count - 1, total - (k - 1),
                                            squares - (k - 1) ** 2, names - own)
        if count < 3:
            continue
        extra = max(0.0, (total - names) / count)
        mean_extra = total / count
        spread = squares / count - mean_extra ** 2
        # Negative binomial when the others vary more than a Poisson count would (a
        # nurse in a large district sees more deaths than one in a small one).
        size = mean_extra ** 2 / (spread - mean_extra) if spread > 1.2 * mean_extra > 0 \
            else None
        mean = extra + expected + 1e-3
        tested.append((count_tail(len(ats) - 1, mean, size), person, group, ats, extra,
                       expected))
    alerts = []
    for p, person, (setting, family, kind), ats, extra, expected in tested:
        members = tuple(sorted((deaths[at] for at in ats), key=lambda d: (d.when, d.key)))
        roles = sorted({role for at, role in people.mentions[person] if at in ats})
        where = "in the community" if setting == "community" else f"at {members[0].address}"
        reasons = [f"{people.names[person]} is named at {len(members)} deaths "
                   f"{span_text(members)} as {' and '.join(roles)}, {where}",
                   f"people named {'as ' + kind if kind != 'lay' else 'so'} "
                   f"{'in their own family ' if family else ''}are usually named at "
                   f"{1 + extra:.2f} deaths",
                   f"namesakes expected: {expected:.2f}",
                   "family: the same surname as those who died" if family else
                   "not family: a different surname from those who died"]
        areas = sorted({d.area for d in members if d.area})
        if areas and setting == "community":
            reasons.append(f"in {', '.join(areas)}")
        alerts.append(Alert("person", surprise(p, len(tested)), members, tuple(reasons), p))
    return alerts
