"""A death: the records of it from every source put together, each field taken from the
source that knows best, every source's ref kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from hpkb.deaths.columns import age_band
from hpkb.deaths.linkage import Keys
from hpkb.deaths.records import Record

__all__ = ["Death", "death_of"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Death:
    """One death, from one or more records (the force's own first)."""

    records: tuple[Record, ...]
    when: date  # the day it counts on: died, else found, else reported
    area: str | None
    location_type: str | None
    address: str | None
    place: str | None  # the address as grouped (`linkage.address_key`)
    easting: float | None
    northing: float | None
    name: str | None
    surname: str | None
    age: int | None
    sex: str | None
    category: str | None
    substances: tuple[str, ...]
    people: tuple[tuple[str, str], ...]
    investigation: str | None
    coroner_outcome: str | None
    reported: date | None
    debriefs: tuple[str, ...]
    match_probability: float | None = None  # the weakest link that merged its records

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(r.ref for r in self.records)

    @property
    def key(self) -> str:
        """The death's own key: its first record's source and ref."""
        return f"{self.records[0].source}:{self.records[0].ref}"

    @property
    def age_band(self) -> str:
        return age_band(self.age)

    @property
    def located(self) -> bool:
        return self.easting is not None and self.northing is not None


def _first(values: Iterable[T | None]) -> T | None:
    return next((v for v in values if v is not None), None)


def _age(record: Record) -> int | None:
    if record.age is not None:
        return record.age
    when = record.died or record.found
    if record.dob is None or when is None:
        return None
    return when.year - record.dob.year - ((when.month, when.day) < (record.dob.month,
                                                                     record.dob.day))


def _alone(record: Record, keys: Keys) -> Death:
    """The death of a single record: its own values."""
    located = record.easting is not None and record.northing is not None
    return Death(
        records=(record,), when=record.died or record.found or record.when,
        area=record.area, location_type=record.location_type, address=record.address,
        place=keys.place(record.address),
        easting=record.easting if located else None,
        northing=record.northing if located else None,
        name=record.name, surname=keys.name(record.name)[1], age=_age(record),
        sex=record.sex, category=record.category,
        substances=tuple(sorted(set(record.substances))),
        people=tuple(dict.fromkeys(record.people)), investigation=record.investigation,
        coroner_outcome=record.coroner_outcome, reported=record.reported,
        debriefs=(record.debrief,) if record.debrief is not None else ())


def death_of(records: Sequence[Record], force: str | None = None,
             match_probability: float | None = None, keys: Keys | None = None) -> Death:
    """The death these records describe: each value from the first record that has it,
    the force's own records first (then sources by id); substances, people and debriefs
    from all; the coroner's outcome from whichever source has one other than pending.
    ``keys``: names and addresses already worked out."""
    keys = keys or Keys()
    if len(records) == 1 and match_probability is None:
        return _alone(records[0], keys)
    ordered = tuple(sorted(records, key=lambda r: (r.source != force, r.source, r.ref)))
    located = _first((r.easting, r.northing) if r.easting is not None
                     and r.northing is not None else None for r in ordered)
    outcomes = [r.coroner_outcome for r in ordered if r.coroner_outcome is not None]
    people: dict[tuple[str, str], None] = {}
    for record in ordered:
        people.update(dict.fromkeys(record.people))
    name = _first(r.name for r in ordered)
    address = _first(r.address for r in ordered)
    return Death(
        records=ordered,
        when=_first(r.died for r in ordered) or _first(r.found for r in ordered)
        or ordered[0].when,
        area=_first(r.area for r in ordered),
        location_type=_first(r.location_type for r in ordered),
        address=address, place=keys.place(address),
        easting=located[0] if located else None, northing=located[1] if located else None,
        name=name, surname=keys.name(name)[1],
        age=_first(_age(r) for r in ordered), sex=_first(r.sex for r in ordered),
        category=_first(r.category for r in ordered),
        substances=tuple(sorted({s for r in ordered for s in r.substances})),
        people=tuple(people),
        investigation=_first(r.investigation for r in ordered),
        coroner_outcome=next((o for o in outcomes if o != "pending"), _first(outcomes)),
        reported=min((r.reported for r in ordered if r.reported is not None), default=None),
        debriefs=tuple(sorted({r.debrief for r in ordered if r.debrief is not None})),
        match_probability=match_probability)
