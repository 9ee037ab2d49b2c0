"""Shared fixtures: a fresh starter repository per test, and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hpkb.authoring.scaffold import init_repo
from hpkb.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(root: Path, *args: str) -> Result:
    runner = CliRunner()
    outcome = runner.invoke(main, ["--root", str(root), *args], catch_exceptions=True)
    exception = outcome.exception if not isinstance(outcome.exception, SystemExit) else None
    return Result(outcome.exit_code, outcome.stdout, outcome.stderr, exception)


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """A new content repository made by `hpkb init` (valid, three entries)."""
    root = tmp_path / "repo"
    init_repo(root, examples=True)
    return root


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


def pytest_configure(config: pytest.Config) -> None:
    # `-m "not slow"` leaves out the tests that typeset many pages.
    config.addinivalue_line("markers", "slow: typesets many PDF pages (seconds each)")
