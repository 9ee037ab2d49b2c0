"""Generate a realistic synthetic content repository for benchmarks and scale tests.

Entries have the shape and size of real ones: debriefs with subjects, chronology and
five actions; learning with sources; practice with every key detail; bodies of a few
hundred words in the required sections. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

STARTER = Path(__file__).resolve().parent.parent / "src" / "hpkb" / "starter"
WORDS = (  # noqa: SIM905 - prose is easier to read and edit than a list of words
    "officers attended the address after a call from a neighbour who heard shouting and "
    "the victim said that her partner had checked her phone and stopped her seeing friends "
    "the review found that earlier reports were not linked and the risk assessment was "
    "graded standard although several questions were answered not known partners shared "
    "records with the review team within days and the meeting agreed actions for training "
    "referral routes information sharing and supervision of response teams at night"
).split()
THEMES = ["coercive-control", "familial-homicide", "mental-health", "county-lines",
          "drug-related-deaths", "knife-crime", "youth-violence", "alcohol-night-time-economy",
          "organisational-learning", "domestic-abuse", "drugs", "serious-violence"]
FORCES = ["essex-police", "kent-police", "west-mercia-police", "merseyside-police",
          "south-wales-police", "thames-valley-police", "northumbria-police"]
NAMES = ["Arlo", "Brisa", "Caddoc", "Delphine", "Eamon", "Fenella", "Gethin", "Hesper"]
SURNAMES = ["Quennick", "Vardley", "Morrowby", "Tallis-Crane", "Oskerton", "Pellwright"]
# Operation names never reuse a subject's name: the guard would rightly refuse them.
OPERATIONS = ["Kestrel", "Larchmoor", "Saltings", "Fernbrake", "Harrowgate", "Milestone"]


SYLLABLES = ("ar", "bel", "cor", "dun", "ex", "fal", "gor", "hin", "is", "jet", "kel", "lor",
             "mun", "nor", "ost", "pel", "quin", "ros", "sal", "tur", "ul", "ven", "wes", "yor")
# A long-tailed vocabulary of made-up words beside the common ones, so that searches in
# benchmarks match a realistic share of entries rather than all of them.
RARE_WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "ton", "ley", "ish")]


def _word(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(WORDS)
    return RARE_WORDS[int(len(RARE_WORDS) ** rng.random()) - 1]  # log-uniform: Zipf-like


def _sentences(rng: random.Random, count: int) -> str:
    out = []
    for _ in range(count):
        words = [_word(rng) for _ in range(rng.randint(12, 24))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(_sentences(rng, rng.randint(3, 6)) for _ in range(count))


def _common(rng: random.Random, entry_id: str, created: date, audience: str) -> str:
    title = _sentences(rng, 1)[:100].rstrip(".")
    return (
        f"id: {entry_id}\n"
        f"title: \"{title}\"\n"
        f"summary: >-\n  {_sentences(rng, 2)}\n"
        f"themes: [{', '.join(rng.sample(THEMES, rng.randint(1, 3)))}]\n"
        f"tags: [{rng.choice(['risk-assessment', 'separation', 'carers'])}]\n"
        f"organisation: {rng.choice(FORCES)}\n"
        f"classification: {'OFFICIAL-SENSITIVE' if audience == 'internal' else 'OFFICIAL'}\n"
        f"audience: {audience}\n"
        "status: published\n"
        + ("" if audience == "internal" else
           f"cleared: {{by: Head of Public Protection, on: {created}}}\n")
        + f"created: {created}\nupdated: {created + timedelta(days=rng.randint(0, 90))}\n"
        "owner: Homicide Prevention Working Group\n"
        "recommendations: [hmicfrs-2023-r3]\n"
    )


def _actions(rng: random.Random, raised: date) -> str:
    lines = ["actions:"]
    for number in range(1, 6):
        status = rng.choice(["open", "in-progress", "completed", "dropped"])
        due = raised + timedelta(days=rng.randint(30, 300))
        lines += [f"  - id: A{number:02d}", f"    action: {_sentences(rng, 1)}",
                  "    owner: Public Protection Unit", f"    theme: {rng.choice(THEMES)}",
                  f"    due: {due}", f"    status: {status}"]
        if status == "completed":
            lines.append(f"    completed: {due - timedelta(days=rng.randint(0, 20))}")
        if status in ("completed", "dropped"):
            lines.append(f"    outcome: {_sentences(rng, 1)}")
    return "\n".join(lines) + "\n"


def debrief(rng: random.Random, entry_id: str, created: date) -> str:
    incident = created - timedelta(days=rng.randint(5, 12))
    chronology = "chronology:\n" + "".join(
        f"  - date: {incident - timedelta(days=rng.randint(30, 700))}\n"
        f"    agency: Police\n    contact: 999 call\n    summary: {_sentences(rng, 2)}\n"
        f"    missed_opportunity: {rng.choice(['true', 'false'])}\n" for _ in range(4))
    subjects = "subjects:\n" + "".join(
        f"  - {{role: {role}, name: {rng.choice(NAMES)} {rng.choice(SURNAMES)}, "
        f"age_band: 25-34, sex: female}}\n" for role in ("victim", "suspect"))
    front = (
        _common(rng, entry_id, created, rng.choice(["internal", "internal", "shared"]))
        + f"incident:\n  reference: Op {rng.choice(OPERATIONS)}\n  date: {incident}\n"
        f"  category: {rng.choice(['homicide', 'near-miss'])}\n  offence: murder\n"
        f"  context: {rng.choice(['domestic', 'acquaintance', 'stranger'])}\n"
        "  factors: [domestic-abuse, weapon-knife]\n  area: North district\n"
        "  proceedings: concluded\n"
        + subjects
        + f"process:\n  identified: {incident + timedelta(days=1)}\n"
        f"  initial_review: {incident + timedelta(days=rng.randint(5, 20))}\n"
        f"  meeting: {created}\n  report: {created + timedelta(days=rng.randint(5, 30))}\n"
        "  attendees: [Major Investigation Team, Public Protection Unit]\n"
        "  partners_involved: true\n  overlaps: [criminal-investigation]\n"
        + chronology + _actions(rng, created)
    )
    body = (f"## Summary\n\n{_paragraphs(rng, 2)}\n\n## Learning\n\n{_paragraphs(rng, 3)}\n\n"
            f"::: internal\n{_sentences(rng, 2)}\n:::\n\n## Good practice\n\n"
            f"{_paragraphs(rng, 1)}\n")
    return f"---\n{front}---\n\n{body}"


def learning(rng: random.Random, entry_id: str, created: date, sources: list[str]) -> str:
    front = (_common(rng, entry_id, created, rng.choice(["shared", "internal"]))
             + f"sources: [{', '.join(sources)}]\napplies_to: [Response officers]\n")
    refs = " ".join(f"[[{s}]]" for s in sources)
    body = (f"## What we learned\n\nSee {refs}. {_paragraphs(rng, 3)}\n\n"
            f"## Recommendation\n\n{_paragraphs(rng, 2)}\n")
    return f"---\n{front}---\n\n{body}"


def practice(rng: random.Random, entry_id: str, created: date) -> str:
    front = (
        _common(rng, entry_id, created, rng.choice(["shared", "shared", "internal"]))
        + f"effectiveness: {rng.choice(['worked', 'promising', 'untested', 'did-not-work'])}\n"
        f"focus: {rng.choice(['prevention', 'diversion', 'reoffending', 'investigation'])}\n"
        "topics: [crime prevention]\n"
        f"stage: {rng.choice(['planned', 'piloted', 'implemented', 'ended'])}\n"
        "evaluation: evaluated-locally\nscale: local\ntarget_group: [adults, victims]\n"
        "contact:\n  name: Team mailbox\n  email: team@example.police.uk\n"
    )
    sections = ["Aim", "Intended outcome", "Description", "Overall impact", "Learning"]
    body = "\n\n".join(f"## {s}\n\n{_paragraphs(rng, 2)}" for s in sections)
    return f"---\n{front}---\n\n{body}\n"


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """Write a repository of ``count`` entries (30% debriefs, 30% learning, 40% practice)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(STARTER / "content" / "taxonomy", root / "content" / "taxonomy")
    shutil.copy(STARTER / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("debriefs", "content/learning", "practice"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    debrief_ids: list[str] = []
    for index in range(count):
        year = 2010 + index % 16  # 16 years keep serials under 1,000 up to 15,000 entries
        serial = index // 16 + 1
        created = date(year, 1, 1) + timedelta(days=rng.randint(20, 300))
        share = index % 10
        if share < 3 or not debrief_ids:
            entry_id = f"RD-{year}-{serial:03d}"
            text, folder = debrief(rng, entry_id, created), "debriefs"
            debrief_ids.append(entry_id)
        elif share < 6:
            entry_id = f"LN-{year}-{serial:03d}"
            text = learning(rng, entry_id, created, rng.sample(debrief_ids, 1))
            folder = "content/learning"
        else:
            entry_id = f"PR-{year}-{serial:03d}"
            text, folder = practice(rng, entry_id, created), "practice"
        (root / folder / f"{entry_id}.md").write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.target, args.entries, args.seed)


if __name__ == "__main__":
    main()
