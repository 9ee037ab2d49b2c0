"""Recommendation responses, missed opportunities as records, primary factors and the
owner's note for a pack: validation with file:line findings, and where each shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.outputs.packs.definitions import pack_document
from hpkb.outputs.site.pages import site_pages
from hpkb.outputs.site.templates import template_dirs
from hpkb.pipeline import profile_view
from hpkb.view.links import link
from tests.conftest import AS_OF, run_cli

RESPONSE = """---
recommendation: hmicfrs-2023-r3
response: partly-accepted
lead: Head of Public Protection
position: Debriefs are held for every homicide; partner attendance is patchy.
plan: Agree attendance with each partner by March.
audience: {audience}
created: 2024-01-10
updated: 2026-10-01
evidence: [PR-2024-001]
actions:
  - id: A01
    action: Agree partner attendance at debriefs.
    owner: Community Safety Partnership
    due: 2025-03-31
    status: open
  - id: A02
    action: Adopt the rapid debrief process.
    owner: Homicide Prevention Working Group
    due: 2024-03-31
    status: completed
    completed: 2024-03-01
    outcome: Adopted.
---

Reviewed at the board in [[RD-2024-001]].
"""
DEBRIEF = "debriefs/RD-2024-001.md"


def _response(root: Path, text: str = RESPONSE, name: str = "hmicfrs-2023-r3",
              audience: str = "shared") -> Path:
    folder = root / "content" / "responses"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text.replace("{audience}", audience), "utf-8")
    return path


def _findings(root: Path) -> list[dict[str, object]]:
    result = run_cli(root, "validate", "--format", "json", "--as-of", AS_OF)
    return [f for f in result.json() if f["severity"] == "error"]


def _pages(root: Path, profile: str) -> dict[str, str]:
    validation = validate_repo(root)
    seen = profile_view(validation, profile)
    return site_pages(seen, link(seen), site_name="Force", marking="OFFICIAL",
                      targets=(14, 30), template_dirs=template_dirs(root), home_text="",
                      extra_pages={}).pages


def test_a_response_is_valid_and_its_actions_are_listed(starter: Path) -> None:
    _response(starter)
    assert _findings(starter) == []
    rows = run_cli(starter, "actions", "--json", "--as-of", AS_OF).json()
    mine = {r["id"]: r for r in rows if r["entry"] == "hmicfrs-2023-r3"}
    assert set(mine) == {"hmicfrs-2023-r3/A01", "hmicfrs-2023-r3/A02"}
    assert mine["hmicfrs-2023-r3/A01"]["source"] == "HMICFRS Homicide prevention, August 2023"
    assert mine["hmicfrs-2023-r3/A01"]["overdue"] is True
    assert mine["hmicfrs-2023-r3/A01"]["raised"] == "2024-01-10"  # the response's date
    text = run_cli(starter, "actions", "--overdue", "--as-of", AS_OF).stdout
    assert "hmicfrs-2023-r3/A01" in text and "[HMICFRS Homicide prevention, August 2023]" in text
    report = run_cli(starter, "report", "--json", "--as-of", AS_OF).json()
    assert report["responses"] == {
        "count": 1, "by_response": {"accepted": 0, "partly-accepted": 1, "not-accepted": 0},
        "actions": {"raised": 2, "completed": 1, "outstanding": 1, "overdue": 1}}
    # The response's actions are in the position like every other action.
    assert report["position"]["actions_raised"] == 4


def test_the_register_is_internal_and_shared_sites_show_only_the_status(starter: Path) -> None:
    _response(starter)
    internal = _pages(starter, "internal")
    register = internal["responses.md"]
    assert "Partly accepted" in register and "partner attendance is patchy" in register
    assert "Agree partner attendance at debriefs." in register
    assert "Example debrief: fatal assault" in register  # the reference, resolved
    assert "hmicfrs-2023-r3/A01" in internal["tracker.md"]
    shared = _pages(starter, "shared")
    assert "responses.md" not in shared
    page = shared["recommendations/hmicfrs-2023-r3.md"]
    assert "| The force's response | Partly accepted (updated 1 October 2026) |" in page
    assert "patchy" not in "".join(shared.values())
    assert "Partly accepted" in shared["recommendations/index.md"]
    _response(starter, audience="internal")
    assert "Partly accepted" not in "".join(_pages(starter, "shared").values())


@pytest.mark.parametrize("change,code,line", [
    (("recommendation: hmicfrs-2023-r3", "recommendation: hmicfrs-2023-r9"), "HP313", 2),
    (("recommendation: hmicfrs-2023-r3", "recommendation: hmicfrs-2023-r2"), "HP313", 2),
    (("evidence: [PR-2024-001]", "evidence: [PR-2024-099]"), "HP314", 10),
    (("    status: completed\n    completed: 2024-03-01", "    status: completed"), "HP203", 21),
    (("owner: Community Safety Partnership", "owner: Jane Smith"), "HP309", 14),
    (("response: partly-accepted", "response: maybe"), "HP104", 3),
    (("lead: Head", "leader: Head"), "HP102", 4),
    (("[[RD-2024-001]]", "[[RD-2024-099]]"), "HP304", 26),
])
def test_response_problems_are_found_with_their_line(starter: Path, change: tuple[str, str],
                                                     code: str, line: int) -> None:
    _response(starter, RESPONSE.replace(*change))
    found = [(f["file"], f["code"], f["line"]) for f in _findings(starter)]
    assert ("content/responses/hmicfrs-2023-r3.md", code, line) in found, found


def test_missed_opportunities_as_records_and_the_old_form(starter: Path) -> None:
    path = starter / DEBRIEF
    text = path.read_text("utf-8")
    assert text.count("missed_opportunity: true") == 2  # the old form stays valid
    assert _findings(starter) == []
    record = ("missed_opportunity:\n      agency: Response policing\n      should_have: "
              "Speak to her alone.\n      kind: systemic\n      actions: [A01]")
    path.write_text(text.replace("missed_opportunity: true", record, 1), "utf-8")
    assert _findings(starter) == []
    figures = run_cli(starter, "report", "--json", "--as-of", AS_OF).json()
    assert figures["missed_opportunities"] == {
        "count": 2, "debriefs": 1, "by_agency": {"GP": 1, "Response policing": 1},
        "by_theme": {"coercive-control": 2},
        "by_kind": {"individual": 0, "systemic": 1, "not_recorded": 1}, "answered": 1}
    assert "Missed opportunities: 2 in 1 debrief" in run_cli(
        starter, "report", "--as-of", AS_OF).stdout
    page = _pages(starter, "internal")["debriefs/RD-2024-001.md"]
    assert "Yes (Response policing), systemic. Should have: Speak to her alone. Answered by A01." \
        in page
    path.write_text(text.replace("missed_opportunity: true", record.replace("[A01]", "[A07]"),
                                 1), "utf-8")
    found = _findings(starter)
    assert [(f["code"], f["line"]) for f in found] == [("HP216", 47)]
    assert "names action A07, which this debrief does not have" in str(found[0]["message"])


def test_primary_factor_is_one_of_the_factors(starter: Path) -> None:
    path = starter / DEBRIEF
    text = path.read_text("utf-8")
    path.write_text(text.replace("  factors: [domestic-abuse, alcohol]",
                                 "  factors: [domestic-abuse, alcohol, non-fatal-strangulation]"
                                 "\n  primary_factor: non-fatal-strangulation"), "utf-8")
    assert _findings(starter) == []
    figures = run_cli(starter, "report", "--json", "--as-of", AS_OF).json()
    assert figures["debriefs"]["by_primary_factor"] == {"non-fatal-strangulation": 1}
    assert figures["debriefs"]["by_factor"]["non-fatal-strangulation"] == 1
    path.write_text(text.replace("  factors: [domestic-abuse, alcohol]",
                                 "  factors: [domestic-abuse, alcohol]\n  primary_factor: stalking"),
                    "utf-8")
    assert [(f["code"], f["line"]) for f in _findings(starter)] == [("HP217", 25)]


NOTE = """The board asked for a recovery plan for overdue actions ([[RD-2024-001]]).

::: internal
Only the force may read this.
:::
"""


def test_a_packs_note_is_checked_and_printed(starter: Path) -> None:
    notes = starter / "content" / "packs"
    notes.mkdir(parents=True)
    (notes / "board-quarterly.md").write_text(NOTE, "utf-8")
    assert _findings(starter) == []
    validation = validate_repo(starter)
    board = next(p for p in validation.packs if p.id == "board-quarterly")
    internal = pack_document(board, profile_view(validation, "internal"), (14, 30))
    assert "recovery plan" in internal.markdown and "Only the force" in internal.markdown
    assert '#include "note.typ"' in internal.typst
    shared = pack_document(board, profile_view(validation, "shared"), (14, 30))
    assert "recovery plan" in shared.markdown and "an internal debrief" in shared.markdown
    assert "Only the force" not in shared.markdown
    (notes / "board-annual.md").write_text("No such pack.\n", "utf-8")
    (notes / "board-quarterly.md").write_text("Text <script>x</script> [[RD-2024-999]]\n",
                                              "utf-8")
    found = sorted({(f["file"], f["code"]) for f in _findings(starter)})
    assert found == [("content/packs/board-annual.md", "HP804"),
                     ("content/packs/board-quarterly.md", "HP304"),
                     ("content/packs/board-quarterly.md", "HP401")]
