"""The record-linkage model: the columns records are compared on, the blocking rules that
choose which pairs are compared, and the comparisons with their m probabilities. One
model for every Splink backend (DuckDB here, Spark past one machine)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from hpkb.deaths.records import Record

__all__ = ["LINK_COLUMNS", "MATCH_PROBABILITY", "Keys", "address_key", "linkage_columns",
           "linkage_row", "name_parts", "splink_settings"]

# Pairs scored at least this likely to be the same death are merged (Splink's
# match_probability; measured on generated data, see docs/guide/death-investigations.md).
MATCH_PROBABILITY = 0.9

LINK_COLUMNS = ("unique_id", "forename", "surname", "dob", "died", "died_week",
                "died_week_shifted", "sex", "age", "address_first", "area")

_ABBREVIATIONS = {"rd": "road", "ln": "lane", "ave": "avenue", "av": "avenue",
                  "cl": "close", "cres": "crescent", "dr": "drive", "terr": "terrace",
                  "tce": "terrace", "sq": "square", "pl": "place", "gdns": "gardens"}
_UNIT = re.compile(r"^(flat|apartment|apt|room|unit)\s+\w+\s*,?\s*")


_SPACED = re.compile(r"[-/]")
_DROPPED = re.compile(r"[^a-z0-9 ,]")
_UNIT_ONLY = re.compile(r"(flat|apartment|apt|room|unit)\s+\w+")


def _plain(text: str) -> str:
    """Lower case, accents and punctuation gone, hyphens as spaces, one space between."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = text.lower()
    return " ".join(_DROPPED.sub("", _SPACED.sub(" ", folded)).split())


def name_parts(name: str | None) -> tuple[str | None, str | None]:
    """(forename, surname) as compared: plain words, the first and the last."""
    if not name:
        return None, None
    words = _plain(name).replace(",", " ").split()
    if not words:
        return None, None
    return words[0], words[-1] if len(words) > 1 else None


def address_key(address: str | None) -> str | None:
    """An address as compared and grouped: plain words, common abbreviations spelt out,
    a flat or room number left off (a building's flats are one place), the town kept."""
    if not address:
        return None
    parts = [p.strip() for p in _plain(address).split(",") if p.strip()]
    if not parts:
        return None
    parts[0] = _UNIT.sub("", parts[0]) if len(parts) > 1 else parts[0]
    if parts[0] == "" or _UNIT_ONLY.fullmatch(parts[0]):
        parts = parts[1:]
    words = [[_ABBREVIATIONS.get(w, w) for w in part.split()] for part in parts]
    for part in words:  # `st` ends a street's name; elsewhere it is a saint
        if len(part) > 1 and part[-1] == "st":
            part[-1] = "street"
    return ", ".join(" ".join(part) for part in words if part) or None


class Keys:
    """Names and addresses as compared (`name_parts`, `address_key`), each distinct text
    worked out once: a force's records repeat their names and addresses many times."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str | None, str | None]] = {}
        self._places: dict[str, str | None] = {}

    def name(self, name: str | None) -> tuple[str | None, str | None]:
        if not name:
            return None, None
        parts = self._names.get(name)
        if parts is None:
            parts = self._names[name] = name_parts(name)
        return parts

    def place(self, address: str | None) -> str | None:
        if not address:
            return None
        if address not in self._places:
            self._places[address] = address_key(address)
        return self._places[address]


def linkage_row(at: int, record: Record, keys: Keys | None = None) -> tuple[Any, ...]:
    """One record's values in LINK_COLUMNS order (``keys``: names and addresses already
    worked out)."""
    keys = keys or Keys()
    forename, surname = keys.name(record.name)
    day: date = record.when
    ordinal = day.toordinal()
    key = keys.place(record.address)
    return (at, forename, surname, record.dob.isoformat() if record.dob else None,
            day.isoformat(), ordinal // 7, (ordinal + 3) // 7, record.sex, record.age,
            key.split(",")[0] if key else None, record.area)


def linkage_columns(records: Sequence[Record], keys: Keys) -> dict[str, list[Any]]:
    """Every record's values in LINK_COLUMNS, column by column (what `linkage_row` gives
    row by row), each distinct day worked out once."""
    days: dict[date, tuple[str, int, int]] = {}

    def day(when: date) -> tuple[str, int, int]:
        known = days.get(when)
        if known is None:
            ordinal = when.toordinal()
            known = days[when] = (when.isoformat(), ordinal // 7, (ordinal + 3) // 7)
        return known

    names = [keys.name(r.name) for r in records]
    deaths = [day(r.when) for r in records]
    places = [keys.place(r.address) for r in records]
    return {"unique_id": list(range(len(records))),
            "forename": [forename for forename, _ in names],
            "surname": [surname for _, surname in names],
            "dob": [day(r.dob)[0] if r.dob else None for r in records],
            "died": [iso for iso, _, _ in deaths],
            "died_week": [week for _, week, _ in deaths],
            "died_week_shifted": [week for _, _, week in deaths],
            "sex": [r.sex for r in records], "age": [r.age for r in records],
            "address_first": [place.split(",")[0] if place else None for place in places],
            "area": [r.area for r in records]}


def _levels(m: list[float]) -> dict[str, Any]:
    return {"m_probabilities": m}


def splink_settings(link_type: str = "link_only") -> Any:
    """The Splink settings (a ``SettingsCreator``), with each comparison's m probabilities
    set from what is known of the sources' quality; u probabilities are measured on the
    records each run (``estimate_u_using_random_sampling``)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    age = cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            {"sql_condition": "age_l IS NULL OR age_r IS NULL", "label_for_charts": "null",
             "is_null_level": True},
            {"sql_condition": "abs(age_l - age_r) <= 1", "label_for_charts": "within a year"},
            {"sql_condition": "ELSE", "label_for_charts": "else"},
        ])
    comparisons = [
        cl.NameComparison("forename", jaro_winkler_thresholds=[0.92, 0.88])
        .configure(term_frequency_adjustments=True, **_levels([0.86, 0.05, 0.02, 0.07])),
        cl.NameComparison("surname", jaro_winkler_thresholds=[0.92, 0.88])
        .configure(term_frequency_adjustments=True, **_levels([0.88, 0.06, 0.02, 0.04])),
        cl.DateOfBirthComparison("dob", input_is_string=True)
        .configure(**_levels([0.88, 0.05, 0.01, 0.03, 0.015, 0.015])),
        cl.AbsoluteDateDifferenceAtThresholds("died", input_is_string=True,
                                              metrics=["day", "day", "day"],
                                              thresholds=[1, 3, 30])
        .configure(**_levels([0.74, 0.2, 0.03, 0.02, 0.01])),
        cl.ExactMatch("sex").configure(**_levels([0.99, 0.01])),
        age.configure(**_levels([0.97, 0.03])),
        cl.JaroWinklerAtThresholds("address_first", [0.95, 0.85])
        .configure(**_levels([0.7, 0.12, 0.06, 0.12])),
    ]
    # Each rule joins on enough that a block stays small in a million records: a shared
    # date of birth also needs the year of death, a surname and week the forename's
    # initial, a forename and day or an address and week the surname's initial (a
    # hospital's address is shared by thousands of deaths).
    blocking: list[Any] = [
        block_on("dob", "sex", "left(died, 4)"),
        block_on("surname", "died_week", "left(forename, 1)"),
        block_on("surname", "died_week_shifted", "left(forename, 1)"),
        block_on("forename", "died", "sex", "left(surname, 1)"),
        block_on("forename", "dob"),
        block_on("address_first", "died_week", "left(surname, 1)")]
    return SettingsCreator(link_type=link_type, comparisons=comparisons,  # type: ignore[arg-type]
                           blocking_rules_to_generate_predictions=blocking,
                           retain_matching_columns=False,
                           retain_intermediate_calculation_columns=False)
