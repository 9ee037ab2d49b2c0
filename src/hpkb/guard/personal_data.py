"""Owned rules for personal data in published text: UK phone numbers, postcodes, vehicle
registrations, driving licence, National Insurance and NHS numbers, dates of birth, email
addresses, crime and incident references, collar numbers. No model is downloaded: every
rule is a pattern or a checksum here, and its catch rate and false positives are measured
in the tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import phonenumbers

__all__ = ["DIGIT_FREE_RULES", "PII_RULES", "Hit", "find_personal_data", "with_article"]


@dataclass(frozen=True)
class Hit:
    """One match of a guard rule in a line of text."""

    rule: str
    start: int
    text: str


_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9]"
                       r"[ABD-HJLNP-UW-Z]{2})\b")
_NI_NUMBER = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                        r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b", re.IGNORECASE)
_NHS_CANDIDATE = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A date after a label: numeric (12/03/1987, 01.01.2001), ISO (1985-02-11), or with the
# month's name in any case, spaced (4 July 1990, 5th of May 1990, July 4, 1990) or joined
# by hyphens, dots or slashes (5-MAY-2021, 05/may/21). A two-digit year never after a
# comma: "born on 1 May, 20 officers..." is not one.
_DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date[ -]of[ -]birth|birth ?date|born(?: on)?)\W{0,3}"
                  r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\d{2})?"
                  rf"|\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTHS}(?:,? \d{{4}}| \d{{2}})"
                  rf"|\d{{1,2}}[/.-]{_MONTHS}[/.-]\d{{2}}(?:\d{{2}})?"
                  rf"|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
                  r"|\d{4}[/.-]\d{2}[/.-]\d{2})\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CRIME_REF = re.compile(r"\b(?:\d{2}/\d{4,7}/\d{2}|[A-Z]{2,4}-?\d{6,10}|"
                        r"(?:incident|log|cad|crime|occurrence)(?: ref(?:erence)?| number| no\.?)?"
                        r" ?:? ?\d{2,6}(?: of |/)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b",
                        re.IGNORECASE)
_COLLAR = re.compile(r"\b(?:PC|DC|PS|DS|Sgt|PCSO|Insp|DI|DCI|collar(?: number| no\.?)?)"
                     r" ?:? ?\d{2,5}\b")


# Vehicle registrations. Formats, with a space, a hyphen or nothing between the groups:
#   current  AB12 CDE  two area letters, two age digits, three letters (from 2001)
#   prefix   A123 BCD  an age letter, one to three digits, three letters (1983 to 2001)
#   suffix   ABC 123D  three letters, one to three digits, an age letter (1963 to 1983)
#   dateless ABC 123, AB 1234, 1234 AB, 123 ABC, and Northern Ireland's ABZ 1234
# A current plate is caught anywhere, in upper or lower case (a mix such as "FY24 and" is
# prose, not a plate); a prefix or suffix plate anywhere in upper case, and in lower case
# only after a registration label ("reg", "registration", "VRM", "plate"...), since
# "s136 was", "p12 for" and "was 5m" are prose. Any of the three whose three letters are
# an acronym of police prose or a word in capitals ("S20 GBH", "M25 RTC", "FY24 AND")
# needs the label too. A dateless form is too short to tell from prose ("NHS 111", "DHR
# 2024", "Level 3", "M25"): it is caught only in upper case, right after a label or a
# vehicle noun ("car", "van", "vehicle"...), and a single letter ("A1", "J10": roads and
# junctions), a unit ("50 MPH", "10 PM") or a make ("BMW 320") only after a label.
# Lower-case dateless plates are not caught ("car at 14" and "registered in 2019" have
# their shape), nor are Q plates ("Q4 KPI" is prose).
# An age letter is never I, O, Q, U or Z; the other letters are never I or Q.
_PLATE_SEP = r"[ -]?"
_CURRENT = rf"[A-HJ-PR-Y]{{2}}[0-9]{{2}}{_PLATE_SEP}[A-HJ-PR-Z]{{3}}"
_PREFIX = rf"[A-HJ-NPR-TV-Y][0-9]{{1,3}}{_PLATE_SEP}[A-HJ-PR-Z]{{3}}"
_SUFFIX = rf"[A-HJ-PR-Z]{{3}}{_PLATE_SEP}[0-9]{{1,3}}[A-HJ-NPR-TV-Y]"
_DATELESS = rf"[A-Z]{{1,3}}{_PLATE_SEP}[0-9]{{1,4}}|[0-9]{{1,4}}{_PLATE_SEP}[A-Z]{{1,3}}"
# Not inside a word, a path, an address or an id such as RD-2024-007 or CSPR-WY-2024-03.
_VEHICLE = re.compile(
    rf"(?<![\w/.@&-])(?:(?P<current>{_CURRENT}|{_CURRENT.lower()})"
    rf"|(?P<prefix>{_PREFIX})|(?P<suffix>{_SUFFIX})"
    rf"|(?P<prefix_lower>{_PREFIX.lower()})|(?P<suffix_lower>{_SUFFIX.lower()})"
    rf"|(?P<dateless>{_DATELESS}))(?![-/.@&]?\w)")
# The words just before a plate that say it is one: a label, then up to two joining words.
_PLATE_LABEL = re.compile(
    r"\b(?:reg(?:istration|istered|\.)?|vrm|vrn|index|(?:number )?plates?|anpr)"
    r"(?:\s+(?:no\.?|number|mark|as|of|is|was|reading|read|showing|shows|hit|on|picked|up"
    r"|for)){0,2}\s*[:(,-]?\s*$", re.IGNORECASE)
_VEHICLE_NOUN = re.compile(
    r"\b(?:car|van|vehicle|motorbike|motorcycle|moped|scooter|lorry|truck|taxi|hgv)"
    r"\s*[:(,-]?\s*$", re.IGNORECASE)
# Letters that make a plate-shaped run prose: an act or an offence after a section
# ("S20 GBH", "S23 MDA"), a road's collision ("M25 RTC"), a team or a service after a
# grade or an action id ("P1 CAD", "A02 CPS"). Such a run is caught only after a label.
_PROSE_ACRONYMS = frozenset({
    "ABH", "GBH", "MHA", "MCA", "POA", "CJA", "CDA", "SOA", "PHA", "DAA", "DVA", "CYP",
    "MDA", "PCA", "SCA", "CAA", "HRA", "DPA", "OPA", "FOI", "RTA", "RTC", "CPS", "CAD",
    "NHS", "ASB", "CSE", "CCE", "VRU", "DHR", "SAR", "MSP", "MIT", "CID", "PPU", "DVU",
    "CSC", "SLT", "IOM", "PNC", "PND", "DBS", "PSD", "ARV", "AFO", "NPT", "SNT", "BTP",
    "NCA", "HMP", "YOT", "YOS", "ICB", "ICU", "DWP", "CSP", "KPI", "RAG", "SOP", "MOJ",
    "CJS", "PPN", "NFA", "RUI", "MOU", "ACC", "DCC", "PCC", "TBC", "TBA"})
# Common words: a plate-shaped run ending in one is prose ("FY24 AND"), a plate only after
# a label and in capitals ("index v2 and" is prose).
_PROSE_WORDS = frozenset({
    "AND", "THE", "FOR", "WAS", "ARE", "BUT", "NOT", "HAS", "HAD", "ALL", "ANY", "NEW",
    "OLD", "OUT", "OFF", "DUE", "YES", "NOW", "WHO", "SEE", "PER", "VIA", "TOP", "LOW",
    "HIS", "HER", "ITS", "OUR", "CAN", "MAY", "DID", "GOT", "SET", "RAN", "MET", "SAW"})
_UNITS = frozenset({"AM", "PM", "MPH", "KPH", "KM", "CC", "HP", "BHP"})
_MAKES = frozenset({"BMW", "VW", "MG", "DS", "RS", "GT", "GTI", "KTM", "TVR"})
_LOOK_BACK = 48  # characters before a plate searched for its label


def _plate_in_context(text: str, match: re.Match[str]) -> bool:
    kind = match.lastgroup
    plate = match.group(0)
    letters = "".join(c for c in plate if c.isalpha()).upper()
    # The three letters that could be a word: a suffix plate's first, another's last.
    word = letters[:3] if kind in ("suffix", "suffix_lower") else letters[-3:]
    if plate.islower() and word in _PROSE_WORDS:
        return False
    before = text[max(0, match.start() - _LOOK_BACK):match.start()]
    if _PLATE_LABEL.search(before):
        return True
    if kind in ("current", "prefix", "suffix"):
        return word not in _PROSE_ACRONYMS and word not in _PROSE_WORDS
    if kind != "dateless" or not _VEHICLE_NOUN.search(before):
        return False
    return len(letters) > 1 and letters not in _UNITS and letters not in _MAKES


def _vehicles(text: str) -> Iterator[Hit]:
    at = 0
    while match := _VEHICLE.search(text, at):
        if _plate_in_context(text, match):
            yield Hit("vehicle registration", match.start(), match.group(0))
            at = match.end()
        else:  # a shorter plate may start inside this run: "VRM 9 XYZ"
            at = match.start() + 1


# DVLA driving licence numbers: five letters of the surname (padded with 9), the birth
# date as decade digit, month (plus 50 for a woman), day and year digit, two initials
# (padded with 9), a check digit and two check characters: MORGA657054SM9IJ, sometimes
# spaced after the surname and the date, or with the card's two-digit issue number joined
# on. The date is checked, so a random run of sixteen letters and digits does not match.
_LICENCE = re.compile(r"(?<![\w-])(?:[A-Z]{5}|[A-Z]{4}9|[A-Z]{3}99|[A-Z]{2}999|[A-Z]9999)"
                      r" ?(?P<decade>[0-9])(?P<month>[0156][0-9])(?P<day>[0-3][0-9])"
                      r"(?P<year>[0-9]) ?[A-Z][A-Z9][0-9][A-Z0-9]{2}(?:[0-9]{2})?(?![\w-])",
                      re.IGNORECASE)


def _licence_date_valid(match: re.Match[str]) -> bool:
    month = int(match["month"]) % 50
    day = int(match["day"])
    year = int(match["decade"] + match["year"])
    for century in (1900, 2000):  # only the last two digits of the year are given
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _licences(text: str) -> Iterator[Hit]:
    for match in _LICENCE.finditer(text):
        if _licence_date_valid(match):
            yield Hit("driving licence number", match.start(), match.group(0))


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[Hit]:
    for match in _NHS_CANDIDATE.finditer(text):
        if _nhs_valid("".join(match.groups())):
            yield Hit("NHS number", match.start(), match.group(0))


_DIGIT = re.compile(r"\d")
# The international form with its "+" left off, and sometimes the trunk 0 kept:
# 447700900123, 4407700900123, 44 7700 900123; a UK number has nine or ten digits after
# the 44. Without the "+" a run of digits in a hash, a list or a table is shaped alike,
# so the number must stand alone, written whole or with a space or hyphen after the 44.
_INTERNATIONAL_WITHOUT_PLUS = re.compile(
    r"(?<![\w#./+-])44(?:0?[1-9][0-9]{8,9}|(?:[ -]|[ -]?\(0\)[ -]?)0?[1-9](?:[ -]?[0-9]){8,9})"
    r"(?![\w/-]|\.[0-9])")


def _phones(text: str) -> Iterator[Hit]:
    if len(_DIGIT.findall(text)) < 10:  # no phone number has fewer digits
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "GB",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 10 and (match.raw_string.startswith(("0", "+44", "(0"))
                                  or _without_plus(text, match.start, match.end)):
            yield Hit("UK phone number", match.start, match.raw_string)


def _without_plus(text: str, start: int, end: int) -> bool:
    found = _INTERNATIONAL_WITHOUT_PLUS.match(text, start)
    return found is not None and found.end() == end


def _regex_rule(name: str, pattern: re.Pattern[str]) -> Callable[[str], Iterator[Hit]]:
    def find(text: str) -> Iterator[Hit]:
        for match in pattern.finditer(text):
            yield Hit(name, match.start(), match.group(0))
    return find


# A rank, an honorific or a title followed by a name (`Insp Gary Hollis`, `PC Smith`,
# `Dr Patel`, `Mrs Jones`): written as authors write them, capitalised. An initial alone
# (`Mr A`, as reviews anonymise people) is not a name; nor is a word that makes the rank a
# team or a process (`DS Team`, `PC Training`).
_RANKS = (r"PC|DC|PS|DS|DI|DCI|DSI|DCS|PCSO|Supt|Ch\.? ?Supt|Det\.? ?Supt|Det\.? ?Insp|"
          r"Insp|Ch\.? ?Insp|Sgt|Det\.? ?Sgt|Det\.? ?Con|Cst|Const|Constable|Sergeant|"
          r"Inspector|Superintendent|Detective|Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Cllr|Councillor|"
          r"Rev|Revd|Sir|Dame")
_NOT_A_NAME = frozenset([
    "Team", "Teams", "Unit", "Units", "Review", "Reviews", "Training", "Supervisor",
    "Supervisors", "Lead", "Leads", "Level", "Rank", "Ranks", "Role", "Roles", "Course",
    "Courses", "Network", "Group", "Board", "Panel", "Officer", "Officers", "Office", "Desk",
    "Hub", "Pool", "Programme", "Guidance", "Standards", "Approval", "Authority", "Briefing",
    "Briefings", "Meeting", "Meetings", "Report", "Reports", "Cover", "Rota", "Shift",
    "Shifts", "Vacancy", "Vacancies", "Post", "Posts", "Grade", "Grades", "General", "Major",
    "Minor", "And", "Or", "The", "A", "An", "Of", "On", "In", "For", "To", "With", "From",
    "At", "By", "Who", "Which", "That", "This", "Chief", "Detective", "Superintendent",
    "Inspector", "Sergeant", "Constable", "Constables", "Sergeants", "Inspectors"])
_RANK_NAME = re.compile(rf"\b(?:{_RANKS})\.?[ \t]+(?:[A-Z]\.?[ \t]+)*"
                        r"([A-Z][a-z]*(?:[-'\u2019][A-Z]?[a-z]+)*)\b")


def _rank_and_name(text: str) -> Iterator[Hit]:
    for match in _RANK_NAME.finditer(text):
        name = match.group(1)
        if len(name) > 1 and name not in _NOT_A_NAME:
            yield Hit("rank or title with a name", match.start(), match.group(0))


PII_RULES: dict[str, Callable[[str], Iterator[Hit]]] = {
    "UK phone number": _phones,
    "postcode": _regex_rule("postcode", _POSTCODE),
    "vehicle registration": _vehicles,
    "driving licence number": _licences,
    "National Insurance number": _regex_rule("National Insurance number", _NI_NUMBER),
    "NHS number": _nhs_numbers,
    "date of birth": _regex_rule("date of birth", _DOB),
    "email address": _regex_rule("email address", _EMAIL),
    "crime or incident reference": _regex_rule("crime or incident reference", _CRIME_REF),
    "collar number": _regex_rule("collar number", _COLLAR),
    "rank or title with a name": _rank_and_name,
}


# The rules that can match text without a digit; every other rule's pattern needs one.
# Most lines of prose have no digit, and one look for a digit spares the other scans (a
# third of a build's source guard). A new rule that needs no digit must be listed here.
DIGIT_FREE_RULES = ("email address", "rank or title with a name")
_WITHOUT_DIGITS = [PII_RULES[name] for name in DIGIT_FREE_RULES]


def find_personal_data(text: str) -> list[Hit]:
    """Every owned-rule hit in a piece of text."""
    rules = PII_RULES.values() if _DIGIT.search(text) else _WITHOUT_DIGITS
    return [hit for rule in rules for hit in rule(text)]




def with_article(rule: str) -> str:
    """A rule's name as a finding says it: `a postcode`, `an email address`."""
    # By sound: an email address, an NHS number; a UK phone number, a postcode.
    return f"{'an' if rule.startswith(('a', 'e', 'i', 'o', 'NHS')) else 'a'} {rule}"
