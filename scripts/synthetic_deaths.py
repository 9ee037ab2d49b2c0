"""Fictional death records for Wyvernshire: police reports and a medical examiner's file,
with planted series (a space-time cluster, a person, a place, a spike) and decoys (a
hospital, a large care home, common names, a family present at two deaths years apart).

Usage: python scripts/synthetic_deaths.py [--records 6000] [--seed 7] [--root .]
       [--truth truth.json]

Deterministic for a seed. Every name and address is invented: names are drawn from lists
of common forenames and surnames and put together at random; streets from lists of common
street words. The example's deaths/ folder is made with the defaults.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

POLICE, PARTNER = "wyvernshire-constabulary", "wyvernshire-hospitals-nhs-trust"
START, END = date(2021, 4, 1), date(2026, 11, 27)
AREAS = {  # centre (easting, northing), spread in metres, share of deaths
    "Calder Cross": ((412000, 288000), 3000, 0.24),
    "Harrowmere North": ((398000, 301000), 2500, 0.14),
    "Harrowmere South": ((399000, 295000), 2500, 0.13),
    "Oxleigh": ((425000, 279000), 2000, 0.12),
    "Sallowby": ((405000, 272000), 2000, 0.12),
    "Brindmoor": ((430000, 296000), 2500, 0.13),
    "Fennick Vale": ((388000, 282000), 3500, 0.12),
}
FORENAMES_M = (
    "John", "David", "Michael", "Paul", "Andrew", "Mark", "James", "Robert", "Richard", "Peter",
    "Stephen", "Ian", "Christopher", "Thomas", "William", "Gary", "Anthony", "Kevin", "Daniel",
    "Matthew", "Simon", "Alan", "Neil", "Steven", "Martin", "Jason", "Darren", "Lee", "Craig",
    "Ryan", "Liam", "Jack", "Callum", "Connor", "Nathan", "Jordan", "Kieran", "Aaron", "Dean",
    "Shaun", "Graham", "Keith", "Brian", "Colin", "Roger", "Derek", "Dennis", "Ronald", "Kenneth",
    "Harold", "Frank", "Arthur", "George", "Albert"
)
FORENAMES_F = (
    "Susan", "Margaret", "Sarah", "Karen", "Julie", "Helen", "Elizabeth", "Linda", "Patricia",
    "Jennifer", "Catherine", "Emma", "Claire", "Nicola", "Joanne", "Lisa", "Michelle", "Rachel",
    "Rebecca", "Laura", "Amy", "Hannah", "Jessica", "Chloe", "Sophie", "Lauren", "Gemma", "Kelly",
    "Donna", "Tracey", "Dawn", "Wendy", "Janet", "Christine", "Barbara", "Jean", "Joan", "Doris",
    "Dorothy", "Irene", "Sheila", "Brenda", "Pauline", "Maureen", "Valerie", "Anne", "Mary",
    "Kathleen", "Joyce", "Eileen", "Sandra", "Carol"
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes",
    "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin",
    "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison",
    "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price",
    "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey",
    "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall",
    "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman",
    "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews",
    "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
    "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson",
    "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott",
    "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence",
    "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
    "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
    "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
    "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland",
    "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reeves", "Kennedy", "Jordan",
    "Burns", "Hopkins", "Fraser", "Fletcher-Hyde", "Aldridge", "Ashby", "Blackwood", "Calloway",
    "Drummond", "Everitt", "Fairweather", "Gosling", "Hadley", "Ingram", "Jessop", "Kingsley",
    "Lomax", "Mottram", "Nettleton", "Ormerod", "Pickering", "Quarmby", "Rushworth", "Sowerby",
    "Thackeray", "Underhill", "Varley", "Whitworth", "Yardley"
)
STREET_WORDS = (
    "Church", "Mill", "Station", "Park", "Victoria", "Albert", "Queen", "King", "High", "Green",
    "Chapel", "School", "Orchard", "Willow", "Elm", "Oak", "Ash", "Beech", "Rowan", "Hawthorn",
    "Meadow", "Brook", "Bridge", "Castle", "Manor", "Priory", "Tanners", "Weavers", "Saddlers",
    "Ropers", "Cooper", "Fletcher", "Larch", "Hazel", "Holly", "Cedar", "Laurel", "Heron",
    "Kestrel", "Plover", "Linnet", "Marlpit", "Cross", "Well", "Abbey", "Furnace", "Forge", "Kiln",
    "Quarry", "Wharf", "Canal"
)
STREET_KINDS = ("Street", "Road", "Lane", "Close", "Avenue", "Way", "Row", "Crescent",
                "Terrace", "Drive")
NICKNAMES = {"Robert": "Bob", "William": "Bill", "Margaret": "Maggie", "Elizabeth": "Liz",
             "James": "Jim", "Michael": "Mike", "Catherine": "Kate", "Thomas": "Tom",
             "Christopher": "Chris", "Anthony": "Tony", "Patricia": "Pat", "Kenneth": "Ken",
             "Jennifer": "Jenny", "Daniel": "Dan", "Matthew": "Matt", "Steven": "Steve"}
CATEGORY = {  # share, (mean age, sd), share male, location types with weights
    "natural": (0.55, (78, 12), 0.5, {"home": 70, "care-home": 15, "hospital": 6,
                                      "public-outdoor": 3, "public-indoor": 3,
                                      "other-residential": 3}),
    "suicide": (0.12, (45, 16), 0.75, {"home": 55, "public-outdoor": 20, "railway": 8,
                                       "water": 7, "other-residential": 5, "hotel": 3,
                                       "custody": 2}),
    "drug-related": (0.09, (40, 10), 0.75, {"home": 60, "other-residential": 15,
                                            "public-outdoor": 12, "public-indoor": 8,
                                            "hotel": 5}),
    "alcohol-related": (0.05, (55, 10), 0.7, {"home": 80, "public-outdoor": 10,
                                              "other-residential": 10}),
    "accident": (0.08, (65, 22), 0.55, {"home": 60, "public-outdoor": 20,
                                        "public-indoor": 10, "care-home": 10}),
    "road-traffic": (0.04, (42, 20), 0.7, {"road": 100}),
    "drowning": (0.015, (40, 22), 0.8, {"water": 100}),
    "fire": (0.005, (60, 20), 0.6, {"home": 90, "other-residential": 10}),
    "homicide": (0.01, (35, 15), 0.7, {"home": 60, "public-outdoor": 35, "other": 5}),
    "unexplained": (0.03, (50, 20), 0.65, {"home": 60, "public-outdoor": 25,
                                           "other-residential": 15}),
    "suspicious": (0.01, (40, 18), 0.65, {"home": 55, "public-outdoor": 35,
                                          "other-residential": 10}),
}
DRUGS = {"heroin": 30, "methadone": 15, "cocaine": 20, "crack cocaine": 8,
         "benzodiazepines": 12, "pregabalin": 8, "alcohol": 15, "fentanyl": 1, "ketamine": 2,
         "mdma": 2, "ghb": 0.3}
OUTCOME = {"natural": {"natural-causes": 1}, "suicide": {"suicide": 8, "narrative": 1, "open": 1},
           "drug-related": {"drug-related": 6, "misadventure": 3, "narrative": 1},
           "alcohol-related": {"alcohol-related": 1},
           "accident": {"accident": 6, "misadventure": 4}, "road-traffic": {"accident": 1},
           "drowning": {"accident": 4, "misadventure": 3, "open": 2, "suicide": 1},
           "fire": {"accident": 1}, "homicide": {"unlawful-killing": 1},
           "unexplained": {"natural-causes": 5, "drug-related": 2, "open": 2, "narrative": 1},
           "suspicious": {"natural-causes": 5, "accident": 3, "unlawful-killing": 2}}
INVESTIGATION = {"homicide": "homicide", "unexplained": "unexplained",
                 "suspicious": "suspicious"}
WHAT = {"natural": "found collapsed", "suicide": "apparent self-inflicted death",
        "drug-related": "found unresponsive, drug paraphernalia nearby",
        "alcohol-related": "long history of heavy drinking", "accident": "fall",
        "road-traffic": "collision", "drowning": "recovered from water",
        "fire": "house fire", "homicide": "assault", "unexplained": "cause not apparent",
        "suspicious": "injuries not explained"}


@dataclass
class Death:
    """One fictional death, as the truth the files are made from."""

    key: int
    died: date
    area: str
    location_type: str
    address: str
    easting: int
    northing: int
    forename: str
    surname: str
    dob: date
    sex: str
    category: str
    substances: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)
    circumstances: str = ""
    debrief: str = ""
    police: bool = True
    partner: bool = False

    @property
    def age(self) -> int:
        d, b = self.died, self.dob
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


@dataclass(frozen=True)
class Generated:
    """Rows of both files and what is known to be true about them."""

    police: list[dict[str, str]]
    partner: list[dict[str, str]]
    truth: dict[str, Any]


class _World:
    """The county: streets, institutions, staff, and a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.streets: dict[str, list[tuple[str, int, int]]] = {}
        for area, ((east, north), spread, _) in AREAS.items():
            streets: list[tuple[str, int, int]] = []
            used: set[str] = set()
            while len(streets) < 120:
                name = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
                if name in used:
                    continue
                used.add(name)
                streets.append((name, int(rng.gauss(east, spread)), int(rng.gauss(north, spread))))
            self.streets[area] = streets
        self.places = {  # institutions: (name and address, area, type, easting, northing)
            "hospital": [("Wyvernshire General Hospital, Infirmary Road, Calder Cross",
                          "Calder Cross", 412500, 288900),
                         ("Harrowmere Community Hospital, Vale Road, Harrowmere North",
                          "Harrowmere North", 398400, 301300)],
            "care-home": [("Elmstead Court Care Home, Elmstead Lane, Oxleigh", "Oxleigh",
                           425600, 279400)] * 6 + [
                (f"{w} House Care Home, {w} Road, {area}", area, c[0][0] + 700, c[0][1] - 500)
                for w, (area, c) in zip(("Linden", "Bramble", "Foxglove", "Sorrel", "Teasel",
                                         "Yarrow", "Campion"), AREAS.items(), strict=False)],
            "hotel": [("Station Hotel, Station Approach, Calder Cross", "Calder Cross", 411800,
                       287600), ("Wyvern Arms Hotel, Market Place, Oxleigh", "Oxleigh", 425100,
                                 279100), ("Riverside Lodge, Quay Street, Sallowby", "Sallowby",
                                           405900, 271800)],
            "custody": [("Calder Cross Police Station custody suite, Corn Street, Calder Cross",
                         "Calder Cross", 412100, 288200)],
        }
        self.staff = {place[0]: [self.person() for _ in range(14)]
                      for kind in ("hospital", "care-home") for place in self.places[kind]}
        self.nurses = {area: [self.person() for _ in range(8)] for area in AREAS}

    def pick(self, weights: Mapping[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def forename(self, sex: str) -> str:
        names = FORENAMES_M if sex == "male" else FORENAMES_F
        return names[min(int(self.rng.expovariate(1 / 9)), len(names) - 1)]

    def surname(self) -> str:
        return SURNAMES[min(int(self.rng.expovariate(1 / 45)), len(SURNAMES) - 1)]

    def person(self, surname: str | None = None) -> str:
        sex = self.rng.choice(("male", "female"))
        return f"{self.forename(sex)} {surname or self.surname()}"

    def home(self, area: str) -> tuple[str, int, int]:
        street, east, north = self.rng.choice(self.streets[area])
        number = self.rng.randint(1, 320)
        return (f"{number} {street}, {area}", east + self.rng.randint(-150, 150),
                north + self.rng.randint(-150, 150))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _at_home(world: _World, death: Death, area: str) -> Death:
    """The death moved to a home in ``area``."""
    death.area, death.location_type = area, "home"
    death.address, death.easting, death.northing = world.home(area)
    return death


def _death(world: _World, key: int, died: date, category: str | None = None,
           area: str | None = None) -> Death:
    rng = world.rng
    category = category or world.pick({c: v[0] for c, v in CATEGORY.items()})
    _, (mean, sd), male, places = CATEGORY[category]
    area = area or world.pick({a: v[2] for a, v in AREAS.items()})
    sex = "male" if rng.random() < male else "female"
    age = max(0, min(104, int(rng.gauss(mean, sd))))
    dob = died - timedelta(days=age * 365 + rng.randrange(365))
    location = world.pick(places)
    address, east, north = world.home(area)
    if location in world.places:
        choices = [p for p in world.places[location] if p[1] == area] or world.places[location]
        address, area, east, north = rng.choice(choices)
    elif location != "home":
        street, east, north = rng.choice(world.streets[area])
        east, north = east + rng.randint(-200, 200), north + rng.randint(-200, 200)
        address = f"{rng.choice(('land off', 'near', 'rear of', 'by'))} {street}, {area}"
    surname = world.surname()
    death = Death(key, died, area, location, address, east, north, world.forename(sex),
                  surname, dob, sex, category, circumstances=WHAT[category])
    death.substances = _substances(world, category)
    death.people = _people(world, death)
    return death


def _substances(world: _World, category: str) -> list[str]:
    rng = world.rng
    if category == "drug-related":
        return sorted({world.pick(DRUGS) for _ in range(rng.randint(1, 3))})
    if category == "alcohol-related" or (category in ("accident", "road-traffic", "suicide")
                                         and rng.random() < 0.15):
        return ["alcohol"]
    if category == "unexplained" and rng.random() < 0.3:
        return [world.pick(DRUGS)]
    return []


def _people(world: _World, death: Death) -> list[tuple[str, str]]:
    rng, people = world.rng, []
    if death.address in world.staff:
        people.append(("found-by", rng.choice(world.staff[death.address])))
    elif death.location_type == "home":
        family = rng.random() < 0.55
        finder = world.person(death.surname if family else None)
        people.append(("found-by", finder))
        if rng.random() < 0.6:
            people.append(("reported-by", finder))
        if rng.random() < 0.35:
            people.append(("last-seen-by", world.person()))
        if death.age > 65 and rng.random() < 0.25:
            people.append(("visited-by", rng.choice(world.nurses[death.area])))
    else:
        people.append(("found-by", world.person()))
        if rng.random() < 0.2:
            people.append(("last-seen-with", world.person()))
    return people


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 1)
    how = rng.randrange(3)
    if how == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    if how == 1:
        return word[:at] + word[at + 1:]
    return word[:at] + rng.choice("aeiou") + word[at + 1:]


def _police_row(world: _World, death: Death, ref: str) -> dict[str, str]:
    rng = world.rng
    found = death.died + timedelta(days=rng.choice((0, 0, 0, 0, 1, 1, 2)))
    age = death.age
    grid = rng.random() >= 0.04
    recent = (END - death.died).days < 300
    outcome = "" if death.category == "natural" and rng.random() < 0.5 else \
        "pending" if recent and rng.random() < 0.7 else world.pick(OUTCOME[death.category])
    return {
        "ref": ref, "source": POLICE, "reported": found.isoformat(),
        "died": death.died.isoformat(), "found": found.isoformat(), "area": death.area,
        "location_type": death.location_type, "address": death.address,
        "easting": str(death.easting) if grid else "",
        "northing": str(death.northing) if grid else "",
        "name": f"{death.forename} {death.surname}",
        "dob": "" if rng.random() < 0.08 else death.dob.isoformat(),
        "age": "" if rng.random() < 0.03 else str(age), "sex": death.sex,
        "category": death.category, "substances": "; ".join(death.substances),
        "circumstances": death.circumstances,
        "people": "; ".join(f"{role}: {name}" for role, name in death.people),
        "investigation": INVESTIGATION.get(death.category, "non-suspicious"),
        "coroner_outcome": outcome, "debrief": death.debrief,
    }


def _partner_row(world: _World, death: Death, ref: str) -> dict[str, str]:
    rng = world.rng
    forename, surname = death.forename, death.surname
    roll = rng.random()
    if roll < 0.08:
        surname = _typo(rng, surname)
    elif roll < 0.12 and forename in NICKNAMES:
        forename = NICKNAMES[forename]
    elif roll < 0.15:
        forename = _typo(rng, forename)
    elif roll < 0.17 and "-" in surname:
        surname = surname.replace("-", " ")
    died = death.died + timedelta(days=rng.choice((0,) * 15 + (1, 1, 1, -1, 2)))
    dob = death.dob
    roll = rng.random()
    if roll < 0.08:
        dob_text = ""
    elif roll < 0.1 and dob.day <= 12 and dob.day != dob.month:
        dob_text = date(dob.year, dob.day, dob.month).isoformat()
    else:
        dob_text = dob.isoformat()
    address = death.address
    if rng.random() < 0.15:
        address = ""
    elif rng.random() < 0.3:
        address = re.sub(r"\bRoad\b", "Rd", re.sub(r"\bStreet\b", "St", address))
    known_place = death.location_type in ("hospital", "care-home") or death.police is False
    age = died.year - dob.year - ((died.month, died.day) < (dob.month, dob.day))
    if dob_text and date.fromisoformat(dob_text) > died:
        dob_text = ""
    if dob_text:
        shown = date.fromisoformat(dob_text)
        age = died.year - shown.year - ((died.month, died.day) < (shown.month, shown.day))
    outcome = "pending" if (END - death.died).days < 250 else \
        world.pick(OUTCOME[death.category])
    return {
        "ref": ref, "source": PARTNER, "reported": (died + timedelta(days=1)).isoformat(),
        "died": died.isoformat(), "area": death.area, "location_type": death.location_type,
        "address": address,
        "easting": str(death.easting) if known_place else "",
        "northing": str(death.northing) if known_place else "",
        "name": f"{forename} {surname}", "dob": dob_text,
        "age": "" if rng.random() < 0.05 else str(age),
        "sex": death.sex if rng.random() < 0.98 else "",
        "category": "" if death.police else death.category,
        "substances": "; ".join(death.substances) if rng.random() < 0.7 else "",
        "coroner_outcome": outcome,
    }


def _planted(world: _World, next_key: int) -> tuple[list[Death], dict[str, list[int]],
                                                     dict[str, list[int]]]:
    """The planted series and the decoys, as deaths (their keys, by kind)."""
    rng, deaths = world.rng, []
    series: dict[str, list[int]] = {"cluster": [], "person": [], "place": [], "spike": []}
    decoys: dict[str, list[int]] = {"family": []}

    def add(kind: str, book: dict[str, list[int]], death: Death) -> Death:
        deaths.append(death)
        book[kind].append(death.key)
        return death

    # A: four young men near St Aldhelm's churchyard, Sallowby, over 14 months, GHB in
    # each; a man found one and was last seen with another. The fourth reached only the
    # medical examiner (he died in hospital after being found there).
    finder = "Lucan Ferriby"
    for at, (day, age, category, place) in enumerate((
            (date(2024, 6, 14), 24, "drug-related", "public-outdoor"),
            (date(2024, 11, 2), 21, "unexplained", "public-outdoor"),
            (date(2025, 3, 21), 26, "natural", "home"),
            (date(2025, 8, 9), 23, "drug-related", "public-outdoor"))):
        death = _death(world, next_key + len(deaths), day, category, "Sallowby")
        east, north = 405300 + rng.randint(-250, 250), 272400 + rng.randint(-250, 250)
        death = replace(death, sex="male", forename=world.forename("male"), area="Sallowby",
                        dob=day - timedelta(days=age * 365 + 40 + rng.randrange(300)),
                        location_type=place, easting=east, northing=north,
                        address=("St Aldhelm's Churchyard, Church Walk, Sallowby"
                                 if place == "public-outdoor" else
                                 f"Flat {at + 2}, 9 Lychgate Row, Sallowby"),
                        substances=sorted({"ghb", *(["alcohol"] if at == 1 else [])}),
                        circumstances="found in the churchyard in the early morning"
                        if place == "public-outdoor" else "found in bed by a flatmate")
        death.people = [("found-by", finder if at == 0 else world.person())]
        if at == 2:
            death.people.append(("last-seen-with", finder))
        if at == 3:
            death.police, death.partner, death.people = False, True, []
        add("cluster", series, death)
    # B: one person named at three unrelated deaths in three areas over 20 months.
    for day, area, category, role in ((date(2024, 2, 3), "Brindmoor", "accident", "found-by"),
                                      (date(2025, 1, 17), "Calder Cross", "unexplained",
                                       "last-seen-by"),
                                      (date(2025, 9, 28), "Fennick Vale", "drug-related",
                                       "reported-by")):
        death = _at_home(world, _death(world, next_key + len(deaths), day, category, area),
                         area)
        death.people = [(role, "Dorian Ashgrove")]
        add("person", series, death)
    # C: four deaths in nine months in the flats at 41 Tanners Row, Calder Cross.
    for at, (day, category, drugs) in enumerate((
            (date(2025, 10, 4), "drug-related", ["heroin", "pregabalin"]),
            (date(2026, 1, 19), "drug-related", ["heroin"]),
            (date(2026, 4, 2), "suicide", []),
            (date(2026, 6, 30), "drug-related", ["pregabalin", "methadone"]))):
        death = _death(world, next_key + len(deaths), day, category, "Calder Cross")
        death.area, death.location_type, death.substances = ("Calder Cross",
                                                             "other-residential", drugs)
        death.address = f"Flat {at + 1}, 41 Tanners Row, Calder Cross"
        death.easting, death.northing = 411300, 289700
        add("place", series, death)
    # D: a spike of drug deaths with a nitazene in Brindmoor in July to September 2026.
    for _ in range(13):
        death = _death(world, next_key + len(deaths),
                       _day(rng, date(2026, 7, 1), date(2026, 9, 30)), "drug-related",
                       "Brindmoor")
        death = _at_home(world, death, "Brindmoor")
        death.substances = sorted({"nitazene", rng.choice(("heroin", "cocaine", "alcohol"))})
        add("spike", series, death)
    # Decoy: a woman found her husband in 2021 and reported her son's death in 2025, both
    # at the family home.
    address, east, north = "22 Orchard Close, Oxleigh", 425400, 278600
    for day, forename, category, role in ((date(2021, 9, 12), "Ronald", "natural", "found-by"),
                                          (date(2025, 2, 23), "Craig", "suicide",
                                           "reported-by")):
        death = _death(world, next_key + len(deaths), day, category, "Oxleigh")
        death = replace(death, forename=forename, surname="Hollowell", sex="male",
                        area="Oxleigh", location_type="home", address=address, easting=east,
                        northing=north)
        death.people = [(role, "Patricia Hollowell")]
        add("family", decoys, death)
    return deaths, series, decoys


def _debrief_deaths(world: _World, root: Path | None, next_key: int) -> list[Death]:
    """A homicide record for each rapid debrief of a homicide in the repository."""
    if root is None or not (root / "debriefs").is_dir():
        return []
    import yaml

    deaths: list[Death] = []
    for path in sorted((root / "debriefs").glob("RD-*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0]
                               .removeprefix("---\n"))
        incident = front.get("incident", {})
        victims = [s for s in front.get("subjects", []) if s.get("role") == "victim"]
        if incident.get("category") != "homicide" or not victims:
            continue
        area = incident.get("area", "")
        area = next((a for a in AREAS if area.startswith(a)), "Calder Cross")
        death = _death(world, next_key + len(deaths), incident["date"], "homicide", area)
        forename, _, surname = victims[0]["name"].partition(" ")
        death.forename, death.surname, death.debrief = forename, surname, front["id"]
        deaths.append(death)
    return deaths


def generate(records: int = 6000, seed: int = 7, root: Path | None = None) -> Generated:
    """About ``records`` rows in all, police reports and the medical examiner's file."""
    world = _World(random.Random(seed))
    rng = world.rng
    police_deaths = max(50, round(records / 1.5))
    deaths = [_death(world, key, _day(rng, START, END)) for key in range(police_deaths)]
    planted, series, decoys = _planted(world, len(deaths))
    deaths += planted
    deaths += _debrief_deaths(world, root, len(deaths))
    for death in deaths:
        if not death.police:
            continue
        death.partner = death.location_type in ("hospital", "care-home") or \
            rng.random() < (0.5 if death.category != "natural" else 0.35)
    extra = round(police_deaths * 0.1)  # deaths only the medical examiner knew of
    for key in range(len(deaths), len(deaths) + extra):
        death = _death(world, key, _day(rng, START, END),
                       world.pick({"natural": 6, "drug-related": 2, "alcohol-related": 2}))
        death.location_type = "hospital"
        death.address, death.area, death.easting, death.northing = world.places["hospital"][
            key % 2]
        death.police, death.partner, death.people = False, True, []
        deaths.append(death)
    deaths.sort(key=lambda d: (d.died, d.key))
    police, partner, refs = [], [], {}
    counts: dict[tuple[str, int], int] = {}
    for death in deaths:
        got = []
        if death.police:
            counts[("WC", death.died.year)] = n = counts.get(("WC", death.died.year), 0) + 1
            ref = f"WC-{death.died.year}-{n:05d}"
            police.append(_police_row(world, death, ref))
            got.append(ref)
        if death.partner:
            counts[("ME", death.died.year)] = n = counts.get(("ME", death.died.year), 0) + 1
            ref = f"ME{death.died.year}/{n:05d}"
            partner.append(_partner_row(world, death, ref))
            got.append(ref)
        refs[death.key] = got
    truth = {"duplicates": sorted(r for r in refs.values() if len(r) > 1),
             "series": {kind: sorted(ref for key in keys for ref in refs[key])
                        for kind, keys in series.items()},
             "decoys": {kind: sorted(ref for key in keys for ref in refs[key])
                        for kind, keys in decoys.items()}}
    return Generated(police, partner, truth)


POLICE_COLUMNS = ("ref", "source", "reported", "died", "found", "area", "location_type",
                  "address", "easting", "northing", "name", "dob", "age", "sex", "category",
                  "substances", "circumstances", "people", "investigation", "coroner_outcome",
                  "debrief")
PARTNER_COLUMNS = ("ref", "source", "reported", "died", "area", "location_type", "address",
                   "easting", "northing", "name", "dob", "age", "sex", "category",
                   "substances", "coroner_outcome")


def write(root: Path, generated: Generated) -> list[Path]:
    """The two CSV files in ``root``/deaths/."""
    folder = root / "deaths"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns, rows in (("police-reports.csv", POLICE_COLUMNS, generated.police),
                                ("medical-examiner.csv", PARTNER_COLUMNS, generated.partner)):
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as file:
            out = csv.DictWriter(file, columns, lineterminator="\n")
            out.writeheader()
            out.writerows(rows)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--truth", type=Path, help="write what is true (duplicates, series)")
    args = parser.parse_args()
    generated = generate(args.records, args.seed, args.root)
    for path in write(args.root, generated):
        print(path)
    if args.truth:
        args.truth.write_text(json.dumps(generated.truth, indent=1), encoding="utf-8")
    print(f"{len(generated.police) + len(generated.partner)} records, "
          f"{len(generated.truth['duplicates'])} deaths in both files, "
          f"{math.fsum(len(v) for v in generated.truth['series'].values()):.0f} planted refs")


if __name__ == "__main__":
    main()
