"""`hpkb init` sets a force up: its settings, a git repository with the pre-commit hook,
examples only when asked, an empty templates/ folder; `hpkb templates` tells copies of
hpkb's own templates from real overrides, and prunes the copies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpkb.cli import main
from hpkb.outputs.site.templates import package_dir
from tests.conftest import run_cli


def _init(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    target = tmp_path / "force"
    result = CliRunner().invoke(main, ["init", str(target), *args])
    return result.exit_code, result.stdout + result.stderr, target


def test_init_sets_up_the_named_force(tmp_path: Path) -> None:
    code, output, repo = _init(tmp_path, "--organisation", "kent-police")
    assert code == 0, output
    settings = (repo / "mkdocs.yml").read_text("utf-8")
    assert 'site_name: "Kent Police homicide prevention knowledge base"' in settings
    assert "    organisation: kent-police\n" in settings
    assert "# The force that owns this repository" in settings  # comments kept
    assert "Kent Police" in (repo / "README.md").read_text("utf-8")
    assert not list((repo / "debriefs").glob("*.md"))  # no examples unless asked
    assert [p.name for p in (repo / "templates").iterdir()] == ["README.md"]
    assert (repo / ".gitignore").read_text("utf-8").count("/build/") == 1
    result = run_cli(repo, "validate")
    assert result.exit_code == 0 and "0 entries checked: no problems" in result.stderr
    if shutil.which("git"):
        hook = repo / ".git/hooks/pre-commit"
        assert "exec hpkb validate" in hook.read_text("utf-8") and hook.stat().st_mode & 0o111
        status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"],
                                capture_output=True, text=True, check=True).stdout
        assert "mkdocs.yml" in status


def test_init_with_a_name_and_examples(tmp_path: Path) -> None:
    code, output, repo = _init(tmp_path, "--organisation", "essex-police", "--name",
                               "Essex Police and Kent Police", "--examples")
    assert code == 0, output
    assert "Essex Police and Kent Police homicide" in (repo / "mkdocs.yml").read_text("utf-8")
    assert [p.name for p in (repo / "debriefs").glob("*.md")] == ["RD-2024-001.md"]
    assert run_cli(repo, "validate").exit_code == 0


@pytest.mark.parametrize("args,message", [
    (["--organisation", "esex-police"], "did you mean `essex-police` or `sussex-police`?"),
    (["--organisation", "nhs"], "is not a force in the taxonomy"),
    ([], "Missing option '--organisation'"),
])
def test_init_refuses_what_is_not_a_force(tmp_path: Path, args: list[str], message: str
                                          ) -> None:
    code, output, repo = _init(tmp_path, *args)
    assert code == 2 and message in output
    assert not repo.exists()


def test_copies_of_packaged_templates_are_warned_about_and_pruned(starter: Path) -> None:
    packaged = package_dir("templates")
    for name in ("site/entry.md.j2", "site/home.md.j2", "new/debrief.md.j2"):
        (starter / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(packaged / name, starter / "templates" / name)
    changed = starter / "templates/site/home.md.j2"
    changed.write_text(changed.read_text("utf-8") + "\nOur own closing line.\n", "utf-8")
    result = run_cli(starter, "validate", "--format", "json")
    warned = sorted(f["file"] for f in result.json() if f["code"] == "HP704")
    assert warned == ["templates/new/debrief.md.j2", "templates/site/entry.md.j2"]
    listed = run_cli(starter, "templates")
    assert "templates/site/home.md.j2  override" in listed.stdout
    assert "templates/site/entry.md.j2  unchanged copy" in listed.stdout
    pruned = run_cli(starter, "templates", "--prune")
    assert pruned.exit_code == 0 and "2 unchanged copies deleted" in pruned.stderr
    assert changed.is_file() and not (starter / "templates/new").exists()
    assert not (starter / "templates/site/entry.md.j2").exists()
    assert not [f for f in run_cli(starter, "validate", "--format", "json").json()
                if f["code"] == "HP704"]


def test_every_packaged_template_version_is_listed() -> None:
    """`scripts/template_digests.py` must run after a packaged template changes, or a
    copy of the new version would pass as an override."""
    import hashlib

    packaged = package_dir("templates")
    released = (packaged / "released.sha256").read_text("utf-8")
    missing = [path.relative_to(packaged).as_posix() for path in sorted(packaged.rglob("*"))
               if path.is_file() and path.name != "released.sha256"
               and "__pycache__" not in path.parts
               and f"{hashlib.sha256(path.read_bytes()).hexdigest()}  "
                   f"{path.relative_to(packaged).as_posix()}" not in released]
    assert missing == [], "run: .venv/bin/python scripts/template_digests.py"
