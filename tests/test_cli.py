"""The command-line contract: exact output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hpkb.cli import main
from tests.conftest import AS_OF, REPO_ROOT, run_cli

PRACTICE = "practice/PR-2024-001.md"


def _break_practice(root: Path) -> None:
    path = root / PRACTICE
    path.write_text(path.read_text("utf-8").replace("focus: prevention", "focus: prevension"),
                    encoding="utf-8")


def test_validate_text_output_is_exact(starter: Path) -> None:
    _break_practice(starter)
    result = run_cli(starter, "validate")
    assert result.exit_code == 1
    assert result.stdout == (
        "practice/PR-2024-001.md:18:1: HP104 error `focus` must be one of: prevention, "
        "diversion, reoffending, organisational, investigation; got text 'prevension' "
        "(did you mean `prevention`?)\n")
    assert result.stderr == "1 error, 0 warnings\n"


def test_validate_json_output_is_exact(starter: Path) -> None:
    _break_practice(starter)
    result = run_cli(starter, "validate", "--format", "json")
    assert result.exit_code == 1
    assert result.json() == [{
        "file": "practice/PR-2024-001.md", "line": 18, "column": 1, "code": "HP104",
        "severity": "error",
        "message": "`focus` must be one of: prevention, diversion, reoffending, "
                   "organisational, investigation; got text 'prevension'",
        "hint": "did you mean `prevention`?"}]


def test_validate_github_output_is_exact(starter: Path) -> None:
    _break_practice(starter)
    result = run_cli(starter, "validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=practice/PR-2024-001.md,line=18,col=1,title=HP104::`focus` must be one "
        "of: prevention, diversion, reoffending, organisational, investigation; got text "
        "'prevension' (did you mean `prevention`?)\n")


def test_validate_clean_repo(starter: Path) -> None:
    result = run_cli(starter, "validate")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "3 entries checked: no problems\n"
    assert run_cli(starter, "validate", "--format", "json").stdout == "[]\n"


def test_validate_named_paths_only(starter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _break_practice(starter)
    monkeypatch.chdir(starter)
    assert run_cli(starter, "validate", "debriefs").exit_code == 0
    assert run_cli(starter, "validate", "content/learning/LN-2024-001.md").exit_code == 0
    assert run_cli(starter, "validate", "practice").exit_code == 1
    missing = run_cli(starter, "validate", "nowhere.md")
    assert missing.exit_code == 2
    assert "nowhere.md does not exist" in missing.stderr


@pytest.mark.parametrize("args", [
    ["validate", "--format", "xml"],
    ["build", "--skip", "everything"],
    ["new", "essay", "--title", "x"],
    ["new", "debrief"],
    ["validate", "--as-of", "tomorrow"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(starter: Path, args: list[str]) -> None:
    result = run_cli(starter, *args)
    assert result.exit_code == 2
    assert result.exception is None
    assert "Traceback" not in result.stderr


def test_init_makes_a_working_repo(tmp_path: Path) -> None:
    target = tmp_path / "force"
    result = run_cli(tmp_path, "init", str(target), "--organisation", "essex-police",
                     "--examples")
    assert result.exit_code == 0
    assert result.stdout.startswith("created ")
    for path in ("mkdocs.yml", "content/taxonomy/themes.yml", "content/taxonomy/recommendations.yml",
                 "content/taxonomy/organisations.yml", "content/packs.yml", "README.md",
                 "templates/README.md", "debriefs/RD-2024-001.md",
                 "content/learning/LN-2024-001.md", "practice/PR-2024-001.md"):
        assert (target / path).is_file(), path
    # build/ (previous builds, hpkb's cache) is hpkb's own: a new repository ignores it.
    assert "/build/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert run_cli(target, "validate", "--strict", "--as-of", AS_OF).exit_code == 0
    assert run_cli(target, "build", "--as-of", AS_OF).exit_code == 0


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli(tmp_path, "init", str(target), "--organisation", "essex-police")
    assert result.exit_code == 2
    assert result.stderr == f"error: {target} is not empty; `hpkb init` only fills an empty folder\n"
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("kind,folder,prefix", [("debrief", "debriefs", "RD"),
                                                ("learning", "content/learning", "LN"),
                                                ("practice", "practice", "PR")])
def test_new_scaffolds_the_next_free_id(starter: Path, kind: str, folder: str,
                                        prefix: str) -> None:
    year = date.today().year
    (starter / folder / f"{prefix}-{year}-007.md").write_text(
        (starter / folder / f"{prefix}-2024-001.md").read_text("utf-8").replace(
            f"{prefix}-2024-001", f"{prefix}-{year}-007"), encoding="utf-8")
    first = run_cli(starter, "new", kind, "--title", "Stabbing: after a dispute \"over\" a debt")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"{folder}/{prefix}-{year}-008.md\n"
    second = run_cli(starter, "new", kind, "--title", "Another")
    assert second.stdout == f"{folder}/{prefix}-{year}-009.md\n"
    text = (starter / folder / f"{prefix}-{year}-008.md").read_text("utf-8")
    assert 'title: "Stabbing: after a dispute \\"over\\" a debt"' in text
    assert "status: draft" in text
    result = run_cli(starter, "validate", "--format", "json")
    assert [f for f in result.json() if f["file"].startswith(f"{folder}/{prefix}-{year}-00")
            and f["severity"] == "error"] == []


def test_new_never_overwrites(starter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    year = date.today().year
    target = starter / "practice" / f"PR-{year}-001.md"
    # Another author creates the same file between the id choice and the write.
    import hpkb.authoring.scaffold as scaffold

    real_next_id = scaffold.next_id

    def racing_next_id(root: Path, kind: str, year_: int) -> str:
        chosen = real_next_id(root, kind, year_)  # type: ignore[arg-type]
        target.write_text("someone else's work", encoding="utf-8")
        return chosen

    monkeypatch.setattr(scaffold, "next_id", racing_next_id)
    result = run_cli(starter, "new", "practice", "--title", "Mine")
    assert result.exit_code == 1
    assert "already exists; nothing was written" in result.stderr
    assert target.read_text("utf-8") == "someone else's work"


def test_new_rejects_a_bad_title(starter: Path) -> None:
    result = run_cli(starter, "new", "debrief", "--title", "x" * 121)
    assert result.exit_code == 2
    assert result.stderr == "error: --title must be one line of 1 to 120 characters\n"


def test_every_command_has_an_example_and_is_documented() -> None:
    """Beyond the generated reference, the README or a page of the guide says what each
    command is for."""
    prose = "".join(p.read_text("utf-8") for p in
                    [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs/guide").glob("*.md"))])
    for name, command in main.commands.items():
        assert "Example:" in (command.help or ""), name
        assert f"hpkb {name}" in prose, f"neither README nor docs/guide mention `hpkb {name}`"


def test_installed_command_never_shows_a_traceback(starter: Path) -> None:
    (starter / PRACTICE).write_bytes(b"---\nid: [unclosed\n\xff\n")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "hpkb", "--root", str(starter), "validate"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout.startswith("practice/PR-2024-001.md:3:1: HP001 error")


def test_pre_commit_hook_runs_validate() -> None:
    import yaml

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [(h["id"], h["entry"], h["language"]) for h in hooks] == [
        ("hpkb-validate", "hpkb validate", "python")]
    assert json.dumps(hooks)  # plain data
