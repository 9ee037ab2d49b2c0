"""Governance figures: `hpkb actions` and `hpkb report` on fixtures with known answers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.governance.actions import action_rows, tracker_order
from hpkb.governance.periods import period_problem, resolve_period
from hpkb.governance.report import financial_year
from hpkb.outputs.wording import count_of
from hpkb.pipeline import profile_view
from tests.conftest import run_cli

TEMPLATE = """---
id: {id}
title: Debrief {id}
summary: A fixture debrief.
themes: [{theme}]
organisation: essex-police
classification: OFFICIAL-SENSITIVE
audience: internal
status: published
created: {created}
updated: {created}
incident:
  reference: Op {id}
  date: {incident}
  category: {category}
  context: {context}
  factors: [{factors}]
process:
  identified: {incident}
{process}
actions:
{actions}
---

## Summary

Text.

## Learning

Text.

## Good practice

Text.
"""


def _action(number: int, status: str, due: date, raised: date) -> str:
    lines = [f"  - id: A{number:02d}", "    action: Do the thing.",
             "    owner: Public Protection Unit", "    theme: knife-crime", f"    raised: {raised}",
             f"    due: {due}", f"    status: {status}"]
    if status == "completed":
        lines += [f"    completed: {raised + timedelta(days=10)}", "    outcome: Done."]
    if status == "dropped":
        lines.append("    outcome: Not needed.")
    return "\n".join(lines)


def write_debrief(root: Path, serial: int, incident: date, statuses: list[str], *,
                  category: str = "homicide", context: str = "domestic",
                  factors: str = "domestic-abuse", review_days: int | None = 10,
                  report_days: int | None = 25, due: date | None = None) -> str:
    entry_id = f"RD-2024-{serial:03d}"
    process = []
    if review_days is not None:
        process.append(f"  initial_review: {incident + timedelta(days=review_days)}")
    if report_days is not None:
        process.append(f"  report: {incident + timedelta(days=report_days)}")
    raised = incident + timedelta(days=5)
    actions = "\n".join(_action(i + 1, s, due or raised + timedelta(days=60), raised)
                        for i, s in enumerate(statuses)) or "  []"
    text = TEMPLATE.format(id=entry_id, theme="knife-crime", created=incident + timedelta(days=3),
                           incident=incident, category=category, context=context,
                           factors=factors, process="\n".join(process), actions=actions)
    (root / "debriefs" / f"{entry_id}.md").write_text(text.replace("actions:\n  []",
                                                                   "actions: []"), "utf-8")
    return entry_id


@pytest.fixture
def repo(starter: Path) -> Path:
    for path in [*starter.glob("debriefs/*.md"), *starter.glob("content/learning/*.md")]:
        path.unlink()
    return starter


def test_reproduces_the_published_force_figures(repo: Path) -> None:
    # One force reported 22 debriefs, 166 actions raised, 141 completed, 25 outstanding.
    start = date(2023, 4, 10)
    for serial in range(1, 23):
        completed = 7 if serial <= 9 else 6  # 9*7 + 13*6 = 141
        total = 8 if serial <= 12 else 7     # 12*8 + 10*7 = 166
        statuses = ["completed"] * completed + ["open"] * (total - completed)
        write_debrief(repo, serial, start + timedelta(days=14 * serial), statuses,
                      due=date(2030, 1, 1))
    result = run_cli(repo, "report", "--as-of", "2025-01-31", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    figures = result.json()
    assert figures["debriefs"]["count"] == 22
    assert figures["actions"] == {"raised": 166, "completed": 141, "open": 25,
                                  "in_progress": 0, "dropped": 0, "overdue": 0}


def test_report_shape_and_counts(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 3, 31), ["completed", "in-progress", "open", "dropped"],
                  category="homicide", context="domestic", factors="domestic-abuse, alcohol",
                  review_days=14, report_days=31)
    write_debrief(repo, 2, date(2024, 4, 1), ["open"], category="near-miss",
                  context="stranger", factors="weapon-knife", review_days=15, report_days=None)
    result = run_cli(repo, "report", "--as-of", "2024-12-31", "--json")
    figures = result.json()
    assert figures["period"] == {"from": None, "to": "2024-12-31", "as_of": "2024-12-31"}
    debriefs = figures["debriefs"]
    assert debriefs["by_category"] == {"homicide": 1, "near-miss": 1}
    assert debriefs["by_context"] == {"domestic": 1, "acquaintance": 0, "stranger": 1,
                                      "other": 0}
    assert debriefs["by_factor"]["alcohol"] == 1 and debriefs["by_factor"]["hate"] == 0
    # 31 March and 1 April fall in different financial years.
    assert debriefs["by_financial_year"] == {"2023/24": {"homicide": 1, "near-miss": 0},
                                             "2024/25": {"homicide": 0, "near-miss": 1}}
    assert figures["actions"] == {"raised": 5, "completed": 1, "open": 3, "in_progress": 1,
                                  "dropped": 1, "overdue": 3}
    timeliness = figures["timeliness"]
    # Day 14 is within; day 15 is late; a missing report counts as missing, not late.
    assert {k: timeliness["initial_review"][k] for k in ("target_days", "within", "late",
                                                          "missing")} == {
        "target_days": 14, "within": 1, "late": 1, "missing": 0}
    assert {k: timeliness["report"][k] for k in ("within", "late", "missing")} == {
        "within": 0, "late": 1, "missing": 1}


def test_report_period_filters_by_incident_and_raised_dates(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 3, 20), ["open"])  # actions raised 25 March
    write_debrief(repo, 2, date(2024, 4, 1), ["open", "open"])
    result = run_cli(repo, "report", "--from", "2024-04-01", "--to", "2025-03-31",
                     "--as-of", "2025-04-30", "--json")
    figures = result.json()
    assert figures["debriefs"]["count"] == 1
    assert figures["actions"]["raised"] == 2


def test_status_is_taken_as_of_the_date(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["completed"], due=date(2024, 5, 20))
    # Raised 6 May, completed 16 May: on 10 May it was still open.
    before = run_cli(repo, "report", "--as-of", "2024-05-10", "--json").json()["actions"]
    after = run_cli(repo, "report", "--as-of", "2024-05-31", "--json").json()["actions"]
    assert (before["open"], before["completed"]) == (1, 0)
    assert (after["open"], after["completed"]) == (0, 1)


def test_due_today_is_not_overdue(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["open"], due=date(2024, 7, 1))
    on_the_day = run_cli(repo, "actions", "--overdue", "--as-of", "2024-07-01", "--json")
    day_after = run_cli(repo, "actions", "--overdue", "--as-of", "2024-07-02", "--json")
    assert on_the_day.json() == []
    assert [a["id"] for a in day_after.json()] == ["RD-2024-001/A01"]


def test_actions_json_shape_and_filters(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["completed", "open"], due=date(2024, 7, 1))
    rows = run_cli(repo, "actions", "--as-of", "2024-08-01", "--json").json()
    assert rows[0] == {"id": "RD-2024-001/A01", "entry": "RD-2024-001",
                       "action": "Do the thing.", "owner": "Public Protection Unit",
                       "theme": "knife-crime", "raised": "2024-05-06", "due": "2024-07-01",
                       "status": "completed", "completed": "2024-05-16", "outcome": "Done.",
                       "overdue": False, "source": None}
    assert rows[1]["overdue"] is True
    by_theme = run_cli(repo, "actions", "--theme", "serious-violence", "--json").json()
    assert len(by_theme) == 2  # knife-crime is a sub-theme of serious-violence
    assert run_cli(repo, "actions", "--theme", "drugs", "--json").json() == []
    owned = run_cli(repo, "actions", "--owner", "public protection unit", "--json").json()
    assert len(owned) == 2
    assert len(run_cli(repo, "actions", "--status", "open", "--json").json()) == 1
    unknown = run_cli(repo, "actions", "--theme", "knife")
    assert unknown.exit_code == 2 and "unknown theme `knife`" in unknown.stderr


def test_actions_csv(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["open"], due=date(2024, 7, 1))
    result = run_cli(repo, "actions", "--csv", "--as-of", "2024-08-01")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [{"id": "RD-2024-001/A01", "entry": "RD-2024-001", "action": "Do the thing.",
                     "owner": "Public Protection Unit", "theme": "knife-crime",
                     "raised": "2024-05-06", "due": "2024-07-01", "status": "open",
                     "completed": "", "outcome": "", "overdue": "True", "source": ""}]


def test_actions_default_to_internal_and_shared_hides_internal(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["open"])
    assert len(run_cli(repo, "actions", "--json").json()) == 1
    assert run_cli(repo, "actions", "--profile", "shared", "--json").json() == []


def test_invalid_content_is_refused(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["completed"])
    path = repo / "debriefs/RD-2024-001.md"
    path.write_text(path.read_text("utf-8").replace("    outcome: Done.\n", ""), "utf-8")
    result = run_cli(repo, "report")
    assert result.exit_code == 1
    assert "HP205" in result.stdout


@pytest.mark.parametrize("day,year", [(date(2024, 3, 31), "2023/24"),
                                      (date(2024, 4, 1), "2024/25"),
                                      (date(1999, 12, 31), "1999/00")])
def test_financial_year(day: date, year: str) -> None:
    assert financial_year(day) == year


def _set(root: Path, old: str, new: str, file: str = "mkdocs.yml") -> None:
    path = root / file
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def test_problem_profile_rolling_count_and_rate(repo: Path) -> None:
    _set(repo, "    default_profile: shared", "    default_profile: shared\n    population: 2000000")
    write_debrief(repo, 1, date(2023, 6, 15), [])
    write_debrief(repo, 2, date(2024, 2, 1), [], category="near-miss")
    write_debrief(repo, 3, date(2024, 5, 20), [])
    figures = run_cli(repo, "report", "--as-of", "2024-06-30", "--json").json()
    profile = figures["problem_profile"]
    assert list(profile["by_month"])[:2] == ["2023-06", "2023-07"]
    assert list(profile["by_month"])[-1] == "2024-06"
    assert profile["by_month"]["2024-02"] == {"homicide": 0, "near-miss": 1}
    assert profile["rolling_12_months"]["2024-05"] == 3  # June 2023 to May 2024
    assert profile["rolling_12_months"]["2024-06"] == 2  # July 2023 to June 2024
    assert profile["last_12_months"] == {"incidents": 2, "homicides": 1}
    assert profile["homicide_rate_per_million"] == 0.5
    text = run_cli(repo, "report", "--as-of", "2024-06-30").stdout
    assert "Last 12 months to 2024-06-30: 2 incidents, 1 homicide; 0.5 homicides per million" \
        in text


def test_stale_entries_are_listed_for_owners(repo: Path) -> None:
    _set(repo, "owner: Public Protection Unit", "owner: Public Protection Unit\n"
         "review_by: 2024-01-31", "practice/PR-2024-001.md")
    figures = run_cli(repo, "report", "--as-of", "2024-06-30", "--json").json()
    assert figures["stale"] == {"Public Protection Unit": [{
        "id": "PR-2024-001", "title": "Example practice: joint visits with a domestic abuse "
        "advocate after a first call", "review_by": "2024-01-31"}]}
    text = run_cli(repo, "report", "--as-of", "2024-06-30").stdout
    assert "Public Protection Unit: PR-2024-001 (since 2024-01-31)" in text


def _shared_debriefs(repo: Path) -> None:
    for serial, (day, category) in enumerate([
            (date(2023, 5, 1), "homicide"), (date(2023, 7, 1), "homicide"),
            (date(2023, 9, 1), "near-miss"), (date(2024, 5, 1), "homicide")], start=1):
        write_debrief(repo, serial, day, ["open"], category=category)
        _set(repo, "classification: OFFICIAL-SENSITIVE\naudience: internal",
             "classification: OFFICIAL\naudience: shared", f"debriefs/RD-2024-{serial:03d}.md")


def test_small_numbers_are_suppressed_on_shared_sites(repo: Path) -> None:
    _shared_debriefs(repo)
    for profile in ("shared", "internal"):
        assert run_cli(repo, "build", "--profile", profile, "--as-of", "2024-12-31"
                       ).exit_code == 0
    shared = (repo / "build/shared/docs/statistics.md").read_text("utf-8")
    internal = (repo / "build/internal/docs/statistics.md").read_text("utf-8")
    assert "| 2023/24 | fewer than 5 | fewer than 5 |" in shared
    assert "| 2023/24 | 2 | 1 |" in internal
    assert "incidents-by-year.svg" not in shared  # a chart would show the small numbers
    assert "incidents-by-year.svg" in internal
    assert not (repo / "build/shared/site/assets/charts/incidents-by-year.svg").exists()
    svg = (repo / "build/internal/site/assets/charts/incidents-by-year.svg").read_text("utf-8")
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "2023/24: Homicide 2, Near miss 1" in svg
    assert not re.search(r"https?://(?!www\.w3\.org|purl\.org|creativecommons)", svg)
    assert (repo / "build/internal/site/tracker.html").is_file()
    assert (repo / "build/internal/site/review.html").is_file()
    assert not (repo / "build/shared/site/tracker.html").exists()


def test_threshold_is_configurable(repo: Path) -> None:
    _shared_debriefs(repo)
    _set(repo, "    default_profile: shared", "    default_profile: shared\n    small_numbers: 2")
    assert run_cli(repo, "build", "--as-of", "2024-12-31").exit_code == 0
    shared = (repo / "build/shared/docs/statistics.md").read_text("utf-8")
    assert "| 2023/24 | 2 | fewer than 2 |" in shared


@pytest.mark.parametrize("spec,today,start,end", [
    ("2024-25-Q4", date(2026, 1, 1), date(2025, 1, 1), date(2025, 3, 31)),
    ("2024-25-Q1", date(2026, 1, 1), date(2024, 4, 1), date(2024, 6, 30)),
    ("2024-25", date(2026, 1, 1), date(2024, 4, 1), date(2025, 3, 31)),
    # The last complete financial quarter and year (a period's last day counts as ended).
    ("last-financial-quarter", date(2026, 12, 1), date(2026, 7, 1), date(2026, 9, 30)),
    ("last-financial-quarter", date(2026, 5, 10), date(2026, 1, 1), date(2026, 3, 31)),
    ("last-financial-quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
    ("last-financial-year", date(2026, 12, 1), date(2025, 4, 1), date(2026, 3, 31)),
    ("last-financial-year", date(2026, 2, 1), date(2024, 4, 1), date(2025, 3, 31)),
    # Calendar spans kept: the three, or twelve, months to today.
    ("last-quarter", date(2026, 12, 1), date(2026, 9, 2), date(2026, 12, 1)),
    ("last-quarter", date(2026, 5, 31), date(2026, 3, 1), date(2026, 5, 31)),
    ("last-year", date(2026, 12, 1), date(2025, 12, 2), date(2026, 12, 1)),
])
def test_board_periods(spec: str, today: date, start: date, end: date) -> None:
    period = resolve_period(spec, today)
    assert (period.start, period.end) == (start, end)
    assert period.as_of(today) == min(end, today)


def test_a_financial_year_is_two_years_that_follow(repo: Path) -> None:
    assert period_problem("2024-26-Q1") is not None and period_problem("2024-25") is None
    assert period_problem("1999-00") is None
    packs = repo / "content/packs.yml"
    packs.write_text(packs.read_text("utf-8").replace("period: last-quarter",
                                                      "period: 2024-26-Q1"), "utf-8")
    result = run_cli(repo, "validate", "--format", "json")
    found = [(f["code"], f["message"]) for f in result.json() if f["severity"] == "error"]
    assert found == [("HP802", "pack `board-quarterly`: period `2024-26-Q1`: a financial year "
                      "runs from April of one year to March of the next, as in 2024-25")]
    packs.write_text(packs.read_text("utf-8").replace("period: 2024-26-Q1",
                                                      "period: Q4"), "utf-8")
    found = [(f["code"], f["message"])
             for f in run_cli(repo, "validate", "--format", "json").json()]
    assert found == [("HP802", "pack `board-quarterly`: `Q4` is not a period")]


def test_report_for_a_named_period(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 5, 1), ["completed", "open"], due=date(2024, 7, 1))
    write_debrief(repo, 2, date(2025, 2, 10), ["open"], due=date(2025, 6, 30))
    figures = run_cli(repo, "report", "--period", "2024-25-Q4", "--json").json()
    assert figures["period"] == {"from": "2025-01-01", "to": "2025-03-31",
                                 "as_of": "2025-03-31"}
    assert figures["changes"]["debriefs"] == 1 and figures["changes"]["actions_raised"] == 1
    assert figures["position"]["debriefs"] == 2 and figures["position"]["outstanding"] == 2
    assert figures["position"]["overdue"] == 1  # the first debrief's action, due July 2024
    assert run_cli(repo, "report", "--period", "2024-26").exit_code == 2
    both = run_cli(repo, "report", "--period", "2024-25", "--from", "2024-04-01")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_the_tracker_puts_overdue_first_then_due_date(repo: Path) -> None:
    write_debrief(repo, 1, date(2024, 1, 10), ["completed", "open", "in-progress"],
                  due=date(2024, 6, 30))
    write_debrief(repo, 2, date(2024, 5, 1), ["open", "completed"], due=date(2024, 9, 30))
    write_debrief(repo, 3, date(2024, 8, 1), ["open"], due=date(2024, 12, 31))
    validation = validate_repo(repo)
    rows = action_rows(profile_view(validation, "internal", today=date(2024, 8, 15)),
                       date(2024, 8, 15))
    assert [r.id for r in tracker_order(rows)] == [
        "RD-2024-001/A02", "RD-2024-001/A03",  # overdue, longest overdue first
        "RD-2024-002/A01", "RD-2024-003/A01",  # outstanding, by due date
        "RD-2024-002/A02", "RD-2024-001/A01"]  # completed, most recently due first


def test_counts_read_as_words_do() -> None:
    assert count_of(1, "action") == "1 action" and count_of(2, "entry") == "2 entries"
    assert count_of(3, "debrief", words=True) == "three debriefs"
    assert count_of(0, "near miss", "near misses", words=True) == "no near misses"
    assert count_of(2, "missed opportunity") == "2 missed opportunities"
    assert count_of(12, "homicide", words=True) == "12 homicides"
