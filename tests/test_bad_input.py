"""The bad-input catalogue: every case is refused with file, line, rule code; exit 1;
never a traceback; each well under 2 s."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import AS_OF, run_cli

LEARNING = "content/learning/LN-2024-001.md"
DEBRIEF = "debriefs/RD-2024-001.md"
PRACTICE = "practice/PR-2024-001.md"
THEMES = "content/taxonomy/themes.yml"

Edit = Callable[[Path], str]  # changes the repo; returns the text marking the bad line


def replace(path: str, old: str, new: str, marker: str | None = None) -> Edit:
    def edit(root: Path) -> str:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"case setup: {old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        return marker if marker is not None else new.strip().split("\n")[-1]
    return edit


def append(path: str, extra: str, marker: str | None = None) -> Edit:
    def edit(root: Path) -> str:
        file = root / path
        file.write_text(file.read_text(encoding="utf-8") + extra, encoding="utf-8")
        return marker if marker is not None else extra.strip().split("\n")[0]
    return edit


def write(path: str, content: bytes, marker: str | None = "") -> Edit:
    def edit(root: Path) -> str:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
        return marker or ""
    return edit


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    code: str
    file: str
    line: int | None = None  # None: the line holding the marker text the edit returns


HEAD = "---\nid: LN-2024-001\n"
BODY_LINE = "In [[RD-2024-001]] three earlier contacts showed jealousy, monitoring of the phone and"


def body(extra: str) -> Edit:
    return replace(LEARNING, BODY_LINE, BODY_LINE + "\n" + extra, marker=extra.split("\n")[0])


def front(old: str, new: str, path: str = LEARNING) -> Edit:
    return replace(path, old, new)


CASES = [
    # --- loader -------------------------------------------------------------------
    Case("no-front-matter", write(LEARNING, b"# Just a heading\n\nText.\n"), "HP004", LEARNING, 1),
    Case("unclosed-front-matter", write(LEARNING, b"---\nid: LN-2024-001\ntitle: x\n"),
         "HP005", LEARNING, 1),
    Case("invalid-utf8", write(LEARNING, b"---\nid: LN-2024-001\ntitle: caf\xe9\n---\n"),
         "HP001", LEARNING, 3),
    Case("yaml-bad-indent", front("tags: [risk-assessment]", "tags: [risk-assessment]\n  bad: x"),
         "HP006", LEARNING),
    Case("yaml-colon-in-plain-text", front('title: "Example learning', "title: Note: more: x\nzz: \"x"),
         "HP006", LEARNING, 3),
    Case("yaml-unclosed-quote", front('at every domestic call"\n', "at every domestic call\n"),
         "HP006", LEARNING, 3),
    Case("yaml-anchor", front("owner: Public Protection Unit", "owner: &who Public Protection Unit"),
         "HP007", LEARNING),
    Case("yaml-alias", front("owner: Public Protection Unit", "owner: *who"), "HP007", LEARNING),
    Case("yaml-python-tag", front("owner: Public Protection Unit",
                                  "owner: !!python/object/apply:os.system [echo]"),
         "HP008", LEARNING),
    Case("yaml-custom-tag", front("owner: Public Protection Unit", "owner: !secret x"),
         "HP008", LEARNING),
    Case("yaml-duplicate-key", front("owner: Public Protection Unit",
                                     "owner: Public Protection Unit\nowner: Another Team"),
         "HP009", LEARNING),
    Case("front-matter-is-list", write(LEARNING, b"---\n- a\n- b\n---\n"), "HP010", LEARNING, 2),
    Case("front-matter-is-text", write(LEARNING, b"---\njust words\n---\n"), "HP010", LEARNING, 2),
    Case("front-matter-empty", write(LEARNING, b"---\n---\nbody\n"), "HP010", LEARNING, 2),
    Case("yaml-deep-nesting", front("owner: Public Protection Unit",
                                    "owner: " + "[" * 40 + "]" * 40),
         "HP011", LEARNING),
    Case("yaml-complex-key", front("owner: Public Protection Unit", "? [a, b]\n: c"),
         "HP012", LEARNING, 17),
    Case("yaml-control-character", front("owner: Public Protection Unit", "owner: bell\x07"),
         "HP006", LEARNING),
    Case("file-too-large", write(LEARNING, HEAD.encode() + b"x: " + b"a" * 600_000 + b"\n---\n"),
         "HP002", LEARNING, 1),
    # --- schema -------------------------------------------------------------------
    Case("missing-title", front('title: "Example learning: ask about controlling behaviour at '
                                'every domestic call"\n', ""), "HP101", LEARNING, 2),
    Case("missing-incident-reference", front("  reference: Op Example\n", "", DEBRIEF),
         "HP101", DEBRIEF, 18),
    Case("unknown-field", front("owner: Public Protection Unit", "ownr: Public Protection Unit"),
         "HP102", LEARNING),
    Case("unknown-nested-field", front("  category: homicide", "  category: homicide\n  weapon: x",
                                       DEBRIEF), "HP102", DEBRIEF),
    Case("themes-not-list", front("themes: [coercive-control]", "themes: coercive-control"),
         "HP103", LEARNING),
    Case("bool-as-yes", front("  partners_involved: true", "  partners_involved: yes", DEBRIEF),
         "HP103", DEBRIEF),
    Case("bool-as-on", front("    missed_opportunity: true", "    missed_opportunity: on",
                             DEBRIEF), "HP103", DEBRIEF),
    Case("title-is-number", front('title: "Example learning: ask about controlling behaviour at '
                                  'every domestic call"', "title: 1234"), "HP103", LEARNING),
    Case("audience-unknown", front("audience: shared", "audience: everyone"), "HP104", LEARNING),
    Case("status-typo", front("status: published", "status: publised"), "HP104", LEARNING),
    Case("classification-secret", front("classification: OFFICIAL", "classification: SECRET"),
         "HP110", LEARNING),
    Case("classification-top-secret", front("classification: OFFICIAL",
                                            "classification: TOP SECRET"), "HP110", LEARNING),
    Case("classification-lower-case", front("classification: OFFICIAL", "classification: official"),
         "HP104", LEARNING),
    Case("category-unknown", front("  category: homicide", "  category: murder", DEBRIEF),
         "HP104", DEBRIEF),
    Case("factor-unknown", front("  factors: [domestic-abuse, alcohol]",
                                 "  factors: [domestic-abuse, knives]", DEBRIEF), "HP104", DEBRIEF),
    Case("effectiveness-unknown", front("effectiveness: promising", "effectiveness: great",
                                        PRACTICE), "HP104", PRACTICE),
    Case("impossible-date", front("created: 2024-04-10", "created: 2024-02-30"), "HP105", LEARNING),
    Case("date-wrong-format", front("created: 2024-04-10", "created: 10/04/2024"), "HP105",
         LEARNING),
    Case("id-malformed", front("id: LN-2024-001", "id: LN-24-1"), "HP107", LEARNING, 2),
    Case("action-id-malformed", front("  - id: A01", "  - id: X1", DEBRIEF), "HP107", DEBRIEF),
    Case("email-malformed", front("  email: ppu@example.police.uk", "  email: not-an-email",
                                  PRACTICE), "HP107", PRACTICE),
    Case("title-too-long", front('title: "Example learning: ask about controlling behaviour at '
                                 'every domestic call"', "title: " + "x" * 121), "HP108", LEARNING),
    Case("themes-empty", front("themes: [coercive-control]", "themes: []"), "HP101", LEARNING),
    Case("target-group-empty", front("target_group: [victims, adults]", "target_group: []",
                                     PRACTICE), "HP101", PRACTICE),
    # --- rules within an entry ----------------------------------------------------------
    Case("id-not-file-name", front("id: LN-2024-001", "id: LN-2024-002"), "HP201", LEARNING, 2),
    Case("action-completed-no-date", front("    completed: 2024-06-12\n", "", DEBRIEF), "HP203",
         DEBRIEF, 55),
    Case("action-date-not-completed", front("    status: in-progress",
                                            "    status: in-progress\n    completed: 2024-09-01",
                                            DEBRIEF), "HP204", DEBRIEF),
    Case("action-completed-no-outcome", front(
        "    outcome: Briefing delivered to all response teams; prompts added to the mobile form.\n",
        "", DEBRIEF), "HP205", DEBRIEF, 55),
    Case("action-dropped-no-outcome", front("    status: in-progress", "    status: dropped",
                                            DEBRIEF), "HP205", DEBRIEF),
    Case("updated-before-created", front("updated: 2024-04-10", "updated: 2024-04-01"), "HP206",
         LEARNING),
    Case("public-not-cleared", replace(
        LEARNING, "audience: shared\nstatus: published\n"
        "cleared: {by: Head of Public Protection, on: 2024-04-10}\n",
        "audience: public\nstatus: published\n", marker="audience: public"), "HP207", LEARNING),
    Case("summary-too-long", front("  as a verbal argument.", "  as a verbal argument. One. Two."),
         "HP109", LEARNING, 4),
    Case("missing-section", front("## Recommendation", "## Recommendations"), "HP208", LEARNING,
         22),
    Case("internal-fence-unclosed", body("::: internal\nsecret"), "HP209", LEARNING),
    Case("internal-fence-stray-close", body(":::"), "HP209", LEARNING),
    Case("internal-fence-typo", body("::: internnal"), "HP209", LEARNING),
    Case("process-out-of-order", front("  initial_review: 2024-03-13", "  initial_review: 2024-03-01",
                                       DEBRIEF), "HP210", DEBRIEF),
    Case("action-id-repeated", front("  - id: A02", "  - id: A01", DEBRIEF), "HP211", DEBRIEF,
         58),
    Case("action-due-before-raised", front("    due: 2024-09-30", "    due: 2024-03-01", DEBRIEF),
         "HP214", DEBRIEF),
    Case("action-completed-before-raised", front("    completed: 2024-06-12",
                                                 "    completed: 2024-01-12", DEBRIEF),
         "HP213", DEBRIEF),
    # --- references across entries -----------------------------------------------------
    Case("empty-file", write("content/learning/LN-2024-009.md", b""), "HP004",
         "content/learning/LN-2024-009.md", 1),
    Case("related-unknown", front("owner: Public Protection Unit",
                                  "owner: Public Protection Unit\nrelated: [PR-2099-001]"),
         "HP302", LEARNING),
    Case("source-unknown", front("sources: [RD-2024-001]", "sources: [RD-2024-002]"), "HP303",
         LEARNING),
    Case("source-not-debrief", front("sources: [RD-2024-001]", "sources: [PR-2024-001]"), "HP303",
         LEARNING),
    Case("inline-reference-unknown", body("See [[RD-2099-001]]."), "HP304", LEARNING),
    Case("inline-reference-not-id", body("See [[the other one]]."), "HP304", LEARNING),
    Case("theme-unknown", front("themes: [coercive-control]", "themes: [coercive-contrl]"), "HP305",
         LEARNING),
    Case("action-theme-unknown", front("    theme: coercive-control\n    due: 2024-06-30",
                                       "    theme: knife\n    due: 2024-06-30", DEBRIEF),
         "HP305", DEBRIEF, 53),
    Case("recommendation-unknown", front("recommendations: [hmicfrs-2023-r3]",
                                         "recommendations: [hmicfrs-2023-r9]"), "HP306", LEARNING),
    Case("organisation-unknown", front("organisation: essex-police", "organisation: essex-polic"),
         "HP307", LEARNING),
    # --- unsafe text --------------------------------------------------------------------
    Case("html-script", body("<script>alert(1)</script>"), "HP401", LEARNING),
    Case("html-iframe", body('<iframe src="https://example.org"></iframe>'), "HP401", LEARNING),
    Case("html-style", body("<style>body{display:none}</style>"), "HP401", LEARNING),
    Case("html-svg", body("<svg><a xlink:href='x'>y</a></svg>"), "HP401", LEARNING),
    Case("html-event-handler", body("<img src=x onerror=alert(1)>"), "HP402", LEARNING),
    Case("link-javascript", body("[click](javascript:alert(1))"), "HP403", LEARNING),
    Case("link-javascript-entities", body("[click](java&#115;cript:alert(1))"), "HP403", LEARNING),
    Case("link-javascript-tab", body("[click](jav\tascript:alert(1))"), "HP403", LEARNING),
    Case("link-vbscript", body('<a href="vbscript:msgbox">x</a>'), "HP403", LEARNING),
    Case("image-data-url", body("![x](data:text/html;base64,PHNjcmlwdD4=)"), "HP403", LEARNING),
    Case("attr-list-onclick", body('Click here { onclick="steal()" }'), "HP404", LEARNING),
    Case("html-comment", body("<!-- note to self: the victim's name is -->"), "HP405", LEARNING),
    Case("raw-latex-block", body("```{=latex}\n\\input{/etc/passwd}\n```"), "HP406", LEARNING),
    Case("raw-typst-inline", body("`#read(\"/etc/passwd\")`{=typst}"), "HP406", LEARNING),
    Case("tex-input", body("\\input{/etc/passwd}"), "HP406", LEARNING),
    Case("image-outside-repo", body("![map](../../etc/passwd)"), "HP408", LEARNING),
    Case("image-absolute-path", body("![map](/etc/passwd)"), "HP408", LEARNING),
    Case("image-remote", body("![tracker](https://example.org/pixel.png)"), "HP408", LEARNING),
    Case("line-too-long", body("word " * 1000), "HP407", LEARNING),
    Case("bracket-run", body("[" * 20_000), "HP407", LEARNING),
    Case("quote-nesting", body(">" * 40 + " deep"), "HP407", LEARNING),
    # --- taxonomy and settings ------------------------------------------------------------
    Case("theme-parent-unknown", replace(THEMES, "  parent: domestic-abuse",
                                         "  parent: domestic-abuses", marker="- id: coercive-control"),
         "HP504", THEMES),
    Case("theme-duplicate-id", append(THEMES, "- id: drugs\n  title: Drugs\n  description: x\n"),
         "HP503", THEMES, 57),
    Case("taxonomy-file-missing", lambda root: (root / "content/taxonomy/organisations.yml"
                                                ).unlink() or "",
         "HP501", "content/taxonomy/organisations.yml", 1),
    Case("settings-bad-profile", replace("mkdocs.yml", "        max_classification: OFFICIAL\n",
                                         "        max_classification: RESTRICTED\n",
                                         marker="max_classification: RESTRICTED"),
         "HP104", "mkdocs.yml"),
    Case("settings-bad-default-profile", replace("mkdocs.yml", "default_profile: shared",
                                                 "default_profile: partners"),
         "HP902", "mkdocs.yml"),
    Case("settings-unknown-organisation", replace("mkdocs.yml", "organisation: essex-police",
                                                  "organisation: esex-police"),
         "HP906", "mkdocs.yml"),
    Case("settings-profile-name-not-an-id", replace("mkdocs.yml", "      shared:\n",
                                                    "      Shared Site:\n",
                                                    marker="Shared Site:"),
         "HP907", "mkdocs.yml"),
]


def _line_of(root: Path, file: str, marker: str) -> int:
    text = (root / file).read_bytes().decode("utf-8", "replace")
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if marker and marker in line:
            return number
    raise AssertionError(f"marker {marker!r} not found in {file}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_precisely(starter: Path, case: Case) -> None:
    marker = case.edit(starter)
    expected_line = case.line if case.line is not None else _line_of(starter, case.file, marker)
    started = time.monotonic()
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    elapsed = time.monotonic() - started
    assert result.exception is None, f"traceback: {result.exception!r}"
    assert result.exit_code == 1, result.stdout
    findings = result.json()
    hits = [f for f in findings if f["code"] == case.code and f["file"] == case.file]
    assert hits, f"no {case.code} in {case.file}: {findings}"
    assert any(f["line"] == expected_line for f in hits), (expected_line, hits)
    assert all(f["message"] and f["hint"] for f in hits), hits
    assert elapsed < 2.0, f"took {elapsed:.2f} s"


def test_catalogue_has_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.skipif(os.name != "posix", reason="symlinks need POSIX")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_symlinks_are_reported_never_followed(starter: Path, tmp_path: Path, what: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "LN-2024-005.md"
    secret.write_text("---\nid: LN-2024-005\ntitle: SECRET CANARY\n---\n", encoding="utf-8")
    link = starter / "content/learning" / ("LN-2024-005.md" if what == "file" else "more")
    link.symlink_to(secret if what == "file" else outside)
    result = run_cli(starter, "validate", "--format", "json")
    assert result.exit_code == 1
    rel = link.relative_to(starter).as_posix()
    assert [(f["code"], f["file"], f["line"]) for f in result.json()] == [("HP003", rel, 1)]
    assert "CANARY" not in result.stdout


@pytest.mark.skipif(os.name != "posix", reason="symlinks need POSIX")
def test_entry_files_are_found_in_order_and_every_link_is_reported(tmp_path: Path) -> None:
    """Entry files in nested folders, sorted; hidden files and folders and other files
    left out; a link (to a folder, to a file, broken, named like an entry or hidden)
    reported where it is, folders' links first in each folder, never followed."""
    from hpkb.content.files import find_entry_files

    for rel in ("debriefs/b/w.md", "debriefs/x.md", "debriefs/a/y.md", "debriefs/a/.h/z.md",
                "debriefs/.q.md", "debriefs/n.txt", "practice/p.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    for rel, target in (("debriefs/link", "debriefs/b"), ("debriefs/.hidden", "debriefs/b"),
                        ("debriefs/folder.md", "debriefs/b"), ("debriefs/a/l.md", "debriefs/x.md"),
                        ("debriefs/broken.md", "nowhere"), ("debriefs/a/n.txt", "debriefs/x.md"),
                        ("practice/q", "debriefs")):
        (tmp_path / rel).symlink_to(tmp_path / target)
    files, findings = find_entry_files(tmp_path)
    assert [(f.rel, f.kind, f.path) for f in files] == [
        ("debriefs/a/y.md", "debrief", tmp_path / "debriefs/a/y.md"),
        ("debriefs/b/w.md", "debrief", tmp_path / "debriefs/b/w.md"),
        ("debriefs/x.md", "debrief", tmp_path / "debriefs/x.md"),
        ("practice/p.md", "practice", tmp_path / "practice/p.md")]
    assert [(d.code, d.file) for d in findings] == [
        ("HP003", "debriefs/.hidden"), ("HP003", "debriefs/folder.md"),
        ("HP003", "debriefs/link"), ("HP003", "debriefs/broken.md"),
        ("HP003", "debriefs/a/l.md"), ("HP003", "practice/q")]


def test_warning_passes_unless_strict(starter: Path) -> None:
    replace(LEARNING, "owner: Public Protection Unit",
            "owner: Public Protection Unit\nreview_by: 2025-01-01")(starter)
    relaxed = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    assert relaxed.exit_code == 0
    assert [(f["code"], f["severity"], f["line"]) for f in relaxed.json()] == [
        ("HP212", "warning", 18)]
    strict = run_cli(starter, "validate", "--strict", "--as-of", AS_OF)
    assert strict.exit_code == 1


def test_tag_near_duplicates_and_self_reference_warn(starter: Path) -> None:
    replace(LEARNING, "tags: [risk-assessment]", "tags: [Risk Assessments]\nrelated: [LN-2024-001]"
            )(starter)
    result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0
    codes = sorted((f["code"], f["file"], f["line"]) for f in result.json())
    assert codes == [("HP308", LEARNING, 9), ("HP310", LEARNING, 10)]


def test_duplicate_id_names_the_first_file(starter: Path) -> None:
    text = (starter / LEARNING).read_text(encoding="utf-8")
    (starter / "content/learning/LN-2024-009.md").write_text(text, encoding="utf-8")
    result = run_cli(starter, "validate", "--format", "json")
    hits = [f for f in result.json() if f["code"] == "HP301"]
    assert result.exit_code == 1
    assert hits == [{"file": "content/learning/LN-2024-009.md", "line": 2, "column": 1,
                     "code": "HP301", "severity": "error",
                     "message": f"id `LN-2024-001` is already used by {LEARNING}",
                     "hint": "run `hpkb new` for the next free id"}]


def test_id_in_wrong_folder(starter: Path) -> None:
    text = (starter / PRACTICE).read_text(encoding="utf-8")
    (starter / "content/learning/PR-2024-001.md").write_text(text, encoding="utf-8")
    (starter / PRACTICE).unlink()
    result = run_cli(starter, "validate", "--format", "json")
    hits = [(f["code"], f["line"]) for f in result.json()
            if f["file"] == "content/learning/PR-2024-001.md"]
    assert ("HP202", 2) in hits


@pytest.mark.parametrize("written,hint", [
    ("19/04/2024", "write 2024-04-19"),
    ("19.04.2024", "write 2024-04-19"),
    ("19 April 2024", "write 2024-04-19"),
    ("19th april 2024", "write 2024-04-19"),
    ("2024-4-19", "write 2024-04-19"),
    ("31/02/2024", "write the date as YYYY-MM-DD"),
    ("'{value!r}'", "write the date as YYYY-MM-DD"),
])
def test_a_date_written_another_way_gets_the_iso_spelling(starter: Path, written: str,
                                                          hint: str) -> None:
    file = starter / LEARNING
    text = file.read_text("utf-8")
    created = next(line for line in text.splitlines() if line.startswith("created: "))
    file.write_text(text.replace(created, f"created: {written}"), "utf-8")
    result = run_cli(starter, "validate", str(file), "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    [finding] = [f for f in result.json() if f["code"] == "HP105"]
    shown = written.strip("'")
    assert finding["message"] == f"`created`: expected a date written YYYY-MM-DD, got {shown!r}"
    assert finding["hint"] == hint
