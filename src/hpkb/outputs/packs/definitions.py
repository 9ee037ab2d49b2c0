"""PDF pack definitions (content/packs.yml), the owner's notes (content/packs/<id>.md),
and what each pack is made of.

Definitions and notes are validated like entries (file:line findings). A pack is built
from the profile's view only: Markdown for entry, theme and recommendation packs; a board
paper in Typst for board packs (`outputs/packs/board.py`). `outputs/packs/typeset.py` turns
either into a PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from hpkb.check.findings import Diagnostic, error
from hpkb.content.body import REFERENCE, body_findings, find_references, split_internal
from hpkb.content.conform import conform
from hpkb.content.files import read_text
from hpkb.content.schema import IsoDate, Text, _Strict
from hpkb.content.strict_yaml import parse_yaml
from hpkb.content.taxonomy import Taxonomy
from hpkb.governance.periods import PERIOD_PATTERN, period_problem, resolve_period
from hpkb.outputs.site.markdown_text import escape_md
from hpkb.outputs.site.pages import KIND_SINGULAR, label, long_date
from hpkb.view.gate import ProfileView, PublishedEntry, rewrite_references

__all__ = ["NOTES_DIR", "PACKS_FILE", "PackDef", "PackDocument", "load_packs",
           "pack_document"]

PACKS_FILE = "content/packs.yml"
NOTES_DIR = "content/packs"  # the owner's note for a pack's period: <pack-id>.md


class PackDef(_Strict):
    """One pack: what it is called, which kind, and what it selects."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", examples=["board-quarterly"])
    title: Text = Field(max_length=120)
    kind: Literal["board", "theme", "recommendation", "entry", "deaths"]
    theme: str | None = Field(None, description="Theme id (theme packs).")
    recommendation: str | None = Field(None, description="Recommendation id.")
    entries: list[str] = Field([], description="Entry ids (entry packs).")
    period: str | None = Field(
        None, examples=["last-financial-quarter"],
        description="Board packs: a financial quarter or year (`2024-25-Q4`, `2024-25`), "
        "the last complete one (`last-financial-quarter`, `last-financial-year`), the "
        "three or twelve months to today (`last-quarter`, `last-year`), or `all`.")
    start: IsoDate | None = Field(None, alias="from", description="Period start.")
    end: IsoDate | None = Field(None, alias="to", description="Period end.")
    owner: Text | None = Field(None, description="Who the pack is for or from.")
    # The owner's note (content/packs/<id>.md), as read and checked by `load_packs`.
    _note: str | None = PrivateAttr(None)

    @property
    def note(self) -> str | None:
        return self._note


def load_packs(root: Path, known_themes: set[str], known_recs: set[str],
               known_ids: set[str]) -> tuple[list[PackDef], list[Diagnostic]]:
    """Read and check content/packs.yml (a missing file means no packs)."""
    path = root / PACKS_FILE
    if not path.exists():
        return [], []
    text = read_text(path, PACKS_FILE)
    if isinstance(text, Diagnostic):
        return [], [text]
    parsed = parse_yaml(text, PACKS_FILE)
    if isinstance(parsed, Diagnostic):
        return [], [parsed]
    if not isinstance(parsed.value, list):
        return [], [error(PACKS_FILE, 1, 1, "HP801", "packs.yml must be a list of packs",
                          "start each pack with `- id: …`")]
    packs: list[PackDef] = []
    findings: list[Diagnostic] = []
    seen: set[str] = set()
    for index, raw in enumerate(parsed.value):
        positions = {k[1:]: v for k, v in parsed.positions.items() if k[:1] == (index,)}
        pack, problems = conform(PackDef, raw, PACKS_FILE, positions)
        findings += problems
        if pack is None:
            continue
        line, column = parsed.positions.get((index,), (1, 1))
        problems_here: list[tuple[str, str]] = []
        if pack.id in seen:
            problems_here.append((f"pack id `{pack.id}` is used twice",
                                  "give each pack its own id"))
        seen.add(pack.id)
        if pack.kind == "theme" and pack.theme not in known_themes:
            problems_here.append((f"pack `{pack.id}` needs a known `theme`",
                                  "name a theme id from themes.yml"))
        if pack.kind == "recommendation" and pack.recommendation not in known_recs:
            problems_here.append((f"pack `{pack.id}` needs a known `recommendation`",
                                  "name a recommendation id from recommendations.yml"))
        if pack.kind == "entry" and (not pack.entries or set(pack.entries) - known_ids):
            problems_here.append((f"pack `{pack.id}` needs `entries` that exist",
                                  "list entry ids"))
        if pack.start and pack.end and pack.start > pack.end:
            problems_here.append((f"pack `{pack.id}`: `from` is after `to`", "swap the dates"))
        if pack.period is not None and not re.fullmatch(PERIOD_PATTERN, pack.period):
            problems_here.append((f"pack `{pack.id}`: `{pack.period}` is not a period",
                                  "write a financial quarter or year (2024-25-Q4, 2024-25), "
                                  "last-financial-quarter, last-financial-year, last-quarter "
                                  "(the three months to today), last-year or all"))
        elif pack.period is not None and (problem := period_problem(pack.period)):
            problems_here.append((f"pack `{pack.id}`: period {problem}",
                                  "write the financial year as its two years, e.g. 2024-25"))
        findings += [error(PACKS_FILE, line, column, "HP802", message, hint)
                     for message, hint in problems_here]
        packs.append(pack)
    findings += _notes(root, packs, known_ids)
    return packs, findings


def _notes(root: Path, packs: list[PackDef], known_ids: set[str]) -> list[Diagnostic]:
    """Read each pack's note, checked as an entry's body is; a note for no pack is an
    error (its file name is the pack's id)."""
    folder = root / NOTES_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    by_id = {p.id: p for p in packs}
    findings: list[Diagnostic] = []
    for path in sorted(folder.glob("*.md")):
        rel = f"{NOTES_DIR}/{path.name}"
        pack = by_id.get(path.stem)
        if pack is None or path.is_symlink():
            findings.append(error(rel, 1, 1, "HP804", f"note `{path.name}` is for no pack "
                                  "in packs.yml" if pack is None else "symbolic links are "
                                  "not read", "name the note after a pack's id: "
                                  + ", ".join(f"{p}.md" for p in by_id) if pack is None
                                  else "replace the link with the real file"))
            continue
        text = read_text(path, rel)
        if isinstance(text, Diagnostic):
            findings.append(text)
            continue
        problems = body_findings(rel, text, 1)
        problems += [error(rel, ref.line, ref.column, "HP304",
                           f"reference [[{ref.target}]] names no entry",
                           "write [[ID]] with an existing entry's id")
                     for ref in find_references(text, 1) if ref.target not in known_ids]
        findings += problems
        if not problems:
            pack._note = text
    return findings


@dataclass(frozen=True)
class PackDocument:
    """A pack ready to typeset: cover details and Markdown body."""

    id: str
    title: str
    subtitle: str
    owner: str
    markdown: str  # pandoc's input: the pack, or a board paper's note (none: "")
    charts: dict[str, str]
    typst: str = ""  # a board paper, written by hpkb; it includes the note (note.typ)


def _plain_references(text: str, by_id: dict[str, PublishedEntry]) -> str:
    def replace(match: Any) -> str:
        target = by_id.get(match.group(1).strip())
        shown = match.group(2) or (target.title if target else "an internal entry")
        return escape_md(shown) if not match.group(2) else shown
    return REFERENCE.sub(replace, text)


def _entry_markdown(entry: PublishedEntry, by_id: dict[str, PublishedEntry],
                    taxonomy: Taxonomy) -> str:
    meta = entry.meta
    organisation = taxonomy.organisations.get(str(meta["organisation"]))
    rows = [("Kind", KIND_SINGULAR[entry.kind]), ("Id", entry.id),
            ("Organisation", organisation.name if organisation else str(meta["organisation"])),
            ("Themes", ", ".join(taxonomy.themes[t].title if t in taxonomy.themes else t
                                 for t in meta["themes"])),
            ("Marking", str(meta["classification"])), ("Updated", long_date(meta["updated"]))]
    if entry.kind == "practice":
        rows[1:1] = [("Does it work?", label(meta["effectiveness"])),
                     ("Focus", label(meta["focus"])), ("Stage", label(meta["stage"])),
                     ("Contact", f"{meta['contact']['name']}, {meta['contact']['email']}")]
    table = "| Detail | Value |\n|---|---|\n" + "".join(
        f"| {escape_md(k)} | {escape_md(v)} |\n" for k, v in rows)
    # Entry sections become level-3 headings under the entry's level-2 heading.
    body = "\n".join(("#" + line) if line.startswith("## ") else line
                     for line in _plain_references(entry.body, by_id).split("\n"))
    parts = [f"## {escape_md(entry.title)}", "", escape_md(meta["summary"]), "", table, body]
    actions = meta.get("actions", [])
    if actions:
        parts += ["", "### Actions", "", "| Action | What | Owner | Due | Status |",
                  "|---|---|---|---|---|"]
        parts += [f"| {a['id']} | {escape_md(a['action'])} | {escape_md(a['owner'])} | "
                  f"{long_date(a['due'])} | {escape_md(label(a['status']))} |" for a in actions]
    return "\n".join(parts) + "\n"


def _note_markdown(pack: PackDef, view: ProfileView, by_id: dict[str, PublishedEntry]) -> str:
    """The owner's note as the profile may publish it (internal passages only on a
    personal profile; references to hidden entries as plain text)."""
    if not pack.note:
        return ""
    kept = split_internal(pack.note, keep_internal=view.profile.personal)
    return _plain_references(rewrite_references(kept, set(by_id)), by_id).strip()


def pack_document(pack: PackDef, view: ProfileView, targets: tuple[int, int],
                  population: int | None = None) -> PackDocument:
    """What one pack is made of, from the profile's view (``population``: the force's
    residents, for board packs' rates per million)."""
    by_id = {e.id: e for e in view.entries}
    taxonomy = view.taxonomy
    note = _note_markdown(pack, view, by_id)
    if pack.kind == "board":
        from hpkb.outputs.packs.board import board_paper

        period = resolve_period(pack.period, view.today, pack.start, pack.end)
        paper = board_paper(view, period, targets, population, bool(note))
        subtitle = (f"{period.heading}; position as at "
                    f"{long_date(period.as_of(view.today))}")
        return PackDocument(pack.id, pack.title, subtitle, pack.owner or "", note,
                            paper.charts, paper.typst)
    if pack.kind == "theme":
        assert pack.theme is not None
        under = {t.id for t in taxonomy.themes.values()
                 if pack.theme in taxonomy.theme_with_ancestors(t.id)}
        chosen = [e for e in view.entries if e.kind in ("practice", "learning")
                  and under & set(e.meta["themes"])]
        chosen.sort(key=lambda e: (e.kind != "practice", e.title.lower()))
        markdown = "".join(_entry_markdown(e, by_id, taxonomy) + "\n" for e in chosen) or \
            "No entries under this theme yet.\n"
        subtitle = f"Theme: {taxonomy.themes[pack.theme].title}"
    elif pack.kind == "recommendation":
        assert pack.recommendation is not None
        rec = taxonomy.recommendations[pack.recommendation]
        chosen = [e for e in view.entries if rec.id in e.meta.get("recommendations", [])]
        markdown = (f"## The recommendation\n\n{escape_md(rec.text)}\n\n"
                    f"Source: {escape_md(rec.source)}, recommendation {rec.number}.\n\n"
                    + "".join(_entry_markdown(e, by_id, taxonomy) + "\n" for e in chosen))
        subtitle = f"Evidence for {rec.id}"
    else:
        chosen = [by_id[i] for i in pack.entries if i in by_id]
        markdown = "".join(_entry_markdown(e, by_id, taxonomy) + "\n" for e in chosen) or \
            "No entry in this pack is visible in this profile.\n"
        subtitle = ", ".join(e.id for e in chosen)
    if note:
        markdown = f"## Note\n\n{note}\n\n{markdown}"
    return PackDocument(pack.id, pack.title, subtitle, pack.owner or "", markdown, {})
