"""The death-record CSV contract: each column, its kind of value and what it allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["AGE_BANDS", "CATEGORIES", "COLUMNS", "DEATHS_FOLDER", "INVESTIGATIONS",
           "LOCATION_TYPES", "OUTCOMES", "REVIEWS_FILE", "SEXES", "Column", "age_band"]

DEATHS_FOLDER = "deaths"
REVIEWS_FILE = "deaths/reviews.yml"

LOCATION_TYPES = ("home", "other-residential", "care-home", "hospital", "hotel",
                  "public-outdoor", "public-indoor", "water", "railway", "road", "custody",
                  "other")
CATEGORIES = ("natural", "suicide", "drug-related", "alcohol-related", "accident",
              "road-traffic", "drowning", "fire", "homicide", "unexplained", "suspicious")
INVESTIGATIONS = ("non-suspicious", "unexplained", "suspicious", "homicide")
OUTCOMES = ("pending", "natural-causes", "suicide", "drug-related", "alcohol-related",
            "accident", "misadventure", "unlawful-killing", "open", "narrative")
SEXES = ("male", "female", "unknown")

Kind = Literal["text", "date", "choice", "number", "age", "list", "people", "debrief"]


@dataclass(frozen=True)
class Column:
    """One column of the contract: its name, its kind of value and, for a choice, the
    values it allows."""

    name: str
    kind: Kind
    choices: tuple[str, ...] = ()
    required: bool = False
    about: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("ref", "text", required=True, about="the record's reference, unique within its "
           "source"),
    Column("source", "text", required=True, about="the organisation id the record is from"),
    Column("reported", "date", about="the day the death was reported"),
    Column("died", "date", about="the day of death (may be estimated)"),
    Column("found", "date", about="the day the body was found"),
    Column("area", "text", about="policing area or district"),
    Column("location_type", "choice", LOCATION_TYPES, about="where the death happened"),
    Column("address", "text", about="address or place name"),
    Column("easting", "number", about="British National Grid easting, metres"),
    Column("northing", "number", about="British National Grid northing, metres"),
    Column("name", "text", about="the name of the person who died"),
    Column("dob", "date", about="date of birth"),
    Column("age", "age", about="age in whole years"),
    Column("sex", "choice", SEXES, about="sex"),
    Column("category", "choice", CATEGORIES, about="the police's initial view"),
    Column("substances", "list", about="substances found, `;`-separated"),
    Column("circumstances", "text", about="short free text"),
    Column("people", "people", about="`role: name` pairs, `;`-separated"),
    Column("investigation", "choice", INVESTIGATIONS, about="the investigation's status"),
    Column("coroner_outcome", "choice", OUTCOMES, about="the inquest's outcome"),
    Column("debrief", "debrief", about="the rapid debrief's id, when one was held"),
)

AGE_BANDS = ((0, 17, "0-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
             (45, 54, "45-54"), (55, 64, "55-64"), (65, 74, "65-74"), (75, 84, "75-84"),
             (85, 200, "85+"))


def age_band(age: int | None) -> str:
    """The band an age falls in, as the report groups ages ("unknown" without one)."""
    if age is None:
        return "unknown"
    return next(name for low, high, name in AGE_BANDS if low <= age <= high)
