"""What a hurried author writes: a subject's first name in an entry drawn from that
debrief, a rank or title with a name, an officer's own email address. Each is refused
at the author's line with the fix; a practice's declared contact is published as meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AS_OF, run_cli

LEARNING = "content/learning/LN-2024-001.md"  # shared, drawn from RD-2024-001
PRACTICE = "practice/PR-2024-001.md"  # shared, not linked to RD-2024-001
DEBRIEF = "debriefs/RD-2024-001.md"  # subjects Imelda Castrow and Bram Ottersby


def _add(root: Path, path: str, text: str) -> int:
    """Put a paragraph before the file's last section; the line it is on."""
    file = root / path
    lines = file.read_text("utf-8").split("\n")
    at = max(n for n, line in enumerate(lines) if line.startswith("## "))
    lines[at:at] = [text, ""]
    file.write_text("\n".join(lines), "utf-8")
    return at + 1


def _findings(root: Path) -> list[tuple[str, int, str, str]]:
    result = run_cli(root, "validate", "--format", "json", "--as-of", AS_OF)
    return [(f["file"], f["line"], f["code"], f["message"]) for f in result.json()]


def test_a_first_name_alone_in_an_entry_drawn_from_the_debrief(starter: Path) -> None:
    line = _add(starter, LEARNING, "Imelda contacted the police three times that spring.")
    assert _findings(starter) == [(
        LEARNING, line, "HP601", "the shared profile would publish `Imelda`, the first name "
        "of a subject of RD-2024-001, which this entry draws on")]


def test_a_first_name_in_an_entry_that_does_not_draw_on_the_debrief(starter: Path) -> None:
    _add(starter, PRACTICE, "Imelda, a volunteer, ran the drop-in sessions.")
    assert _findings(starter) == []


def test_a_first_name_that_is_a_month_is_not_a_date(starter: Path) -> None:
    debrief = starter / DEBRIEF
    debrief.write_text(debrief.read_text("utf-8").replace("Imelda Castrow", "May Castrow"),
                       "utf-8")
    _add(starter, LEARNING, "The review met on 12 May and again in May 2024.")
    assert _findings(starter) == []
    line = _add(starter, LEARNING, "May had told her GP about the threats.")
    assert [(f[1], f[2]) for f in _findings(starter)] == [(line, "HP601")]


@pytest.mark.parametrize("text,written", [
    ("The working group was chaired by Insp Gary Hollis.", "Insp Gary"),
    ("PC Smith attended and completed the risk assessment.", "PC Smith"),
    ("Her GP, Dr Patel, made the referral.", "Dr Patel"),
])
def test_a_rank_or_title_with_a_name_is_refused(starter: Path, text: str, written: str
                                                ) -> None:
    line = _add(starter, PRACTICE, text)
    assert _findings(starter) == [(
        PRACTICE, line, "HP602", "the shared profile would publish what looks like a rank or "
        f"title with a name: `{written}`")]


def test_an_action_owner_with_a_rank_and_name_is_refused(starter: Path) -> None:
    debrief = starter / "practice/PR-2024-001.md"
    text = debrief.read_text("utf-8")
    assert "owner: Public Protection Unit" in text
    debrief.write_text(text.replace("owner: Public Protection Unit",
                                    "owner: Insp Gary Hollis", 1), "utf-8")
    assert [f[2] for f in _findings(starter)] == ["HP602"]


def test_an_officers_email_is_refused_but_the_declared_contact_is_published(
        starter: Path) -> None:
    practice = starter / PRACTICE
    practice.write_text(practice.read_text("utf-8").replace(
        "  name: Public Protection Unit mailbox", "  name: DI Sarah Okafor").replace(
        "  email: ppu@example.police.uk", "  email: sarah.okafor@example.police.uk"), "utf-8")
    assert _findings(starter) == []  # the contact is meant to be published
    line = _add(starter, PRACTICE, "Write to gary.hollis@example.police.uk for the forms.")
    assert _findings(starter) == [(
        PRACTICE, line, "HP602", "the shared profile would publish what looks like an email "
        "address: `gary.hollis@example.police.uk`")]
