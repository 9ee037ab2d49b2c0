"""An independent corpus built to a force's published figures: 22 debriefs over two
financial years to March 2024, 166 actions raised, 141 completed, 25 outstanding, 13 of
them from the three most recent debriefs. The counts are parameters, so the same force
can have no outstanding action, one, or 300, all overdue if asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2024, 3, 31)  # the end of Q4 2023/24
OWNERS = ("Public Protection Unit", "Force Control Room", "Response Policing",
          "Neighbourhood Policing", "Learning and Development", "Force Intelligence Bureau",
          "Criminal Investigation Department", "Homicide Prevention Working Group")
FACTORS = (("domestic-abuse", "coercive-control"), ("weapon-knife", "gangs"),
           ("mental-health",), ("drugs", "exploitation"), ("alcohol", "weapon-knife"),
           ("stalking", "separation", "domestic-abuse"))
CONTEXTS = ("domestic", "acquaintance", "stranger", "domestic", "acquaintance", "domestic")

DEBRIEF = """---
id: {id}
title: Debrief {number} of the force's homicides and near misses
summary: A generated debrief for the board pack figures.
themes: [{theme}]
organisation: essex-police
classification: OFFICIAL-SENSITIVE
audience: internal
status: published
created: {created}
updated: {created}
incident:
  reference: Op Figure {number}
  date: {incident}
  category: {category}
  context: {context}
  factors: [{factors}]
  primary_factor: {primary}
process:
  identified: {incident}
  initial_review: {review}
  meeting: {meeting}
  report: {report}
chronology:
  - date: {contact}
    agency: {agency}
    contact: Call
    summary: An earlier contact.
    missed_opportunity:
      kind: {kind}
      should_have: Refer to the specialist service.
      actions: [A01]
actions:
{actions}
---

## Summary

Generated.

## Learning

Generated.

## Good practice

Generated.
"""


@dataclass(frozen=True)
class Figures:
    """The counts the corpus is built to."""

    debriefs: int = 22
    completed: int = 141
    outstanding: int = 25
    recent_outstanding: int = 13  # of the outstanding, from the three most recent debriefs
    overdue: bool = False  # every outstanding action past its due date at AS_OF

    @property
    def raised(self) -> int:
        return self.completed + self.outstanding


def _spread(total: int, parts: int) -> list[int]:
    """``total`` shared over ``parts`` as evenly as it goes (the larger shares first)."""
    return [total // parts + (index < total % parts) for index in range(parts)]


def _action(number: int, owner: str, raised: date, outstanding: bool, overdue: bool,
            late: bool) -> str:
    theme = "coercive-control" if number % 2 else "knife-crime"
    if outstanding:
        due = min(raised + timedelta(days=10), AS_OF - timedelta(days=1)) if overdue \
            else AS_OF + timedelta(days=60 + number)
        status = "in-progress" if number % 2 else "open"
        tail = [f"    status: {status}"]
    else:
        due = raised + timedelta(days=30)
        done = min(raised + timedelta(days=40 if late else 20), AS_OF)
        tail = ["    status: completed", f"    completed: {done}",
                "    outcome: Done and checked."]
    return "\n".join([f"  - id: A{number:02d}",
                      f"    action: Generated action {number} for the working group to chase.",
                      f"    owner: {owner}", f"    theme: {theme}", f"    raised: {raised}",
                      f"    due: {max(due, raised)}", *tail])


def write_force(root: Path, figures: Figures = Figures()) -> None:
    """Replace the repo's debriefs and learning with the corpus."""
    for path in [*root.glob("debriefs/*.md"), *root.glob("content/learning/*.md")]:
        path.unlink()
    count = figures.debriefs
    recent = min(3, count)
    older = count - recent
    completed = _spread(figures.completed, count)
    outstanding = (_spread(figures.outstanding - figures.recent_outstanding, older)
                   + _spread(figures.recent_outstanding, recent))
    first = date(2022, 4, 20)
    step = (AS_OF - timedelta(days=25) - first).days // max(count - 1, 1)
    for index in range(count):
        incident = first + timedelta(days=step * index)
        meeting = incident + timedelta(days=9)
        # The most recent debriefs' actions are raised days before the as-of date.
        raised = min(meeting, AS_OF - timedelta(days=12))
        actions = [_action(n + 1, OWNERS[(index + n) % len(OWNERS)], raised,
                           n >= completed[index], figures.overdue, late=(n + index) % 5 == 0)
                   for n in range(completed[index] + outstanding[index])]
        factors = FACTORS[index % len(FACTORS)]
        text = DEBRIEF.format(
            id=f"RD-{incident.year}-{index + 1:03d}", number=index + 1,
            theme="coercive-control" if "domestic-abuse" in factors else "knife-crime",
            created=meeting, incident=incident,
            category="homicide" if index % 3 != 2 else "near-miss",
            context=CONTEXTS[index % len(CONTEXTS)], factors=", ".join(factors),
            primary=factors[0], review=incident + timedelta(days=8 + index % 10),
            meeting=meeting, report=incident + timedelta(days=20 + (index * 7) % 25),
            contact=incident - timedelta(days=60), kind=("systemic", "individual")[index % 2],
            agency=("Police", "Adult social care", "GP")[index % 3],
            actions="\n".join(actions) if actions else "  []")
        text = text.replace("actions:\n  []", "actions: []")
        if not actions:
            text = text.replace("      actions: [A01]\n", "")
        (root / "debriefs" / f"RD-{incident.year}-{index + 1:03d}.md").write_text(text, "utf-8")


BOARD_PACKS = """- id: board-q4
  title: Homicide prevention board pack
  kind: board
  period: 2023-24-Q4
"""


def board_pack_only(root: Path) -> None:
    """One board pack for Q4 2023/24 (no learning packs: they have nothing to show)."""
    (root / "content" / "packs.yml").write_text(BOARD_PACKS, "utf-8")
