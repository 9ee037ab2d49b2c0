"""The owned personal-data rules, rule by rule: invented positives caught, near misses and
the example repository's text untouched, and the figures the guide states for them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from hpkb.guard.personal_data import DIGIT_FREE_RULES, PII_RULES, find_personal_data
from tests.conftest import REPO_ROOT
from tests.test_guard import NEGATIVES_EXTRA, _nhs

# Invented data only: Ofcom's drama ranges for phone numbers (07700 900xxx, 01632 960xxx,
# 020 7946 0xxx, 0113 496 0xxx...), made-up plates, licences and people.
POSITIVES: dict[str, list[str]] = {
    "UK phone number": [
        "Her mobile is 07700 900123 and she answers after six.",
        "He called from 01632 960 001 on the Tuesday.",
        "The number given was +44 7700 900456.",
        "Ring (01632) 960123 for the family liaison officer.",
        "The landline 020 7946 0321 was disconnected.",
        "The handset's contact list showed 447700900789.",
        "A text came from 4407700900321, the international form with its 0 kept.",
        "She wrote it as 44 7700 900654 on the form.",
        "The call log shows 0044 7700 900111 twice.",
        "Texts from 07700900222 stopped in May.",
        "The office line is 0113 496 0999.",
        "Call +44 (0)7700 900333 out of hours.",
        "The number 0161-496-0123 was on the letter.",
        "WhatsApp messages came from +447700900444.",
        "A Belfast number, 028 9649 6123, was also listed.",
    ],
    "postcode": [
        "She lived at SW1A 1AA before the move.",
        "The address was in M1 1AE, near the station.",
        "Found at a flat in B33 8TH.",
        "Moved to CR2 6XH last year.",
        "Parcel sent to DN55 1PT.",
        "The hostel was at EC1A1BB.",
    ],
    "vehicle registration": [
        "A car, AB12 CDE, was seen twice.",
        "ANPR picked up LV65 XYZ at 02:10.",
        "The van YK19OPR was recovered.",
        "The hire car LN14-HGT was returned late.",
        "A witness wrote ab12 cde on her hand.",
        "The moped's plate, kc68mzw, was false.",
        "The DVLA record for BD51 SMR was checked.",
        "A prefix plate, A123 BCD, was on the trailer.",
        "K1 ABC was a cherished plate moved between cars.",
        "The red Escort was M12 XKL.",
        "The reg was p456 kla, written in lower case.",
        "An old Land Rover, ABC 123D, was parked behind the shop.",
        "The classic car CUB-21K was sold at auction.",
        "The plate read xyz 45b when the photograph was enhanced.",
        "The car, ABC 123, was seen outside the school.",
        "A van registered as HGF 772 was hired that week.",
        "Registration 1234 AB was on a private plate.",
        "The Northern Ireland plate: ABZ 1234.",
        "VRM 9 XYZ was on the limousine.",
        "The car's reg was A 1, a cherished plate.",
        "ANPR hit on 7734 WX near the ring road.",
        "The lorry (ABC 4567) was stopped at the port.",
        "The vehicle index LK 5678 came back as no trace.",
    ],
    "driving licence number": [
        "Licence MORGA657054SM9IJ was produced at the roadside.",
        "Her licence number is MORGA 657054 SM9IJ.",
        "He gave LEE99803125JA9XY as his licence.",
        "The photocard read SMITH862159J99AB 01.",
        "Licence SMITH862159J99AB01, issue number joined on.",
        "A licence O9999701010AB9CD was found in the car.",
        "The copy showed morga657054sm9ij in lower case.",
        "BROWN002290KT9ZZ was on the hire agreement.",
        "PATEL905310RK8QF was checked with the DVLA.",
    ],
    "National Insurance number": [
        "His NI number is JH 12 34 56 C.",
        "NI number AB123456C on the benefits form.",
        "Record shows JG 10 37 50 D.",
        "The payslip gave ce 98 76 54 a.",
        "National Insurance: PX123456B.",
    ],
    "NHS number": [
        f"NHS number {_nhs('943476591')} on the referral.",
        f"Discharge letter quotes {_nhs('401023213')}.",
        f"The GP record {_nhs('123456788').replace(' ', '')} was checked.",
        f"The ambulance sheet gave {_nhs('450557710').replace(' ', '-')}.",
        f"Her NHS no. {_nhs('721456139')} was on the wristband.",
    ],
    "date of birth": [
        "DOB 12/03/1987, lives alone.",
        "Date of birth: 4 July 1990.",
        "She was born on 1985-02-11 in the county.",
        "D.O.B. 01.01.2001 recorded on the custody record.",
        "DOB: 5-MAY-2021 on the referral.",
        "The child (dob 5-may-2021) was not seen.",
        "DOB 05.Jun.1999 was given at booking.",
        "DoB: 17/Aug/1975 on the tenancy.",
        "Date of birth 3rd March 1968.",
        "He was born 21 Sept 2003.",
        "DOB 1/2/03 on the old record.",
        "She was born on 9th of November 1981.",
        "Birthdate 1979/04/30, per the school.",
        "DOB: 14-FEB-88 on the warning marker.",
        "Date of birth: July 4, 1990.",
        "DOB 30.12.1955, a carer.",
        "The man (DOB 02-10-1992) was arrested.",
        "D.O.B: 7 oct 2010 on the referral.",
        "Born on 11 JANUARY 2000 in the city.",
        "Date-of-birth 22.Mar.1964.",
        "DOB:- 6 December 1977.",
        "dob 31 dec. 1999 on the form.",
        "DOB 5 May 21 per the custody record.",
    ],
    "email address": [
        "Her email was jo.bloggs@gmail.com until March.",
        "Messages came from someone@example.org.",
        "He wrote from kay+lists@mail.example.co.uk.",
        "The account first.last@example.net was closed.",
    ],
    "crime or incident reference": [
        "Crime reference 42/123456/24 was closed.",
        "See incident 1234 of 14/05/2024 for the first call.",
        "Log 77 of 3/2/23 shows the call.",
        "CAD 456 of 12/12/2024 was graded as routine.",
        "The occurrence WY-2401234567 was linked.",
    ],
    "collar number": [
        "PC 1234 attended first.",
        "DC 4567 took the statement.",
        "PCSO 8812 knew the family.",
        "Sgt 321 reviewed the grading.",
        "His collar number 4411 is on the log.",
    ],
    "rank or title with a name": [
        "Insp Gary Hollis will chair the working group.",
        "PC Smith attended first.",
        "The statement was taken by DC O'Brien.",
        "Det Sgt Bryant reviewed the grading.",
        "Dr Patel saw her the week before.",
        "Mrs Jones rang the control room twice.",
        "Mr A Smith was seen at the door.",
        "Sgt Ellis-Ward briefed the night shift.",
    ],
}

# Near misses: ordinary sentences shaped like what the rules look for.
NEAR_MISSES = [
    "Mr A was stabbed; Ms B called the police.",
    "The DS Team reviewed it, and PC Training covered stalking.",
    "A DI Review and the Sgt Rota were changed.",

    # Roads, junctions, quarters, action ids, entry ids, recommendation ids.
    "The A1 road was closed northbound after the collision.",
    "Traffic on the M25 was slow between J10 and J11, and the A406 was shut.",
    "Performance improved in Q4 2024 against Q3 2024.",
    "Action A02 was completed; A03 is due in March and A04 AND A05 were merged.",
    "See RD-2024-007 and PR-2023-001 for the background.",
    "Recommendation hmicfrs-2023-r3 is met; CSPR-WY-2024-03 found the same gap.",
    "Op Ash ran for 14 days at Level 3.",
    "He was charged with GBH with intent; the victim worked at B&Q.",
    "In FY24 and FY25 the unit met its targets.",
    # Sections of acts, offences and services, as police prose writes them.
    "He was detained under S136 MHA and taken to a place of safety.",
    "The charge was reduced from S18 to S20 GBH, and then to S47 ABH.",
    "She was arrested under s5 POA and de-arrested; s136 was used 412 times.",
    "The M25 RTC closed two lanes at 10 PM.",
    "NHS 111 was called twice before the 999 call.",
    "The DHR 2024 report and the CPS 2023 guidance both found gaps.",
    "Sections 2 and 3 of the Mental Health Act were considered; see p12 for the detail.",
    # Vehicles without a registration.
    "The car was doing 50 MPH in a 30 zone, and 45 mph on the bypass.",
    "The car was 5m from the junction when the van at 14 turned.",
    "The car, a BMW 320, was found burnt out; the van was a VW T5.",
    "The vehicle was registered in 2019 to a leasing company.",
    "Registration plates were changed twice in 2023.",
    "The van was seen at 14:10 and again at 15:20 on the A14.",
    "ANPR cameras on the M6 and M62 recorded 3 sightings.",
    # Dates, numbers and codes that are not a date of birth, phone or licence.
    "He was born in 1990 and moved to the county as a child.",
    "The baby was born at 34 weeks, on a Tuesday.",
    "The MARAC met on 3 May 2024 and again on 17 MAY 2024.",
    "The 2023/24 budget was £1.2m, with 1,250 hours of overtime.",
    "Of 441 referrals, 4,401 contacts and 44 cases, 12 were graded.",
    "The reference ABCDE123456789XY is a case file, not a licence.",
    "ABCDE013456AB9CD and BROWN002291KT9ZZ have no valid date.",
    "KS2 and KS3 pupils, Year 10 and Year 11, took part in the 2024 survey.",
    "ISO 9001 and Covid-19 rules applied in 2020 and 2021.",
    "Tier 2 and Tier 3 services, grade 1 and grade 2 calls.",
]


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def ordinary_text() -> list[str]:
    """Every paragraph (headings included) and front-matter text value of the example
    repository's debriefs, learning and practice entries and free pages, but a practice's
    published contact address (the guard lets it through), and the near misses."""
    texts: list[str] = []
    for folder in ("debriefs", "content/learning", "practice", "content/pages"):
        for path in sorted((REPO_ROOT / folder).glob("*.md")):
            text = path.read_text("utf-8")
            body = text
            if text.startswith("---\n"):
                front, body = text[4:].split("\n---\n", 1)
                meta = yaml.load(front, Loader=yaml.BaseLoader)  # every value a string
                texts += [value for where, value in _strings(meta)
                          if where != ("contact", "email")]
            texts += [" ".join(block.split()) for block in re.split(r"\n\s*\n", body)
                      if block.strip()]
    return texts + NEGATIVES_EXTRA + NEAR_MISSES


@dataclass(frozen=True)
class RuleFigures:
    """One rule's positives caught, of how many, and its hits in ordinary text."""

    caught: int
    positives: int
    false_positives: int


def rule_figures(ordinary: list[str]) -> dict[str, RuleFigures]:
    """Per rule, the positives it catches and the ordinary texts it wrongly flags."""
    return {rule: RuleFigures(sum(1 for text in POSITIVES[rule] if list(find(text))),
                              len(POSITIVES[rule]),
                              sum(1 for text in ordinary if list(find(text))))
            for rule, find in PII_RULES.items()}


@pytest.fixture(scope="module")
def ordinary() -> list[str]:
    return ordinary_text()


def test_every_rule_has_positives() -> None:
    assert set(POSITIVES) == set(PII_RULES)
    assert all(len(texts) >= 4 for texts in POSITIVES.values())


@pytest.mark.parametrize("rule,text", [(rule, text) for rule, texts in POSITIVES.items()
                                       for text in texts])
def test_every_positive_is_caught_by_its_rule(rule: str, text: str) -> None:
    assert list(PII_RULES[rule](text)), text
    assert any(hit.rule == rule for hit in find_personal_data(text)), text


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_not_flagged(text: str) -> None:
    assert find_personal_data(text) == [], text


def test_no_false_positives_in_ordinary_text(ordinary: list[str]) -> None:
    assert len(ordinary) > 1000
    flagged = [(text, hits) for text in ordinary if (hits := find_personal_data(text))]
    assert flagged == []


@pytest.mark.parametrize("text,found", [
    ("LN14-HGT", "LN14-HGT"), ("ab12 cde", "ab12 cde"), ("A123 BCD", "A123 BCD"),
    ("K1 ABC", "K1 ABC"), ("ABC 123D", "ABC 123D"), ("reg: abc 123d", "abc 123d"),
    ("car ABC 123", "ABC 123"), ("the van, 1234 AB,", "1234 AB"),
])
def test_the_plate_alone_is_reported(text: str, found: str) -> None:
    assert [hit.text for hit in find_personal_data(text)] == [found]


@pytest.mark.parametrize("text", [
    "Ab12 Cde", "FY24 and", "s136 was", "was 5m", "ABC 123", "1234 AB", "car abc 123",
    "car A1", "car 10 PM", "car BMW 320", "XRD-2024", "ref-AB12CDE", "AB12 CDE-2",
])
def test_plates_that_need_a_label_or_another_case(text: str) -> None:
    assert list(PII_RULES["vehicle registration"](text)) == []


@pytest.mark.parametrize("text,valid", [
    ("MORGA657054SM9IJ", True),   # 5 July 1964: month 57 is July for a woman
    ("MORGA607054SM9IJ", True),   # the same date for a man
    ("MORGA613354SM9IJ", False),  # month 13
    ("MORGA663354SM9IJ", False),  # month 63, 13 for a woman
    ("MORGA600154SM9IJ", False),  # month 0
    ("MORGA602304SM9IJ", False),  # 30 February
    ("MORGA602294SM9IJ", True),   # 29 February 1964
    ("MORGA502295SM9IJ", False),  # 29 February 1955 or 2055: no leap year
    ("MORGA002290SM9IJ", True),   # 29 February 2000 (not 1900): the century is unknown
    ("MORG9657054SM9IJ", True),   # a surname of four letters, padded
    ("MO9RG657054SM9IJ", False),  # padding only at the end
])
def test_the_licence_date_and_padding_are_checked(text: str, valid: bool) -> None:
    assert bool(list(PII_RULES["driving licence number"](text))) is valid


@pytest.mark.parametrize("rule,text", [(rule, text) for rule, texts in POSITIVES.items()
                                       if rule not in DIGIT_FREE_RULES for text in texts])
def test_rules_not_listed_as_digit_free_need_a_digit(rule: str, text: str) -> None:
    """Each positive with its digits made letters (0 to O, 1 to I, 5 to S...) matches no
    rule outside DIGIT_FREE_RULES, which find_personal_data skips on digit-free text."""
    lettered = text.translate(str.maketrans("0123456789", "OIZEASGTBP"))
    assert [hit for find in PII_RULES.values() for hit in find(lettered)
            if hit.rule not in DIGIT_FREE_RULES] == []


_DOC = REPO_ROOT / "docs/guide/profiles-and-guard.md"


def _documented() -> tuple[dict[str, tuple[int, int, int]], int]:
    section = _DOC.read_text("utf-8").split("\n## Personal-data rules\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    figures: dict[str, tuple[int, int, int]] = {}
    for row in re.findall(r"^\| (.+?) \|.*\| (\d+) of (\d+) \| (\d+) \|$", section, re.M):
        figures[row[0]] = (int(row[1]), int(row[2]), int(row[3]))
    total = re.search(r"over (\d[\d,]*) pieces of ordinary text", section)
    assert total, "the section states how many ordinary texts the figures are over"
    return figures, int(total[1].replace(",", ""))


def test_the_guide_states_the_current_figures(ordinary: list[str]) -> None:
    figures, total = _documented()
    measured = {rule: (f.caught, f.positives, f.false_positives)
                for rule, f in rule_figures(ordinary).items()}
    assert (figures, total) == (measured, len(ordinary)), (
        f"put the measured figures in {_DOC.relative_to(REPO_ROOT)}, section "
        f"Personal-data rules:\n{_table(ordinary)}")


def _table(ordinary: list[str]) -> str:
    lines = [f"over {len(ordinary):,} pieces of ordinary text",
             "| rule | positives caught | false positives |"]
    lines += [f"| {rule} | {f.caught} of {f.positives} | {f.false_positives} |"
              for rule, f in rule_figures(ordinary).items()]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.test_personal_data prints the figures
    print(_table(ordinary_text()))
