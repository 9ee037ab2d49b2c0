"""`hpkb action` and `hpkb actions import`: actions updated in place, every other byte of
the file kept; the result checked as `hpkb validate` checks it, and written only when
valid; a spreadsheet applied all or nothing; owners from content/taxonomy/owners.yml."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpkb.authoring.action_edit import (
    ActionRef,
    ActionUpdate,
    Repo,
    Request,
    apply_updates,
    text_problem,
    write_all,
)
from hpkb.check.findings import Diagnostic, HpkbError
from hpkb.content.files import EntryFile, parse_source, read_text
from hpkb.content.model import Source
from tests.conftest import AS_OF, run_cli

DEBRIEF = "debriefs/RD-2024-001.md"
LEARNING = "content/learning/LN-2024-001.md"
OWNERS = "content/taxonomy/owners.yml"

# The starter debrief's actions, with comments and styles around and inside them.
COMMENTED_ACTIONS = """\
actions:  # agreed at the debrief meeting
  # A01 came first
  - id: A01
    action: Add controlling behaviour prompts to the domestic abuse risk assessment briefing for response officers.
    owner: "Public Protection Unit"   # quoted on purpose
    theme: coercive-control
    due: 2024-06-30
    status: completed
    completed: 2024-06-12
    outcome: >-
      Briefing delivered to all response teams;
      prompts added to the mobile form.

  # A02: the partnership's
  - id: A02
    action: 'Agree a route for GPs to share concerns about controlling behaviour with the MARAC coordinator.'
    owner: Community Safety Partnership
    theme: coercive-control  # the sub-theme
    due: "2024-09-30"
    status: in-progress  # since the April board
    # the board asked for a date
# end of the actions
---
"""


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").split("\n")


def _with_commented_actions(root: Path) -> Path:
    path = root / DEBRIEF
    text = path.read_text("utf-8")
    start, end = text.index("actions:\n"), text.index("---\n", text.index("actions:\n"))
    path.write_text(text[:start] + COMMENTED_ACTIONS + text[end + 4:], "utf-8")
    assert run_cli(root, "validate", "--as-of", AS_OF).exit_code == 0
    return path


def _front(entry_file: EntryFile, text: str | Diagnostic) -> dict[str, Any]:
    """An entry's front matter as hpkb reads it."""
    assert isinstance(text, str), text
    source = parse_source(entry_file, text)
    assert isinstance(source, Source), source
    return source.front


def _action(root: Path, rel: str, action_id: str) -> dict[str, Any]:
    front = _front(Repo.open(root).files[Path(rel).stem], read_text(root / rel, rel))
    return next(a for a in front["actions"] if a["id"] == action_id)


# ---- hpkb action ----------------------------------------------------------------------

def test_completing_an_action_rewrites_only_its_lines(starter: Path) -> None:
    path = starter / DEBRIEF
    before = _lines(path)
    result = run_cli(starter, "action", "RD-2024-001/A02", "--status", "completed",
                     "--completed", "2024-09-19", "--outcome",
                     "Training delivered to all response teams")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "RD-2024-001/A02: status in-progress → completed; completed 2024-09-19; "
        "outcome set\n", "")
    at = before.index("    status: in-progress")
    assert _lines(path) == [*before[:at], "    status: completed", "    completed: 2024-09-19",
                            "    outcome: Training delivered to all response teams",
                            *before[at + 1:]]
    assert run_cli(starter, "validate", "--as-of", AS_OF).exit_code == 0


def test_comments_quoting_and_the_body_are_kept_byte_for_byte(starter: Path) -> None:
    path = _with_commented_actions(starter)
    before = _lines(path)
    result = run_cli(starter, "action", "RD-2024-001/A02", "--status", "completed",
                     "--completed", "2024-09-19", "--outcome", "Route agreed: GP letters",
                     "--due", "2024-10-31", "--note", "Agreed at the board", "--as-of",
                     "2024-09-20")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ("RD-2024-001/A02: status in-progress → completed; completed "
                             "2024-09-19; due 2024-09-30 → 2024-10-31; outcome set; "
                             "note added\n")
    due = before.index('    due: "2024-09-30"')
    status = before.index("    status: in-progress  # since the April board")
    assert _lines(path) == [
        *before[:due], '    due: "2024-10-31"', *before[due + 1:status],
        "    status: completed    # since the April board",
        "    completed: 2024-09-19",
        "    outcome: 'Route agreed: GP letters'",
        "    notes:",
        "      - on: 2024-09-20",
        "        text: Agreed at the board",
        *before[status + 1:]]


def test_reopening_removes_the_completion_date_and_keeps_its_comments(starter: Path) -> None:
    path = _with_commented_actions(starter)
    before = _lines(path)
    result = run_cli(starter, "action", "RD-2024-001/A01", "--status", "in-progress",
                     "--owner", "Learning and Development")
    assert result.stdout == ("RD-2024-001/A01: status completed → in-progress; completed "
                             "2024-06-12 removed; owner Public Protection Unit → Learning "
                             "and Development\n")
    owner = before.index('    owner: "Public Protection Unit"   # quoted on purpose')
    completed = before.index("    completed: 2024-06-12")
    assert _lines(path) == [
        *before[:owner], '    owner: "Learning and Development" # quoted on purpose',
        *before[owner + 1:completed - 1], "    status: in-progress",
        *before[completed + 1:]]


def test_a_crlf_file_with_a_byte_order_mark_keeps_both(starter: Path) -> None:
    path = starter / DEBRIEF
    lf = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"))
    result = run_cli(starter, "action", "RD-2024-001/A02", "--note", "GP letter drafted",
                     "--as-of", "2024-08-01")
    assert result.exit_code == 0, result.stdout + result.stderr
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\n") == after.count(b"\r\n")
    expected = lf.replace(b"    status: in-progress\n", b"    status: in-progress\n"
                          b"    notes:\n      - on: 2024-08-01\n        text: GP letter drafted\n")
    assert after[3:].replace(b"\r\n", b"\n") == expected


def test_notes_are_appended_dated_by_the_pinned_as_of(starter: Path) -> None:
    settings_file = starter / "mkdocs.yml"
    settings_file.write_text(settings_file.read_text("utf-8").replace(
        "    default_profile: shared\n", "    default_profile: shared\n    as_of: 2024-07-01\n"),
        "utf-8")
    assert run_cli(starter, "action", "RD-2024-001/A02", "--note", "First").exit_code == 0
    result = run_cli(starter, "action", "RD-2024-001/A02", "--note", "Second, later",
                     "--as-of", "2024-07-15")
    assert result.stdout == "RD-2024-001/A02: note added\n"
    assert _action(starter, DEBRIEF, "A02")["notes"] == [
        {"on": date(2024, 7, 1), "text": "First"},
        {"on": date(2024, 7, 15), "text": "Second, later"}]
    assert run_cli(starter, "validate").exit_code == 0


def test_an_invalid_result_leaves_the_file_untouched(starter: Path) -> None:
    path = starter / DEBRIEF
    before = path.read_bytes()
    result = run_cli(starter, "action", "RD-2024-001/A02", "--status", "completed")
    line = _lines(path).index("    status: in-progress") + 1
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, f"{DEBRIEF}:{line}:5: HP203 error action A02 is completed but has no completion "
        "date (add `completed: YYYY-MM-DD` to the action)\n"
        f"{DEBRIEF}:{line}:5: HP205 error action A02 is completed but has no outcome (add "
        "`outcome:` saying what was done or why it was dropped)\n",
        "2 errors, 0 warnings\nnothing written: updating RD-2024-001/A02 would leave errors "
        "(fix them and run again)\n")
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_an_owner_not_in_the_list_is_refused(starter: Path) -> None:
    before = (starter / DEBRIEF).read_bytes()
    result = run_cli(starter, "action", "RD-2024-001/A02", "--owner", "public protection unit")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: owner `public protection unit` is not in content/taxonomy/owners.yml "
        "(did you mean `Public Protection Unit`?)\n")
    assert (starter / DEBRIEF).read_bytes() == before


@pytest.mark.parametrize("target,message", [
    ("RD-2024-011/A01", "no entry `RD-2024-011` (did you mean `RD-2024-001`?)"),
    ("RD-2024-001/A03", "RD-2024-001 has no action `A03` (RD-2024-001 has actions A01, A02)"),
    ("PR-2024-001/A01", "`PR-2024-001` is a practice entry, which has no actions (actions "
                        "belong to debriefs (RD-…) and learning entries (LN-…))"),
    ("LN-2024-001/A01", "LN-2024-001 has no action `A01` (LN-2024-001 has no actions)"),
])
def test_an_unknown_entry_or_action_says_what_exists(starter: Path, target: str,
                                                     message: str) -> None:
    result = run_cli(starter, "action", target, "--status", "open")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")


def test_a_symlinked_entry_file_is_refused(starter: Path, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.md"
    real.write_bytes((starter / DEBRIEF).read_bytes())
    (starter / DEBRIEF).unlink()
    (starter / DEBRIEF).symlink_to(real)
    before = real.read_bytes()
    result = run_cli(starter, "action", "RD-2024-001/A02", "--status", "open")
    assert result.exit_code == 1
    assert result.stdout == (f"{DEBRIEF}:1:1: HP003 error symbolic links are not read (replace "
                             "the link with the real file (hpkb never follows links))\n")
    assert real.read_bytes() == before and (starter / DEBRIEF).is_symlink()


def test_no_change_writes_nothing(starter: Path) -> None:
    path = starter / DEBRIEF
    stamp = path.stat().st_mtime_ns
    result = run_cli(starter, "action", "RD-2024-001/A02", "--status", "in-progress",
                     "--owner", "Community Safety Partnership", "--due", "2024-09-30")
    assert (result.exit_code, result.stdout) == (0, "RD-2024-001/A02: no change\n")
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("args,message", [
    (["RD-2024-001/A02"], "nothing to change: give --status, --completed, --due, --owner, "
                          "--outcome or --note"),
    (["RD-2024-001/A02", "--due", "30/09/2024"],
     "Invalid value for --due: '30/09/2024' is not a date written YYYY-MM-DD (did you mean "
     "2024-09-30?)"),
    (["RD-2024-001/A02", "--note", "  "], "Invalid value for --note: must not be empty"),
    (["RD-2024-001/A02", "--outcome", "Done\x07"],
     "Invalid value for --outcome: cannot be written: it holds the character U+0007 (a "
     "control character or a line separator), which front matter cannot keep"),
    (["RD-2024-001", "--status", "open"],
     "Invalid value for ENTRY/AID: 'RD-2024-001' is not an action id: write the entry id, "
     "a slash and the action id, as in RD-2024-007/A02"),
    (["RD-2024-001/A02", "--status", "done"], "Invalid value for '--status': 'done' is not "
                                              "one of 'open', 'in-progress', 'completed', "
                                              "'dropped'."),
])
def test_bad_options_are_usage_errors(starter: Path, args: list[str], message: str) -> None:
    before = (starter / DEBRIEF).read_bytes()
    result = run_cli(starter, "action", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert (starter / DEBRIEF).read_bytes() == before


def test_a_file_changed_meanwhile_is_not_overwritten(starter: Path) -> None:
    done = apply_updates(Repo.open(starter), [Request(ActionRef("RD-2024-001", "A02"),
                                                      ActionUpdate(status="open"))])
    path = starter / DEBRIEF
    path.write_text(path.read_text("utf-8") + "\nSomeone else's line.\n", "utf-8")
    changed = path.read_bytes()
    with pytest.raises(HpkbError, match="changed while hpkb was updating it"):
        write_all(done.staged)
    assert path.read_bytes() == changed
    assert sorted(p.name for p in path.parent.iterdir()) == ["RD-2024-001.md"]


def test_the_file_keeps_its_permissions(starter: Path) -> None:
    path = starter / DEBRIEF
    path.chmod(0o640)
    assert run_cli(starter, "action", "RD-2024-001/A02", "--status", "open").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640


# ---- hpkb actions import --------------------------------------------------------------

def _csv(tmp_path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    path = tmp_path / "updates.csv"
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("debriefs", "content", "practice") for p in (root / folder).rglob("*")
            if p.is_file()}


def test_import_applies_every_row(starter: Path, tmp_path: Path) -> None:
    sheet = _csv(tmp_path, "ID,Status,Completed,Due,Owner,Outcome,Note\n"
                 "RD-2024-001/A02,Completed,2024-09-19,,,Route agreed with the GP "
                 'federation,"Signed off,\nwith thanks"\n'
                 ",,,,,,\n"
                 "RD-2024-001/A01,,,,Learning and Development,,\n", bom=True, crlf=True)
    result = run_cli(starter, "actions", "import", str(sheet), "--as-of", "2024-09-20")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "RD-2024-001/A02: status in-progress → completed; completed 2024-09-19; outcome "
        "set; note added\nRD-2024-001/A01: owner Public Protection Unit → Learning and "
        "Development\n", "2 actions in 1 file updated\n")
    a02 = _action(starter, DEBRIEF, "A02")
    assert a02["notes"] == [{"on": date(2024, 9, 20), "text": "Signed off,\nwith thanks"}]
    assert a02["outcome"] == "Route agreed with the GP federation"
    assert _action(starter, DEBRIEF, "A01")["owner"] == "Learning and Development"
    assert run_cli(starter, "validate", "--as-of", AS_OF).exit_code == 0


def test_a_dry_run_writes_nothing(starter: Path, tmp_path: Path) -> None:
    before = _snapshot(starter)
    sheet = _csv(tmp_path, "id,status\nRD-2024-001/A02,dropped\n")
    result = run_cli(starter, "actions", "import", str(sheet), "--dry-run")
    assert result.exit_code == 1  # dropped needs an outcome: a dry run checks too
    sheet = _csv(tmp_path, "id,status,outcome\nRD-2024-001/A02,dropped,Superseded by the "
                 "county pathway\n")
    result = run_cli(starter, "actions", "import", str(sheet), "--dry-run")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "RD-2024-001/A02: status in-progress → dropped; outcome set\n",
        "dry run: 1 action in 1 file would change; nothing written\n")
    assert _snapshot(starter) == before


def test_import_is_all_or_nothing(starter: Path, tmp_path: Path) -> None:
    learning = starter / LEARNING
    learning.write_text(learning.read_text("utf-8").replace(
        "recommendations: [hmicfrs-2023-r3]\n",
        "recommendations: [hmicfrs-2023-r3]\nactions:\n  - id: A01\n    action: Brief the "
        "control room.\n    owner: Force Control Room\n    due: 2024-12-31\n    status: open\n"),
        "utf-8")
    before = _snapshot(starter)
    sheet = _csv(tmp_path, "id,status,note\n"
                 "LN-2024-001/A01,in-progress,Briefing written\n"
                 "RD-2024-001/A02,completed,\n")
    result = run_cli(starter, "actions", "import", str(sheet), "--as-of", "2024-10-01")
    line = _lines(starter / DEBRIEF).index("    status: in-progress") + 1
    assert (result.exit_code, result.stdout) == (
        1, f"{DEBRIEF}:{line}:5: HP203 error action A02 is completed but has no completion "
        "date (add `completed: YYYY-MM-DD` to the action)\n"
        f"{DEBRIEF}:{line}:5: HP205 error action A02 is completed but has no outcome (add "
        "`outcome:` saying what was done or why it was dropped)\n")
    assert result.stderr.endswith("nothing written: this import would leave errors (fix them "
                                  "and run again)\n")
    assert _snapshot(starter) == before


def test_row_findings_are_placed_at_the_csv_line_and_column(starter: Path,
                                                            tmp_path: Path) -> None:
    before = _snapshot(starter)
    sheet = _csv(tmp_path, "id,stauts,due,owner,completed,status\n"
                 "RD-2024-001/A02,,30/09/2024,,,\n"
                 "rd-2024-001/a02,,,,,\n"
                 "RD-2024-001/A07,,,,,\n"
                 "RD-2024-012/A01,,,,,\n"
                 ",,,Public Protection Unit,,\n"
                 "RD-2024-001/A01,,,Public Protection,,\n"
                 '"RD-2024-001/A01",,,,"2024-02-30",finished,extra\n', bom=True)
    result = run_cli(starter, "actions", "import", str(sheet))
    shown = str(sheet)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{shown}:1:2: HP102 error unknown column `stauts` (did you mean `status`?)",
        f"{shown}:2:3: HP105 error `due`: `30/09/2024` is not a date written YYYY-MM-DD "
        "(write 2024-09-30)",
        f"{shown}:3:1: HP107 error `rd-2024-001/a02` is not an action id (did you mean "
        "RD-2024-001/A02?)",
        f"{shown}:4:1: HP312 error RD-2024-001 has no action `A07` (RD-2024-001 has actions "
        "A01, A02)",
        f"{shown}:5:1: HP312 error no entry `RD-2024-012` (did you mean `RD-2024-001`?)",
        f"{shown}:6:1: HP101 error the row has no action id (write the global id, as in "
        "RD-2024-007/A02, or delete the row)",
        f"{shown}:7:4: HP309 error owner `Public Protection` is not in "
        "content/taxonomy/owners.yml (did you mean `Public Protection Unit`?)",
        f"{shown}:8:5: HP105 error `completed`: `2024-02-30` is not a date written YYYY-MM-DD "
        "(write the date as YYYY-MM-DD, for example 2024-09-19 (format the column as text so "
        "the spreadsheet keeps it so))",
        f"{shown}:8:6: HP104 error status `finished` is not one of open, in-progress, "
        "completed, dropped (use one of the four statuses)",
        f"{shown}:8:7: HP102 error a cell right of the last column in the header row (name "
        "its column in the header row, or empty the cell)",
    ]
    assert _snapshot(starter) == before


@pytest.mark.parametrize("content,finding", [
    (b"", "1:1: HP101 error the file has no header row (start with a row naming the columns: "
          "id, then any of status, completed, due, owner, outcome, note)"),
    (b"status,note\nopen,x\n", "1:1: HP101 error the header row has no `id` column (name the "
                               "column of global action ids (as in RD-2024-007/A02) `id`)"),
    (b"id,note\nRD-2024-001/A02,caf\xe9\n", "2:20: HP001 error file is not valid UTF-8 (save "
     "it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8 (Comma delimited)))"),
])
def test_a_spreadsheet_that_cannot_be_read(starter: Path, tmp_path: Path, content: bytes,
                                           finding: str) -> None:
    sheet = tmp_path / "updates.csv"
    sheet.write_bytes(content)
    result = run_cli(starter, "actions", "import", str(sheet))
    assert (result.exit_code, result.stdout) == (1, f"{sheet}:{finding}\n")


def test_the_action_list_imports_back_without_change(starter: Path, tmp_path: Path) -> None:
    listed = run_cli(starter, "actions", "--csv", "--as-of", AS_OF)
    assert listed.exit_code == 0
    sheet = _csv(tmp_path, listed.stdout)
    before = _snapshot(starter)
    result = run_cli(starter, "actions", "import", str(sheet), "--as-of", AS_OF)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "0 actions in 0 files updated\n")
    assert _snapshot(starter) == before


def test_actions_still_lists_and_has_the_import_subcommand(starter: Path) -> None:
    listed = run_cli(starter, "actions", "--status", "in-progress", "--json", "--as-of", AS_OF)
    assert [row["id"] for row in listed.json()] == ["RD-2024-001/A02"]
    helped = run_cli(starter, "actions", "--help")
    assert helped.exit_code == 0 and "import  Update actions from a spreadsheet" in helped.stdout


# ---- owners.yml -----------------------------------------------------------------------

def test_validate_refuses_an_owner_not_in_the_list(starter: Path) -> None:
    path = starter / DEBRIEF
    path.write_text(path.read_text("utf-8").replace("owner: Community Safety Partnership",
                                                    "owner: Community Safety"), "utf-8")
    line = _lines(path).index("    owner: Community Safety") + 1
    result = run_cli(starter, "validate", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (
        1, f"{DEBRIEF}:{line}:5: HP309 error action A02: owner `Community Safety` is not in "
        "content/taxonomy/owners.yml (did you mean `Community Safety Partnership`?)\n")
    (starter / OWNERS).unlink()
    assert run_cli(starter, "validate", "--as-of", AS_OF).exit_code == 0
    result = run_cli(starter, "action", "RD-2024-001/A02", "--owner", "Anyone at all")
    assert result.stdout == ("RD-2024-001/A02: owner Community Safety → Anyone at all\n")


def test_the_owner_list_is_checked_itself(starter: Path) -> None:
    (starter / OWNERS).write_text("- name: Public Protection Unit\n- name: Public Protection "
                                  "Unit\n- description: no name\n", "utf-8")
    result = run_cli(starter, "validate", "--as-of", AS_OF)
    codes = [line.split(" ")[1] for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert codes[:2] == ["HP503", "HP101"] and "HP309" in codes


def test_every_example_repository_lists_its_owners() -> None:
    repo = Path(__file__).resolve().parent.parent
    for root in [repo, *sorted((repo / "examples" / "forces").iterdir()),
                 repo / "src" / "hpkb" / "starter"]:
        found = Repo.open(root)
        assert found.taxonomy.owners, root
        for entry_file in found.files.values():
            if entry_file.kind == "practice":
                continue
            front = _front(entry_file, read_text(entry_file.path, entry_file.rel))
            for action in front.get("actions", []):
                assert action["owner"] in found.taxonomy.owners, (entry_file.rel, action)


# ---- properties -----------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                              whitelist_characters="\n\t"), min_size=1, max_size=60).filter(
    lambda t: bool(t.strip()) and text_problem(t) is None)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(outcome=_TEXT, note=_TEXT, commented=st.booleans())
def test_any_text_reads_back_and_nothing_else_moves(starter: Path, outcome: str, note: str,
                                                    commented: bool) -> None:
    path = starter / DEBRIEF
    original = path.read_bytes()
    if commented:
        _with_commented_actions(starter)
    before = path.read_bytes()
    repo = Repo.open(starter)
    done = apply_updates(repo, [Request(ActionRef("RD-2024-001", "A02"),
                                        ActionUpdate(outcome=outcome.strip(),
                                                     note=note.strip()))])
    try:
        assert done.findings == ()
        (staged,) = done.staged
        front = _front(staged.entry_file, staged.new.decode("utf-8"))
        a02 = next(a for a in front["actions"] if a["id"] == "A02")
        assert a02["outcome"] == outcome.strip()
        assert a02["notes"][-1]["text"] == note.strip()
        old, new = before.decode("utf-8").split("\n"), staged.new.decode("utf-8").split("\n")
        at = old.index("  - id: A02")
        assert new[:at] == old[:at]
        end = old.index("---", at)
        assert new[len(new) - (len(old) - end):] == old[end:]
    finally:
        path.write_bytes(original)
    assert os.listdir(path.parent) == ["RD-2024-001.md"]


def test_the_examples_whole_tracker_imports_back_and_a_response_action_updates(
        tmp_path: Path) -> None:
    """The example's action list holds recommendation responses' actions too: the
    spreadsheet a working group exports imports back as it is, and a response's action
    is updated in its file like an entry's, checked as `hpkb validate` checks it."""
    from tests.site_helpers import copy_example

    root = copy_example(tmp_path / "repo")
    listed = run_cli(root, "actions", "--csv")
    assert listed.exit_code == 0 and "hmicfrs-2023-r3/A02" in listed.stdout
    sheet = _csv(tmp_path, listed.stdout)
    before = _snapshot(root)
    result = run_cli(root, "actions", "import", str(sheet))
    assert (result.exit_code, result.stderr) == (0, "0 actions in 0 files updated\n")
    assert _snapshot(root) == before
    response = root / "content/responses/hmicfrs-2023-r3.md"
    text = response.read_text("utf-8")
    done = run_cli(root, "action", "hmicfrs-2023-r3/A02", "--status", "completed",
                   "--completed", "2026-11-30", "--outcome", "Reports within 30 days since June.")
    assert done.exit_code == 0, done.stdout + done.stderr
    after = response.read_text("utf-8")
    assert "    completed: 2026-11-30\n" in after
    assert after.replace("    status: completed\n    completed: 2026-11-30\n"
                         "    outcome: Reports within 30 days since June.\n",
                         "    status: in-progress\n") == text
    # An update the response's own rules refuse leaves its file as it was.
    bad = run_cli(root, "action", "hmicfrs-2023-r3/A03", "--status", "completed")
    assert bad.exit_code == 1 and "hmicfrs-2023-r3.md" in bad.stdout + bad.stderr
    assert response.read_text("utf-8") == after
    assert run_cli(root, "validate").exit_code == 0
