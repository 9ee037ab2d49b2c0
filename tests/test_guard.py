"""The publication guard: personal-data rules (positives all caught, ordinary paragraphs
untouched), subject names, the allow-list, and the canary suite over every artefact."""

from __future__ import annotations

import gzip
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hpkb.check.validate import validate_repo
from hpkb.guard.personal_data import find_personal_data
from hpkb.guard.publication import guard_outputs, pdf_readings, subject_names
from hpkb.pipeline import profile_view
from tests.conftest import AS_OF, REPO_ROOT, run_cli


def _nhs(first_nine: str) -> str:
    """A valid NHS number from nine digits (mod 11), written 3-3-4."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert check != 10
    digits = first_nine + str(check)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


POSITIVES = [
    "Her mobile is 07700 900123 and she answers after six.",
    "He called from 01632 960 001 on the Tuesday.",
    "The number given was +44 7700 900456.",
    "Ring (01632) 960123 for the family liaison officer.",
    "The landline 020 7946 0321 was disconnected.",
    "She lived at SW1A 1AA before the move.",
    "The address was in M1 1AE, near the station.",
    "Found at a flat in B33 8TH.",
    "Moved to CR2 6XH last year.",
    "Parcel sent to DN55 1PT.",
    "A car, AB12 CDE, was seen twice.",
    "ANPR picked up LV65 XYZ at 02:10.",
    "The van YK19OPR was recovered.",
    "His NI number is JH 12 34 56 C.",
    "NI number AB123456C on the benefits form.",
    "Record shows JG 10 37 50 D.",
    f"NHS number {_nhs('943476591')} on the referral.",
    f"Discharge letter quotes {_nhs('401023213')}.",
    f"The GP record {_nhs('123456788').replace(' ', '')} was checked.",
    "DOB 12/03/1987, lives alone.",
    "Date of birth: 4 July 1990.",
    "She was born on 1985-02-11 in the county.",
    "D.O.B. 01.01.2001 recorded on the custody record.",
    "Her email was jo.bloggs@gmail.com until March.",
    "Messages came from someone@example.org.",
    "Crime reference 42/123456/24 was closed.",
    "See incident 1234 of 14/05/2024 for the first call.",
    "Log 77 of 3/2/23 shows the call.",
    "CAD 456 of 12/12/2024 was graded as routine.",
    "PC 1234 attended first.",
    "DC 4567 took the statement.",
    "PCSO 8812 knew the family.",
    "Sgt 321 reviewed the grading.",
    "His collar number 4411 is on the log.",
]

NEGATIVES_EXTRA = [
    "Officers attended within six minutes of the 999 call at 02:40.",
    "Of 61 actions raised, 49 were completed within the year.",
    "Section 136 detentions fell from 412 to 271 a year.",
    "The debt was about £2,000 and was owed to a supply line.",
    "Action A01 was completed on 12 June 2024, ahead of the due date.",
    "The review met the 14-day target in 11 of 12 cases.",
    "Op Ash and Op Birch were both reviewed in the 2023/24 financial year.",
    "The MARAC met on 3 May and again on 17 May.",
]


def _example_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for folder in ("content/learning", "practice"):
        for path in sorted((REPO_ROOT / folder).glob("*.md")):
            body = path.read_text("utf-8").split("\n---\n", 1)[1]
            for block in re.split(r"\n\s*\n", body):
                text = " ".join(block.split())
                if text and not text.startswith(("#", ":::")) and len(text) > 60:
                    paragraphs.append(text)
    return paragraphs


@pytest.mark.parametrize("text", POSITIVES)
def test_every_synthetic_positive_is_caught(text: str) -> None:
    assert find_personal_data(text), text


def test_rule_quality_figures() -> None:
    negatives = _example_paragraphs() + NEGATIVES_EXTRA
    caught = sum(1 for t in POSITIVES if find_personal_data(t))
    false_positives = [(t, find_personal_data(t)) for t in negatives if find_personal_data(t)]
    assert len(POSITIVES) >= 30 and len(negatives) >= 30
    assert caught == len(POSITIVES)
    assert false_positives == []


LEARNING = "content/learning/LN-2024-001.md"


def _add_to_learning(root: Path, text: str) -> None:
    path = root / LEARNING
    path.write_text(path.read_text("utf-8").replace(
        "## Recommendation", f"{text}\n\n## Recommendation"), encoding="utf-8")


def test_subject_name_in_shared_text_fails_the_build(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    before = (starter / "build/shared/export/entries.json").read_bytes()
    _add_to_learning(starter, "The suspect's brother said SUSPECT's car was outside.")
    path = starter / LEARNING
    path.write_text(path.read_text("utf-8").replace("SUSPECT", "Bram Ottersby"), "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    where = next(n for n, t in enumerate(path.read_text("utf-8").split("\n"), 1)
                 if "car was outside" in t)
    assert any(line.startswith(f"{LEARNING}:{where}:") and "HP601" in line
               and "`Bram Ottersby's`" in line for line in lines), lines
    assert (starter / "build/shared/export/entries.json").read_bytes() == before
    internal = run_cli(starter, "build", "--profile", "internal", "--as-of", AS_OF)
    assert internal.exit_code == 0  # the internal profile may show names


def test_a_rebuild_rescans_what_a_new_name_makes_unsafe(starter: Path) -> None:
    """The source guard skips entries it passed before only under the same rules: a new
    subject whose surname an unchanged shared entry already uses is caught."""
    _add_to_learning(starter, "Officers spoke to the Harwick family next door.")
    assert run_cli(starter, "build", "--as-of", AS_OF, "--skip", "packs").exit_code == 0
    assert (starter / "build/shared/guard-sources.json").is_file()
    debrief = starter / "debriefs/RD-2024-001.md"
    debrief.write_text(debrief.read_text("utf-8").replace(
        "name: Bram Ottersby", "name: Dorran Harwick"), encoding="utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF, "--skip", "packs")
    assert result.exit_code == 1
    assert "HP601" in result.stdout and "`Harwick`" in result.stdout


@pytest.mark.parametrize("text,code", [
    ("The surname ottersby alone, in any case, is enough to identify him.", "HP601"),
    ("Call her on 07700 900123.", "HP602"),
    ("Her postcode SW1A 1AA was in the file.", "HP602"),
    ("See RD-2024-001 for the detail.", "HP604"),
])
def test_guard_rules_fail_shared_builds(starter: Path, text: str, code: str) -> None:
    _add_to_learning(starter, text)
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f" {code} error " in result.stdout


def test_allow_list_silences_a_reviewed_phrase(starter: Path) -> None:
    _add_to_learning(starter, "As Mr Justice Vesk said in R v Hale, risk is dynamic.")
    debrief = starter / "debriefs/RD-2024-001.md"
    debrief.write_text(debrief.read_text("utf-8").replace("Bram Ottersby", "Dorian Vesk"),
                       "utf-8")
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 1
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "    default_profile: shared",
        "    default_profile: shared\n    allow: [Mr Justice Vesk]"), "utf-8")
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0


def test_output_guard_catches_what_slipped_through(starter: Path, tmp_path: Path) -> None:
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "page.html").write_text("<p>fine</p>\n<p>Op Example RD-2024-001</p>",
                                            "utf-8")
    (out / "chunk.pf").write_bytes(gzip.compress(b"... imelda castrow ..."))
    # A surname alone, lower case, as the site search's term files hold words.
    terms = out / "site" / "search-index" / "terms"
    terms.mkdir(parents=True)
    (terms / "6f74.json").write_text('{\n"otter":["",0,2],\n"ottersby":["",1,2]\n}\n', "utf-8")
    findings = guard_outputs(out, seen, validation.corpus, [])
    assert sorted((f.file, f.line, f.code) for f in findings) == [
        ("build/shared/chunk.pf", 1, "HP603"), ("build/shared/site/page.html", 2, "HP603"),
        ("build/shared/site/search-index/terms/6f74.json", 3, "HP603")]


def test_output_guard_on_two_cores_finds_what_one_core_finds(
        starter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last files are checked half by a second process: the same findings, in the
    same order, and the same record of what passed; files that passed before as they
    are now are read, not handed to it."""
    import json

    import hpkb.guard.publication
    import hpkb.reuse.parallel
    from hpkb.guard.publication import GUARD_RECORD, OutputGuard
    from hpkb.reuse.parallel import shared_out

    monkeypatch.setattr(hpkb.guard.publication, "SHARED_MIN_BYTES", 1)
    shared: list[int] = []
    monkeypatch.setattr(hpkb.guard.publication, "shared_out", lambda work, items, **options: (
        shared.append(sum(map(len, items))) or shared_out(work, items, **options)))
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")

    def guarded(name: str, dirty: bool, cores: int, previous: Path | None = None
                ) -> tuple[list[Any], Any]:
        out = tmp_path / name
        (out / "site" / "search-index").mkdir(parents=True)
        for n in range(240):
            text = f"<p>page {n}: a review of partner records</p>\n" * 3
            if dirty and n % 40 == 7:
                text += f"<p>line {n} names Imelda Castrow</p>\n"
            (out / "site" / "search-index" / f"{n:03d}.json.gz").write_bytes(
                gzip.compress(text.encode(), mtime=0))  # the same bytes every run
        guard = OutputGuard(out, seen, validation.corpus, [], previous)
        guard.scan(("site", "search-index"))
        with monkeypatch.context() as patched:
            patched.setattr(hpkb.reuse.parallel, "usable_cores", lambda: cores)
            findings = [(f.file, f.line, f.code) for f in guard.finish()]
        record = out / GUARD_RECORD
        return findings, json.loads(record.read_text("utf-8")) if record.is_file() else None

    dirty = guarded("dirty-shared", True, 2)
    assert dirty == guarded("dirty-alone", True, 1)
    assert [line for _, line, _ in dirty[0]] == [4] * 6
    assert [file.rsplit("/", 1)[1] for file, _, _ in dirty[0]] == [
        f"{n:03d}.json.gz" for n in range(7, 240, 40)]
    clean = guarded("clean-shared", False, 2)
    assert clean == guarded("clean-alone", False, 1)
    assert clean[0] == [] and len(clean[1]["passed"]) == 240
    assert shared == [240] * 4
    # Built again as before: every file passed there, as it is; nothing is shared out.
    again = guarded("clean-again", False, 2, previous=tmp_path / "clean-shared")
    assert again[0] == [] and again[1]["passed"] == clean[1]["passed"]
    assert shared == [240] * 4


def test_output_guard_shares_out_the_largest_files_first_and_copies_together(
        tmp_path: Path) -> None:
    """Two cores take files as they come free: the largest first (one left for last
    would be scanned while the other core waits), and large files of one size together
    (copies, such as the export's entries.json in the site's downloads: their bytes
    pass once, and are known after)."""
    from hpkb.guard.publication import _costliest_first

    sizes = {"a-small.html": 1_000, "b-copy.json": 80_000, "c-big.seg": 200_000,
             "d-tiny.txt": 10, "e-copy.json": 80_000, "f-other.json": 70_000}
    todo = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        todo.append((str(tmp_path / name), name))
    groups = [[todo[at][1] for at in group] for group in _costliest_first(todo)[0]]
    assert groups == [["c-big.seg"], ["b-copy.json", "e-copy.json"], ["f-other.json"],
                      ["a-small.html"], ["d-tiny.txt"]]


def test_output_guard_scans_large_files_in_overlapping_pieces(
        starter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that straddles two pieces is still found, on the right line."""
    monkeypatch.setattr("hpkb.guard.publication._PIECE", 64)
    monkeypatch.setattr("hpkb.guard.publication._MAX_PIECE", 64)
    monkeypatch.setattr("hpkb.guard.publication._OVERLAP", 32)
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    out = tmp_path / "out"
    (out / "search").mkdir(parents=True)
    filler = "x" * 20 + "\n"
    text = filler * 3 + "y" * 59 + " Imelda Castrow here\n" + filler * 10 + "Ottersby\n"
    (out / "search" / "segment.seg").write_bytes(text.encode())
    findings = guard_outputs(out, seen, validation.corpus, [])
    assert [(f.file, f.line) for f in findings] == [("build/shared/search/segment.seg", 4)]
    clean = tmp_path / "clean"
    (clean / "search").mkdir(parents=True)
    (clean / "search" / "segment.seg").write_bytes((filler * 40).encode())
    assert guard_outputs(clean, seen, validation.corpus, []) == []


def test_output_guard_scans_again_only_the_pieces_an_edit_changed(
        starter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard records the pieces it passed; after an edit, the pieces whose bytes it
    passed under the same rules are not scanned again, and the edited one is."""
    from hpkb.guard.literals import Literals
    from hpkb.guard.publication import OutputGuard

    monkeypatch.setattr("hpkb.guard.publication._PIECE", 200)
    monkeypatch.setattr("hpkb.guard.publication._CUT", 2)
    monkeypatch.setattr("hpkb.guard.publication._OVERLAP", 32)
    scanned: list[str] = []
    finditer = Literals.finditer
    monkeypatch.setattr(Literals, "finditer",
                        lambda self, text: scanned.append(text) or finditer(self, text))
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    lines = [f"entry {n}: a review of partner records, meeting {n * 7}\n" for n in range(300)]

    def guarded(name: str, text: str, previous: Path | None) -> list[tuple[str, int]]:
        out = tmp_path / name
        (out / "export").mkdir(parents=True)
        (out / "export" / "entries.json").write_text(text, encoding="utf-8")
        scanned.clear()
        guard = OutputGuard(out, seen, validation.corpus, [], previous)
        return [(f.file, f.line) for f in guard.finish()]

    assert guarded("first", "".join(lines), None) == []
    everything = len(scanned)
    lines[150] = "entry 150: Imelda Castrow was seen\n"
    assert guarded("second", "".join(lines), tmp_path / "first") == [
        ("build/shared/export/entries.json", 151)]
    assert 0 < len(scanned) < everything / 5
    lines[150] = "entry 150: a quiet evening\n"
    assert guarded("third", "".join(lines), tmp_path / "first") == []
    assert 0 < len(scanned) < everything / 5
    # Without the record (other rules, or none), every piece is scanned.
    assert guarded("fourth", "".join(lines), None) == []
    assert len(scanned) >= everything


CANARY_DEBRIEF = """---
id: RD-2024-002
title: CANARY-HIDDEN-TITLE shared debrief
summary: A near miss after a dispute.
themes: [knife-crime]
organisation: essex-police
classification: OFFICIAL
audience: shared
status: published
created: 2024-05-01
updated: 2024-05-01
incident: {reference: Op Canary, date: 2024-04-20, category: near-miss,
           context: acquaintance, proceedings: live}
subjects: [{role: victim, name: Zephyrine Quallbrook}, {role: suspect, name: Ormond Gatterly}]
chronology:
  - {date: 2024-01-02, agency: Police, contact: Stop, summary: CANARY-CHRONOLOGY}
process: {identified: 2024-04-21}
---

## Summary

A stabbing in a park.

::: internal
CANARY-INTERNAL-PASSAGE
:::

## Learning

Share intelligence sooner.

## Good practice

Quick first aid.
"""
CANARY_LIVE_LESSON = """---
id: LN-2024-002
title: CANARY-LIVE-LESSON
summary: CANARY-LIVE-SUMMARY from a case still before the court.
themes: [knife-crime]
organisation: essex-police
classification: OFFICIAL
audience: shared
status: published
created: 2024-05-02
updated: 2024-05-02
sources: [RD-2024-002]
---

## What we learned

CANARY-LIVE-BODY.

## Recommendation

See [[RD-2024-001]] and [[RD-2024-002]].
"""
CANARY_SENSITIVE = """---
id: PR-2024-002
title: CANARY-SENSITIVE-TITLE
summary: CANARY-SENSITIVE-SUMMARY.
themes: [knife-crime]
organisation: essex-police
classification: OFFICIAL-SENSITIVE
audience: shared
status: published
created: 2024-05-02
updated: 2024-05-02
effectiveness: worked
focus: prevention
stage: implemented
scale: local
target_group: [adults]
contact: {name: Team, email: team@example.police.uk}
---

## Aim

CANARY-SENSITIVE-BODY.

## Intended outcome

x

## Description

x

## Overall impact

x

## Learning

x
"""
CANARIES = ["Zephyrine", "Quallbrook", "Ormond Gatterly", "Gatterly", "CANARY-CHRONOLOGY",
            "CANARY-INTERNAL-PASSAGE", "CANARY-LIVE", "CANARY-SENSITIVE", "RD-2024-001",
            "LN-2024-002", "PR-2024-002", "Imelda Castrow", "Bram Ottersby", "Castrow", "Ottersby",
            "caution for assault", "Op Example", "Example debrief: fatal assault"]


def _artefact_text(path: Path) -> str:
    if path.suffix == ".pdf":  # poppler, a reader independent of the guard's PDFium
        import subprocess

        return "".join(subprocess.run([tool, str(path), *extra], capture_output=True,
                                      text=True, check=True).stdout
                       for tool, extra in (("pdftotext", ["-"]), ("pdfinfo", [])))
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("profile", ["shared", "public"])
def test_canaries_never_reach_a_non_internal_build(starter: Path, profile: str) -> None:
    (starter / "debriefs/RD-2024-002.md").write_text(CANARY_DEBRIEF, "utf-8")
    (starter / "content/learning/LN-2024-002.md").write_text(CANARY_LIVE_LESSON, "utf-8")
    (starter / "practice/PR-2024-002.md").write_text(CANARY_SENSITIVE, "utf-8")
    result = run_cli(starter, "build", "--profile", profile, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    files = [p for p in (starter / "build" / profile).rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".html", ".json", ".xml", ".md", ".js", ".pdf"} <= kinds
    if profile == "shared":
        assert any("search-index" in p.parts for p in files)
    hits = {(p.relative_to(starter).as_posix(), c) for p in files
            for c in CANARIES if c in _artefact_text(p)}
    assert hits == set()
    internal = run_cli(starter, "build", "--profile", "internal", "--as-of", AS_OF)
    assert internal.exit_code == 0
    internal_text = "".join(_artefact_text(p) for p in (starter / "build/internal").rglob("*.json"))
    assert "CANARY-INTERNAL-PASSAGE" in internal_text and "Zephyrine" in internal_text


def _tiny_pdf(text: str, title: str) -> bytes:
    """A minimal valid one-page PDF with a line of text and a title in its metadata."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream +
        b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>".encode("latin-1"),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return out


@pytest.mark.parametrize("text,title,leaks", [
    ("A board pack for the quarter.", "Board pack", False),
    ("Imelda Castrow was seen twice.", "Board pack", True),
    ("A board pack for the quarter.", "Op Example RD-2024-001", True),
])
def test_output_guard_reads_pdf_text_and_metadata(starter: Path, tmp_path: Path, text: str,
                                                  title: str, leaks: bool) -> None:
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    out = tmp_path / "out"
    (out / "packs").mkdir(parents=True)
    (out / "packs" / "board.pdf").write_bytes(_tiny_pdf(text, title))
    findings = guard_outputs(out, seen, validation.corpus, [])
    assert [f.code for f in findings] == (["HP603"] if leaks else [])


def test_an_unreadable_pdf_fails_closed(starter: Path, tmp_path: Path) -> None:
    validation = validate_repo(starter)
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    findings = guard_outputs(out, profile_view(validation, "shared"), validation.corpus, [])
    assert [f.code for f in findings] == ["HP605"]


@pytest.mark.parametrize("reading", [
    "seen by Tallis-\nCrane on the night",      # pypdf: hyphen and line break kept
    "seen by TallisCrane on the night",         # poppler: hyphen and break dropped
    "seen by Tallis\x02Crane on the night",     # PDFium's marker for a line-end hyphen
    "seen by Tallis\ufffeCrane on the night",   # the same marker from another PDFium call
    "seen by Tallis\u00adCrane on the night",   # a soft hyphen
    "seen by Tallis Crane on the night",
])
def test_a_hyphenated_name_is_found_however_a_reader_broke_it(starter: Path, reading: str
                                                              ) -> None:
    debrief = starter / "debriefs/RD-2024-001.md"
    debrief.write_text(debrief.read_text("utf-8").replace("Imelda Castrow", "Imelda Tallis-Crane"),
                       "utf-8")
    names = subject_names(validate_repo(starter).corpus)
    text = pdf_readings(reading)
    assert any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text) for n in names)


@pytest.mark.parametrize("name", ["Siobhan O'Neill", "Siobhan O\u2019Neill"])
def test_an_apostrophe_in_a_name_is_matched_in_every_spelling(starter: Path, name: str) -> None:
    debrief = starter / "debriefs/RD-2024-001.md"
    debrief.write_text(debrief.read_text("utf-8").replace("Imelda Castrow", name), "utf-8")
    names = set(subject_names(validate_repo(starter).corpus))
    assert {"O'Neill", "O\u2019Neill", "ONeill", "O Neill", "Siobhan ONeill"} <= names


def test_output_guard_refuses_a_pack_with_a_name_broken_across_lines(starter: Path,
                                                                     tmp_path: Path) -> None:
    """A pack typeset through hpkb's own route (pandoc, then Typst) on a page too narrow
    for `Tallis-Crane`, so Typst breaks the name at its hyphen: the guard still finds it."""
    import hpkb
    from hpkb.outputs.packs.definitions import PackDocument
    from hpkb.outputs.packs.typeset import build_packs

    debrief = starter / "debriefs/RD-2024-001.md"
    debrief.write_text(debrief.read_text("utf-8").replace("Imelda Castrow", "Imelda Tallis-Crane"),
                       "utf-8")
    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    packaged = Path(hpkb.__file__).parent / "templates/packs/pack.typ.j2"
    narrow = tmp_path / "templates"
    (narrow / "packs").mkdir(parents=True)
    (narrow / "packs/pack.typ.j2").write_text(
        packaged.read_text("utf-8").replace('paper: "a4"', "width: 60mm, height: 297mm"), "utf-8")
    document = PackDocument("narrow", "Narrow", "A test pack", "", "## Notes\n\n"
                            "The visit by Tallis-Crane was recorded.\n", {})
    out = tmp_path / "out"
    context = {"marking": "OFFICIAL", "organisation": "Org", "site_name": "Site",
               "profile": "shared", "produced": "2026-11-22"}
    failures, _ = build_packs([document], out / "packs", None, [narrow], context,
                              date(2026, 11, 22), workers=1)
    assert failures == {}
    import pypdfium2

    pdf = pypdfium2.PdfDocument(out / "packs/narrow.pdf")
    raw = "".join(page.get_textpage().get_text_bounded() for page in pdf)
    pdf.close()
    assert "Tallis-Crane" not in raw and "Tallis\x02Crane" in raw  # broken at the hyphen
    findings = guard_outputs(out, seen, validation.corpus, [])
    assert [f.code for f in findings] == ["HP603"]
    assert "debrief subject" in findings[0].message


def test_a_file_linked_from_the_last_build_is_read_whatever_its_size_and_times(
        starter: Path, tmp_path: Path) -> None:
    """What the guard kept from the last build is keyed by the bytes it read: a file
    hard-linked from that build and changed in place since, its size and times put back,
    is read again and refused. Nothing is passed on the word of names, sizes or times."""
    import os

    from hpkb.guard.publication import OutputGuard

    validation = validate_repo(starter)
    seen = profile_view(validation, "shared")
    first = tmp_path / "first" / "export"
    first.mkdir(parents=True)
    (first / "entries.json").write_text("a review of partner records; a meeting in May " * 20,
                                        encoding="utf-8")
    assert OutputGuard(first.parent, seen, validation.corpus, []).finish() == []
    second = tmp_path / "second" / "export"
    second.mkdir(parents=True)
    os.link(first / "entries.json", second / "entries.json")
    before = (second / "entries.json").stat()
    data = (second / "entries.json").read_bytes()
    name = b"Imelda Castrow "
    (second / "entries.json").write_bytes(name + data[len(name):])  # in place: both change
    os.utime(second / "entries.json", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (second / "entries.json").stat().st_size == before.st_size
    findings = OutputGuard(second.parent, seen, validation.corpus, [],
                           first.parent).finish()
    assert [(f.file, f.code) for f in findings] == [("build/shared/export/entries.json",
                                                      "HP603")]
