"""PDF pack definitions (content/packs.yml) and the Markdown each pack is made of.

Definitions are validated like entries (file:line findings). A pack's Markdown is built
from the profile's view only; `pdf.py` turns it into a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from hpkb.body import REFERENCE
from hpkb.conform import conform
from hpkb.diagnostics import Diagnostic, error
from hpkb.load import read_text
from hpkb.markdown_text import escape_md
from hpkb.pages import KIND_SINGULAR, label, long_date
from hpkb.schema import IsoDate, Text, _Strict
from hpkb.strict_yaml import parse_yaml
from hpkb.view import ProfileView, PublishedEntry

__all__ = ["PACKS_FILE", "PackDef", "PackDocument", "load_packs", "pack_document"]

PACKS_FILE = "content/packs.yml"


class PackDef(_Strict):
    """One pack: what it is called, which kind, and what it selects."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", examples=["board-quarterly"])
    title: Text = Field(max_length=120)
    kind: Literal["board", "theme", "recommendation", "entry"]
    theme: str | None = Field(None, description="Theme id (theme packs).")
    recommendation: str | None = Field(None, description="Recommendation id.")
    entries: list[str] = Field([], description="Entry ids (entry packs).")
    period: Literal["last-quarter", "last-year", "all"] | None = Field(
        None, description="Board packs: the period ending today.")
    start: IsoDate | None = Field(None, alias="from", description="Period start.")
    end: IsoDate | None = Field(None, alias="to", description="Period end.")
    owner: Text | None = Field(None, description="Who the pack is for or from.")


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
        findings += [error(PACKS_FILE, line, column, "HP802", message, hint)
                     for message, hint in problems_here]
        packs.append(pack)
    return packs, findings


@dataclass(frozen=True)
class PackDocument:
    """A pack ready to typeset: cover details and Markdown body."""

    id: str
    title: str
    subtitle: str
    owner: str
    markdown: str
    charts: dict[str, str]


def _period(pack: PackDef, today: date) -> tuple[date | None, date]:
    if pack.start or pack.end:
        return pack.start, pack.end or today
    if pack.period == "last-quarter":
        return today - timedelta(days=91), today
    if pack.period == "last-year":
        return today - timedelta(days=365), today
    return None, today


def _plain_references(text: str, by_id: dict[str, PublishedEntry]) -> str:
    def replace(match: Any) -> str:
        target = by_id.get(match.group(1).strip())
        shown = match.group(2) or (target.title if target else "an internal entry")
        return escape_md(shown) if not match.group(2) else shown
    return REFERENCE.sub(replace, text)


def _entry_markdown(entry: PublishedEntry, by_id: dict[str, PublishedEntry]) -> str:
    meta = entry.meta
    rows = [("Kind", KIND_SINGULAR[entry.kind]), ("Id", entry.id),
            ("Organisation", str(meta["organisation"])), ("Themes", ", ".join(meta["themes"])),
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


def _board_markdown(view: ProfileView, start: date | None, end: date,
                    targets: tuple[int, int]) -> tuple[str, dict[str, str]]:
    from hpkb.charts import bar_chart
    from hpkb.report import action_rows, overdue_by_owner, period_report

    figures = period_report(view, start=start, end=end, as_of=view.today, targets=targets)
    debriefs, actions = figures["debriefs"], figures["actions"]
    lines = ["## Summary", "",
             "| Measure | Count |", "|---|---|",
             f"| Debriefs held | {debriefs['count']} |",
             f"| Homicides | {debriefs['by_category']['homicide']} |",
             f"| Near misses | {debriefs['by_category']['near-miss']} |",
             f"| Actions raised | {actions['raised']} |",
             f"| Actions completed | {actions['completed']} |",
             f"| Actions open (in progress) | {actions['open']} ({actions['in_progress']}) |",
             f"| Actions overdue | {actions['overdue']} |", "",
             "## Timeliness", "", "| Step | Target | Within | Late | Not yet done |",
             "|---|---|---|---|---|"]
    for step, row in figures["timeliness"].items():
        name = "Initial review" if step == "initial_review" else "Learning and actions report"
        lines.append(f"| {name} | {row['target_days']} days | {row['within']} | {row['late']} "
                     f"| {row['missing']} |")
    rows = [r for r in action_rows(view, view.today)
            if (start is None or r.raised >= start) and r.raised <= end]
    by_owner = overdue_by_owner(rows)
    charts = {}
    if by_owner:
        charts["overdue.svg"] = bar_chart("overdue", "Overdue actions by owner", list(by_owner),
                                          {"Overdue": list(by_owner.values())},
                                          horizontal=True).svg
        lines += ["", "## Overdue actions", "", "![Overdue actions by owner](overdue.svg)", "",
                  "| Action | Owner | Due | Status |", "|---|---|---|---|"]
        lines += [f"| {r.id} {escape_md(r.action)} | {escape_md(r.owner)} | {long_date(r.due)} "
                  f"| {label(r.status)} |" for r in rows if r.overdue]
    new = [e for e in view.entries if e.kind in ("learning", "practice")
           and (start is None or date.fromisoformat(e.meta["created"]) >= start)
           and date.fromisoformat(e.meta["created"]) <= end]
    lines += ["", "## New learning and practice", ""]
    lines += [f"- {escape_md(e.title)} ({e.id})" for e in new] or ["None in this period."]
    return "\n".join(lines) + "\n", charts


def pack_document(pack: PackDef, view: ProfileView, targets: tuple[int, int]) -> PackDocument:
    """The Markdown and cover details of one pack, from the profile's view."""
    by_id = {e.id: e for e in view.entries}
    taxonomy = view.taxonomy
    charts: dict[str, str] = {}
    if pack.kind == "board":
        start, end = _period(pack, view.today)
        markdown, charts = _board_markdown(view, start, end, targets)
        subtitle = f"{long_date(start) if start else 'From the start'} to {long_date(end)}"
    elif pack.kind == "theme":
        assert pack.theme is not None
        under = {t.id for t in taxonomy.themes.values()
                 if pack.theme in taxonomy.theme_with_ancestors(t.id)}
        chosen = [e for e in view.entries if e.kind in ("practice", "learning")
                  and under & set(e.meta["themes"])]
        chosen.sort(key=lambda e: (e.kind != "practice", e.title.lower()))
        markdown = "".join(_entry_markdown(e, by_id) + "\n" for e in chosen) or \
            "No entries under this theme yet.\n"
        subtitle = f"Theme: {taxonomy.themes[pack.theme].title}"
    elif pack.kind == "recommendation":
        assert pack.recommendation is not None
        rec = taxonomy.recommendations[pack.recommendation]
        chosen = [e for e in view.entries if rec.id in e.meta.get("recommendations", [])]
        markdown = (f"## The recommendation\n\n{escape_md(rec.text)}\n\n"
                    f"Source: {escape_md(rec.source)}, recommendation {rec.number}.\n\n"
                    + "".join(_entry_markdown(e, by_id) + "\n" for e in chosen))
        subtitle = f"Evidence for {rec.id}"
    else:
        chosen = [by_id[i] for i in pack.entries if i in by_id]
        markdown = "".join(_entry_markdown(e, by_id) + "\n" for e in chosen) or \
            "No entry in this pack is visible in this profile.\n"
        subtitle = ", ".join(e.id for e in chosen)
    return PackDocument(pack.id, pack.title, subtitle, pack.owner or "", markdown, charts)
