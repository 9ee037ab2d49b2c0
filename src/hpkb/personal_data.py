"""Owned rules for personal data in published text: UK phone numbers, postcodes, vehicle
registrations, National Insurance and NHS numbers, dates of birth, email addresses, crime
and incident references, collar numbers. No model is downloaded: every rule is a pattern
or a checksum here, and its catch rate and false positives are measured in the tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers

__all__ = ["DIGIT_FREE_RULES", "PII_RULES", "Hit", "find_personal_data"]


@dataclass(frozen=True)
class Hit:
    """One match of a guard rule in a line of text."""

    rule: str
    start: int
    text: str


_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9]"
                       r"[ABD-HJLNP-UW-Z]{2})\b")
_VEHICLE = re.compile(r"\b[A-HJ-PR-Y][A-HJ-PR-Y][0-9]{2} ?[A-HJ-PR-Z]{3}\b")
_NI_NUMBER = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                        r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b", re.IGNORECASE)
_NHS_CANDIDATE = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*")
_DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\W{0,3}"
                  rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)? "
                  rf"{_MONTHS},? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CRIME_REF = re.compile(r"\b(?:\d{2}/\d{4,7}/\d{2}|[A-Z]{2,4}-?\d{6,10}|"
                        r"(?:incident|log|cad|crime|occurrence)(?: ref(?:erence)?| number| no\.?)?"
                        r" ?:? ?\d{2,6}(?: of |/)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b",
                        re.IGNORECASE)
_COLLAR = re.compile(r"\b(?:PC|DC|PS|DS|Sgt|PCSO|Insp|DI|DCI|collar(?: number| no\.?)?)"
                     r" ?:? ?\d{2,5}\b")


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


def _phones(text: str) -> Iterator[Hit]:
    if len(_DIGIT.findall(text)) < 10:  # no phone number has fewer digits
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "GB",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 10 and (match.raw_string.startswith(("0", "+44", "(0"))):
            yield Hit("UK phone number", match.start, match.raw_string)


def _regex_rule(name: str, pattern: re.Pattern[str]) -> Callable[[str], Iterator[Hit]]:
    def find(text: str) -> Iterator[Hit]:
        for match in pattern.finditer(text):
            yield Hit(name, match.start(), match.group(0))
    return find


PII_RULES: dict[str, Callable[[str], Iterator[Hit]]] = {
    "UK phone number": _phones,
    "postcode": _regex_rule("postcode", _POSTCODE),
    "vehicle registration": _regex_rule("vehicle registration", _VEHICLE),
    "National Insurance number": _regex_rule("National Insurance number", _NI_NUMBER),
    "NHS number": _nhs_numbers,
    "date of birth": _regex_rule("date of birth", _DOB),
    "email address": _regex_rule("email address", _EMAIL),
    "crime or incident reference": _regex_rule("crime or incident reference", _CRIME_REF),
    "collar number": _regex_rule("collar number", _COLLAR),
}


# The rules that can match text without a digit; every other rule's pattern needs one.
# Most lines of prose have no digit, and one look for a digit spares the other scans (a
# third of a build's source guard). A new rule that needs no digit must be listed here.
DIGIT_FREE_RULES = ("email address",)
_WITHOUT_DIGITS = [PII_RULES[name] for name in DIGIT_FREE_RULES]


def find_personal_data(text: str) -> list[Hit]:
    """Every owned-rule hit in a piece of text."""
    rules = PII_RULES.values() if _DIGIT.search(text) else _WITHOUT_DIGITS
    return [hit for rule in rules for hit in rule(text)]


