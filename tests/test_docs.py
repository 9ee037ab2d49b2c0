"""The user guide (docs/): it builds strictly with MkDocs, its generated reference covers
every command and option, every command and option is documented, what the pages and
README say about commands exists, and no page tells the story of how hpkb was built."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from tests.conftest import REPO_ROOT

GUIDE = REPO_ROOT / "docs"
PROSE = [*sorted((GUIDE / "guide").rglob("*.md")), REPO_ROOT / "README.md",
         REPO_ROOT / "CHANGELOG.md"]


def _hooks() -> Any:
    """docs/hooks.py, the guide's generated pages, as a module."""
    spec = importlib.util.spec_from_file_location("hpkb_guide_hooks", GUIDE / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


commands = _hooks().commands


@pytest.fixture(scope="module")
def built_guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("guide")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(GUIDE / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    return site


def test_the_guide_builds_strictly_with_every_page(built_guide: Path) -> None:
    pages = {p.relative_to(built_guide).as_posix() for p in built_guide.rglob("*.html")}
    assert {"index.html", "getting-started.html", "authoring.html", "profiles-and-guard.html",
            "board-packs-and-figures.html", "search.html", "hub.html", "hosting.html",
            "export.html", "internals.html", "performance.html", "reference/cli.html",
            "reference/fields.html", "reference/finding-codes.html"} <= pages


def test_the_cli_reference_has_every_command_and_option(built_guide: Path) -> None:
    page = (built_guide / "reference/cli.html").read_text("utf-8")
    for path, command, context in commands():
        assert f"<h2 id=\"{'-'.join(path)}\">" in page, path
        for param in command.get_params(context):
            if isinstance(param, click.Option):
                for name in param.opts:
                    assert name in page, (path, name)


def test_every_command_and_option_is_documented() -> None:
    """A command says what it does with an example; an option says what it is for."""
    missing = []
    for path, command, context in commands():
        if "Example:" not in (command.help or ""):
            missing.append(f"{' '.join(path)}: no `Example:` in its help")
        for param in command.get_params(context):
            if isinstance(param, click.Option) and not param.help:
                missing.append(f"{' '.join(path)} {param.opts[0]}: no help text")
    assert missing == []


def test_the_field_reference_renders_as_tables(built_guide: Path) -> None:
    page = (built_guide / "reference/fields.html").read_text("utf-8")
    assert page.count("<table>") == 3
    assert "<code>incident.reference</code></td>" in page
    assert "| `" not in page  # no table left as text


def test_every_finding_code_has_an_anchor(built_guide: Path) -> None:
    from hpkb.check.codes import FINDING_CODES

    page = (built_guide / "reference/finding-codes.html").read_text("utf-8")
    assert all(f'id="{entry.code.lower()}"' in page for entry in FINDING_CODES)


_COMMAND_LINE = re.compile(r"hpkb((?: [a-z][a-z-]*){1,2})((?: [^`\n|#]*)?)")


def _known() -> dict[str, set[str]]:
    known = {" ".join(path[1:]): {name for param in command.get_params(context)
                                 for name in param.opts if name.startswith("-")}
             for path, command, context in commands()}
    known[""] = {"--root", "--help", "-h", "--version"}
    return known


@pytest.mark.parametrize("page", PROSE, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_commands_the_pages_show_exist(page: Path) -> None:
    """`hpkb COMMAND --option` in a page's code names a real command and option."""
    known = _known()
    wrong = []
    for code in re.findall(r"`([^`\n]+)`|```[a-z]*\n(.*?)```", page.read_text("utf-8"), re.S):
        for line in "".join(code).splitlines():
            for words, rest in _COMMAND_LINE.findall(line.split("#")[0]):
                parts = words.split()
                name = " ".join(parts[:2]) if " ".join(parts[:2]) in known else parts[0]
                if name not in known:
                    if parts[0] in {"build", "validate", "new", "init", "serve", "search",
                                    "pack", "actions", "report", "export", "hub", "action",
                                    "deaths", "templates"}:
                        wrong.append(f"unknown command `hpkb {words.strip()}`")
                    continue
                for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", words + rest):
                    if option not in known[name] | known[""]:
                        wrong.append(f"`hpkb {name}` has no option {option}")
    assert wrong == []


_NARRATION = re.compile(
    r"\b(?:session|sessions)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|\d+(?:st|nd|rd|th)) "
    r"(?:round|bench)\b|\buntil the \w+th\b|\bI (?:tried|measured|found)\b|"
    r"\bRows marked\b|\bso far\b", re.IGNORECASE)


@pytest.mark.parametrize("page", [*PROSE, REPO_ROOT / "docs/mkdocs.yml"],
                         ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_no_page_narrates_how_hpkb_was_built(page: Path) -> None:
    found = [(number, line.strip()) for number, line in
             enumerate(page.read_text("utf-8").splitlines(), start=1)
             if _NARRATION.search(line)]
    assert found == []


def test_the_readme_is_a_front_door() -> None:
    assert len((REPO_ROOT / "README.md").read_text("utf-8").splitlines()) < 200
    assert not (REPO_ROOT / "SCALING.md").exists() and not (REPO_ROOT / "EXPORT.md").exists()
