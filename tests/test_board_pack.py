"""The board pack on a corpus built to a force's published figures: the running position
as at the pack's date, the same figures in the report, statistics page, tracker and
pack, and a layout that cannot overflow (word boxes read back from the PDF)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.governance.periods import resolve_period
from hpkb.outputs.site.pages import site_pages
from hpkb.outputs.site.templates import template_dirs
from hpkb.pipeline import profile_view
from hpkb.view.links import link
from tests.conftest import run_cli
from tests.force_corpus import AS_OF, Figures, board_pack_only, write_force
from tests.pdf_words import layout_problems, pages

MARKING = "OFFICIAL-SENSITIVE"
TITLE = "Homicide prevention board pack"
BOTTOM_MARGIN = 2.6 / 2.54 * 72  # the pack template's bottom margin, in points
PUBLISHED = {"debriefs": 22, "actions_raised": 166, "completed": 141, "outstanding": 25,
             "outstanding_recent": 13}


@pytest.fixture
def force(starter: Path) -> Path:
    write_force(starter)
    board_pack_only(starter)
    return starter


def _pack(root: Path) -> Path:
    result = run_cli(root, "pack", "board-q4", "--profile", "internal", "--as-of", "2024-05-20")
    assert result.exit_code == 0, result.stdout + result.stderr
    return root / "build/internal/packs/board-q4.pdf"


def test_the_report_gives_the_published_figures_as_at_the_quarter_end(force: Path) -> None:
    result = run_cli(force, "report", "--period", "2023-24-Q4", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    figures = result.json()
    position = figures["position"]
    assert {key: position[key] for key in PUBLISHED} == PUBLISHED
    assert position["as_of"] == "2024-03-31" and len(position["recent_debriefs"]) == 3
    assert position["overdue"] == 0  # due after the quarter
    assert figures["period"] == {"from": "2024-01-01", "to": "2024-03-31",
                                 "as_of": "2024-03-31"}
    changes = figures["changes"]
    assert changes["debriefs"] == 2 and changes["start"] == "2024-01-01"
    # The published figures hold as at the date, whatever happened after it.
    later = run_cli(force, "report", "--as-of", "2024-03-31", "--json").json()["position"]
    assert later == position


def test_every_output_takes_the_same_figures(force: Path) -> None:
    """Report, statistics page, action tracker and board pack: one set of figures."""
    figures = run_cli(force, "report", "--as-of", AS_OF.isoformat(), "--json").json()
    position = figures["position"]
    validation = validate_repo(force, today=AS_OF)
    seen = profile_view(validation, "internal", today=AS_OF)
    built = site_pages(seen, link(seen), site_name="Force", marking=MARKING, targets=(14, 30),
                       template_dirs=template_dirs(force), home_text="", extra_pages={})
    statistics = built.pages["statistics.md"]
    for name, key in (("Debriefs held", "debriefs"), ("Actions raised", "actions_raised"),
                      ("Completed", "completed"), ("of which after the due date", "completed_late"),
                      ("Outstanding (open or in progress)", "outstanding"),
                      ("of which overdue", "overdue")):
        assert f"| {name} | {position[key]} |" in statistics, name
    tracker = " ".join(built.pages["tracker.md"].split())
    assert (f"{position['actions_raised']} actions: {position['completed']} completed "
            f"({position['completed_late']} after the due date), {position['outstanding']} "
            f"outstanding ({position['in_progress']} in progress, {position['open']} open; "
            f"{position['overdue']} overdue)") in tracker
    assert tracker.count('data-status="In progress"') == position["in_progress"]
    text = " ".join(" ".join(p.text for p in pages(_pack(force))).split())
    for words, key in (("Debriefs held", "debriefs"), ("Actions raised", "actions_raised"),
                       ("Completed", "completed"),
                       ("Outstanding (open or in progress)", "outstanding")):
        assert f"{words} {position[key]}" in text, words
    assert re.search(rf"of which from the last 3 debriefs \([^)]*\) {position['outstanding_recent']}",
                     text)


def test_the_quarter_and_what_changed_in_it(force: Path) -> None:
    period = resolve_period("2023-24-Q4", date(2026, 1, 1))
    assert (period.start, period.end) == (date(2024, 1, 1), date(2024, 3, 31))
    text = " ".join(" ".join(p.text for p in pages(_pack(force))).split())
    assert "Q4 2023/24 (January to March 2024); position as at 31 March 2024" in text
    assert "Two debriefs were held in the period (Q4 2023/24 (January to March 2024))" in text


@pytest.mark.slow
@pytest.mark.parametrize("outstanding", [0, 1, 25, 300])
def test_nothing_overlaps_however_many_actions_are_overdue(starter: Path,
                                                          outstanding: int) -> None:
    write_force(starter, Figures(outstanding=outstanding,
                                 recent_outstanding=min(outstanding, 13), overdue=True))
    board_pack_only(starter)
    pdf = _pack(starter)
    assert layout_problems(pdf, MARKING, TITLE, BOTTOM_MARGIN) == []
    text = " ".join(" ".join(p.text for p in pages(pdf)).split())
    assert f"of which overdue {outstanding}" in text
    if outstanding == 25:  # the published figures, every outstanding action overdue
        for words in ("Debriefs held 22", "Actions raised 166", "Completed 141",
                      "Outstanding (open or in progress) 25"):
            assert words in text, words
    if outstanding:  # the last overdue action is listed, however long the table
        assert "RD-2024-022/A" in text or outstanding < 13


def test_the_layout_check_sees_overflow_and_overprinting(tmp_path: Path) -> None:
    """The check above is not vacuous: an unbreakable table runs into the footer, and a
    line is printed over another."""
    import typst

    source = tmp_path / "over.typ"
    source.write_text(
        '#set page(paper: "a4", margin: (top: 2.6cm, bottom: 2.6cm, x: 2.2cm),\n'
        '  header: align(center)[OFFICIAL-SENSITIVE],\n'
        '  footer: grid(columns: (1fr, auto), [Pack OFFICIAL-SENSITIVE], '
        'context counter(page).display("Page 1 of 1", both: true)))\n'
        "#block(breakable: false, table(columns: 2, ..range(60).map(i => ([Row #i], "
        "[text #i])).flatten()))\n", "utf-8")
    typst.compile(str(source), output=str(tmp_path / "over.pdf"), font_paths=[],
                  ignore_system_fonts=True)
    problems = layout_problems(tmp_path / "over.pdf", MARKING, "Pack", BOTTOM_MARGIN)
    assert any("is in the footer" in p for p in problems)
    assert any("overlaps" in p for p in problems)
