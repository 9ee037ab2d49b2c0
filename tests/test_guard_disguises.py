"""The guards judge what a reader sees: a subject's name, a hidden entry's id or title is
refused however it is spelt, marked up, encoded or disguised (`hpkb.guard.reading`), at the
author's file and line, by `hpkb validate` and by the build; the output guard reads the
built files the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.guard.publication import guard_outputs
from hpkb.guard.reading import fold, readings, visible
from hpkb.pipeline import profile_view
from tests.conftest import AS_OF, run_cli

LEARNING = "content/learning/LN-2024-001.md"
DEBRIEF = "debriefs/RD-2024-001.md"
HIDDEN_TITLE = "Example debrief: fatal assault after a long history of controlling behaviour"

# (what the author wrote, the finding code): every one is published today as a reader
# would read the name, id or title it hides.
DISGUISES = [
    ("Siobhan O\u2019Neill was seen at the door.", "HP601"),  # a word processor's apostrophe
    ("The O\u2019Neill family were told.", "HP601"),
    ("The ONeill family were told.", "HP601"),
    ("The O Neill family were told.", "HP601"),
    ("Her sister, Mrs O'Neill's neighbour, called.", "HP601"),
    ("Cas&#116;row was known to the service.", "HP601"),
    ("Cas&#x74;row was known to the service.", "HP601"),
    ("Cas<span>trow</span> was known to the service.", "HP601"),
    ("C*astrow* was known to the service.", "HP601"),
    ("Cas`trow` was known to the service.", "HP601"),
    ("[Cas](https://example.org/)trow was known to the service.", "HP601"),
    ("Cas\u200btrow was known to the service.", "HP601"),  # zero-width space
    ("Cas\u200dtrow was known to the service.", "HP601"),  # zero-width joiner
    ("Cas\u200ctrow was known to the service.", "HP601"),  # zero-width non-joiner
    ("Cas\u2060trow was known to the service.", "HP601"),  # word joiner
    ("Cas\u00adtrow was known to the service.", "HP601"),  # soft hyphen
    ("Cas\ufefftrow was known to the service.", "HP601"),  # byte-order mark
    ("C\u0430strow was known to the service.", "HP601"),  # Cyrillic a
    ("Castr\u043ew was known to the service.", "HP601"),  # Cyrillic o
    ("\u0421astrow was known to the service.", "HP601"),  # Cyrillic capital Es
    ("Castr\u03bfw was known to the service.", "HP601"),  # Greek omicron
    ("\uff23\uff41\uff53\uff54\uff52\uff4f\uff57 was known to the service.", "HP601"),
    ("CASTROW was known to the service.", "HP601"),
    ("See rd-2024-001 for the debrief.", "HP604"),
    ("See RD 2024 001 for the debrief.", "HP604"),
    ("See RD_2024_001 for the debrief.", "HP604"),
    (f"See {HIDDEN_TITLE.upper()} for more.", "HP604"),
    (f"See {HIDDEN_TITLE} for more.", "HP604"),
]


def _with_irish_subject(root: Path) -> None:
    debrief = root / DEBRIEF
    debrief.write_text(debrief.read_text("utf-8").replace(
        "  - {role: suspect, name: Bram Ottersby",
        "  - {role: witness, name: Siobhan O'Neill, age_band: 25-34, sex: female}\n"
        "  - {role: suspect, name: Bram Ottersby"), "utf-8")


def _add_paragraph(root: Path, text: str) -> int:
    """Put a paragraph into a shared learning entry; the line it starts on."""
    path = root / LEARNING
    before = path.read_text("utf-8")
    path.write_text(before.replace("## Recommendation", f"{text}\n\n## Recommendation"), "utf-8")
    return before.split("\n").index("## Recommendation") + 1


def _validate(root: Path) -> list[dict[str, object]]:
    result = run_cli(root, "validate", "--format", "json", "--as-of", AS_OF)
    found: list[dict[str, object]] = result.json()
    assert result.exit_code == (1 if any(f["severity"] == "error" for f in found) else 0)
    return found


def test_the_starter_with_another_subject_passes(starter: Path) -> None:
    _with_irish_subject(starter)
    _add_paragraph(starter, "Neighbours said the family kept to themselves; Neill Road is "
                            "a long street and castrowing is not a word.")
    assert _validate(starter) == []


@pytest.mark.parametrize("text,code", DISGUISES, ids=[repr(t[:24]) for t, _ in DISGUISES])
def test_a_disguise_is_refused_at_validation_with_file_and_line(starter: Path, text: str,
                                                                code: str) -> None:
    _with_irish_subject(starter)
    line = _add_paragraph(starter, text)
    findings = [f for f in _validate(starter) if f["code"] == code]
    assert [(f["file"], f["line"]) for f in findings][:1] == [(LEARNING, line)], findings


@pytest.mark.parametrize("field,value", [
    ("owner", "\uff23\uff41\uff53\uff54\uff52\uff4f\uff57 team"),  # fullwidth letters
    ("title", "Lessons from the C\u0430strow case"),
])
def test_a_disguised_name_in_front_matter_is_refused(starter: Path, field: str,
                                                     value: str) -> None:
    path = starter / LEARNING
    lines = path.read_text("utf-8").split("\n")
    at = next(n for n, text in enumerate(lines) if text.startswith(f"{field}:"))
    lines[at] = f"{field}: {json.dumps(value)}"
    path.write_text("\n".join(lines), "utf-8")
    findings = _validate(starter)
    assert [(f["code"], f["line"]) for f in findings] == [("HP601", at + 1)]


def test_the_build_refuses_a_disguise_and_keeps_the_live_build(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF, "--skip", "packs").exit_code == 0
    before = (starter / "build/shared/export/entries.json").read_bytes()
    _add_paragraph(starter, "Cas<span>trow</span> was known to the service.")
    result = run_cli(starter, "build", "--as-of", AS_OF, "--skip", "packs")
    assert result.exit_code == 1 and "HP601" in result.stdout
    assert "`Cas<span>trow`" in result.stdout  # as the author wrote it
    assert (starter / "build/shared/export/entries.json").read_bytes() == before


@pytest.mark.parametrize("written", [
    "<p>Cas<span>trow</span></p>", "<p>Cas&#116;row</p>", "<p>C\u0430strow</p>",
    "<p>Cas\u200btrow</p>", '<img alt="CASTROW">', '{"text": "Cas\\u0074row"}',
    "<p>see rd 2024 001</p>", f"<p>{HIDDEN_TITLE.upper()}</p>",
])
def test_the_output_guard_reads_built_files_as_a_reader_would(starter: Path, tmp_path: Path,
                                                              written: str) -> None:
    validation = validate_repo(starter)
    out = tmp_path / "out"
    out.mkdir()
    (out / "page.html").write_text(f"<html><body>\n{written}\n</body></html>\n", "utf-8")
    findings = guard_outputs(out, profile_view(validation, "shared"), validation.corpus, [])
    assert [(f.code, f.line) for f in findings] == [("HP603", 2)]


def test_readings_keep_lines_and_fold_alike() -> None:
    text = "line one\n<b\nclass='x'>Cas</b>trow\n\u0421ASTR\u03bfW &amp; O\u2019Neill\n"
    raw, seen = readings(text)
    assert raw.count("\n") == seen.count("\n") == text.count("\n")
    assert "castrow" in seen.split("\n")[3] and "castrow o'neill" not in seen
    assert fold("O\u2019Neill") == fold("o'neill") == "o'neill"
    assert visible("[Cas](u)trow C*a*strow") == "Castrow Castrow"


def test_no_false_positive_over_ordinary_paragraphs() -> None:
    """Every paragraph of the example's learning and practice entries (and hand-written
    ones), read both ways, against the example's own subjects and hidden entries: no name
    and no hidden entry is found. (`hpkb validate` of the example says the same.)"""
    from hpkb.guard.publication import TextScan, subject_names
    from hpkb.view.gate import rewrite_references
    from tests.conftest import REPO_ROOT
    from tests.test_guard import NEGATIVES_EXTRA, _example_paragraphs

    validation = validate_repo(REPO_ROOT)
    seen = profile_view(validation, "shared")
    visible_ids = {entry.id for entry in seen.entries}
    hidden = [e for e in validation.corpus.entries if e.id not in visible_ids]
    scanner = TextScan(subject_names(validation.corpus), [e.id for e in hidden],
                       {fold(e.meta.title): e.id for e in hidden})
    # As the guard reads them: references to hidden entries already plain text.
    paragraphs = [rewrite_references(text, visible_ids)
                  for text in _example_paragraphs() + NEGATIVES_EXTRA]
    assert len(paragraphs) >= 80 and len(subject_names(validation.corpus)) >= 40
    assert [(text, [p.hit for p in scanner.hits(text)]) for text in paragraphs
            if any(p.hit.rule != "email address" for p in scanner.hits(text))] == []
