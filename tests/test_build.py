"""`hpkb build`: refuses invalid content, writes only under build/, swaps in complete
builds, and never deletes what it did not make."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from hpkb.write import CACHE_DIR, MARKER
from tests.conftest import AS_OF, run_cli


def _manifest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "build" not in p.parts[
                len(root.parts):len(root.parts) + 1]}


def _folders(build: Path) -> list[str]:
    """What build/ holds besides hpkb's cache (what a build keeps to be quicker next
    time: it is never an output)."""
    return sorted(p.name for p in build.iterdir() if p.name != Path(CACHE_DIR).name)


def test_build_writes_only_under_build(starter: Path) -> None:
    before = _manifest(starter)
    for args in (["validate", "--as-of", AS_OF], ["build", "--as-of", AS_OF],
                 ["build", "--profile", "internal", "--as-of", AS_OF],
                 ["export", "--as-of", AS_OF], ["actions", "--json"], ["report", "--json"],
                 ["search", "advocate"], ["actions", "--csv", "--overdue"]):
        assert run_cli(starter, *args).exit_code == 0, args
    assert _manifest(starter) == before
    assert _folders(starter / "build") == ["internal", "shared"]


def test_failed_build_leaves_previous_build_intact(starter: Path) -> None:
    assert run_cli(starter, "build").exit_code == 0
    live = starter / "build/shared/export/entries.json"
    before = live.read_bytes()
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace("focus: prevention", "focus: everything"),
                    encoding="utf-8")
    result = run_cli(starter, "build")
    assert result.exit_code == 1
    assert "HP104" in result.stdout
    assert "build refused" in result.stderr
    assert live.read_bytes() == before
    assert _folders(starter / "build") == ["shared"]


def test_rebuild_replaces_previous_output(starter: Path) -> None:
    assert run_cli(starter, "build").exit_code == 0
    stray = starter / "build/shared/stray.txt"
    stray.write_text("left from before", encoding="utf-8")
    assert run_cli(starter, "build").exit_code == 0
    assert not stray.exists()
    assert (starter / "build/shared" / MARKER).is_file()


def test_refuses_to_replace_a_folder_it_did_not_make(starter: Path) -> None:
    foreign = starter / "build/shared"
    foreign.mkdir(parents=True)
    (foreign / "precious.txt").write_text("keep me", encoding="utf-8")
    result = run_cli(starter, "build")
    assert result.exit_code == 1
    assert "was not made by hpkb" in result.stderr
    assert (foreign / "precious.txt").read_text("utf-8") == "keep me"


def test_out_must_be_inside_build(starter: Path, tmp_path: Path) -> None:
    outside = run_cli(starter, "build", "--out", str(tmp_path / "elsewhere"))
    assert outside.exit_code == 2
    assert "outside build/" in outside.stderr
    assert not (tmp_path / "elsewhere").exists()
    assert run_cli(starter, "build", "--out", "..").exit_code == 2
    assert run_cli(starter, "build", "--out", "build").exit_code == 2
    inside = run_cli(starter, "build", "--out", "build/preview")
    assert inside.exit_code == 0
    assert (starter / "build/preview/export/entries.json").is_file()


def test_killed_build_is_recovered(starter: Path) -> None:
    assert run_cli(starter, "build").exit_code == 0
    build = starter / "build"
    # A build killed between retiring the old output and moving the new one in:
    (build / "shared").rename(build / ".shared.old-999")
    half = build / ".shared.new-abc"
    half.mkdir()
    (half / MARKER).write_text("x", encoding="utf-8")
    assert run_cli(starter, "build").exit_code == 0
    assert _folders(build) == ["shared"]


def test_skip_leaves_a_stage_out(starter: Path) -> None:
    result = run_cli(starter, "build", "--skip", "export")
    assert result.exit_code == 0
    assert not (starter / "build/shared/export").exists()


def test_unknown_profile_is_a_usage_error(starter: Path) -> None:
    result = run_cli(starter, "build", "--profile", "partners")
    assert result.exit_code == 2
    assert result.stderr == ("error: unknown profile `partners`; the profiles are: internal, "
                             "shared, public\n")


def test_drafts_flag(starter: Path) -> None:
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace("status: published", "status: draft"),
                    encoding="utf-8")
    assert run_cli(starter, "build").exit_code == 0
    entries = json.loads((starter / "build/shared/export/entries.json").read_text("utf-8"))
    assert [e["id"] for e in entries["entries"]] == ["LN-2024-001"]
    assert run_cli(starter, "build", "--drafts").exit_code == 0
    entries = json.loads((starter / "build/shared/export/entries.json").read_text("utf-8"))
    assert [e["id"] for e in entries["entries"]] == ["LN-2024-001", "PR-2024-001"]


def test_strict_build_fails_on_a_warning(starter: Path) -> None:
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace(
        "owner: Public Protection Unit", "owner: Public Protection Unit\nreview_by: 2025-01-01"),
        encoding="utf-8")
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    assert run_cli(starter, "build", "--strict", "--as-of", AS_OF).exit_code == 1


def _complete(build: Path) -> bool:
    return all((build / part).exists() for part in (MARKER, "site/index.html",
                                                    "site/search-index/meta.json",
                                                    "export/entries.json"))


def test_sigkill_mid_build_never_leaves_a_half_build_live(starter: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    live = starter / "build/shared"
    reference = (live / "export/entries.json").read_bytes()
    command = [sys.executable, "-m", "hpkb", "--root", str(starter), "build", "--as-of", AS_OF]
    for delay in (0.3, 0.8, 1.3, 1.8, 2.5, 3.2):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # Whatever the moment: the live build is the complete old one (or, if the kill
        # came between the two renames, it is put back by the next build).
        if live.exists():
            assert _complete(live), delay
            assert (live / "export/entries.json").read_bytes() == reference
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    assert _complete(live)
    assert _folders(starter / "build") == ["shared"]


def test_a_second_build_waits_for_the_first_and_leaves_its_work_alone(starter: Path) -> None:
    """`hpkb build` beside another hpkb writing the same build/ (`hpkb serve`'s
    rebuild): it waits for the build lock, rather than sweeping the other's staging
    folder away as a killed build's leftover."""
    import subprocess
    import sys
    import time

    from hpkb.write import build_lock

    assert run_cli(starter, "build", "--as-of", AS_OF, "--skip", "packs").exit_code == 0
    entry = next((starter / "practice").glob("*.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    command = [sys.executable, "-m", "hpkb", "--root", str(starter), "build", "--as-of",
               AS_OF, "--skip", "packs"]
    with build_lock(starter):
        working = starter / "build" / ".shared.new-other"  # the first build's staging
        working.mkdir()
        (working / MARKER).write_text("x", encoding="utf-8")
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        # The second build starts (imports, validation) and then waits for the lock:
        # while it is held, it neither finishes nor touches the other's staging folder.
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            assert second.poll() is None, second.communicate()
            time.sleep(0.1)
        assert working.is_dir()
    _, errors = second.communicate(timeout=300)
    assert second.returncode == 0, errors
    assert "One more line" in (starter / "build/shared/export/entries.json").read_text()


def _gone(path: Path, seconds: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_a_retired_build_is_removed_by_a_process_nobody_waits_for(starter: Path) -> None:
    """The last build, replaced, goes into build/.cache and is removed there in the
    background; one left there (its remover killed) is removed by the next build."""
    from hpkb.write import RETIRED

    assert run_cli(starter, "build", "--skip", "packs", "--as-of", AS_OF).exit_code == 0
    cache = starter / CACHE_DIR
    left = cache / f"{RETIRED}shared-1-2"
    (left / "docs").mkdir(parents=True)
    (left / "docs" / "page.md").write_text("A page.\n", encoding="utf-8")
    live = starter / "build" / "shared"
    before = live.stat().st_ino
    assert run_cli(starter, "build", "--skip", "packs", "--as-of", "2026-11-23").exit_code == 0
    assert live.stat().st_ino != before  # another build (folder) is live
    assert _folders(starter / "build") == ["shared"]
    assert _gone(left)
    assert all(_gone(p) for p in cache.glob(f"{RETIRED}*"))


def test_the_build_lock_is_free_while_a_retired_build_is_removed(
        starter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The detached remover holds no copy of the build lock: the next build need not
    wait for it."""
    import fcntl

    assert run_cli(starter, "build", "--skip", "packs", "--as-of", AS_OF).exit_code == 0
    slow = starter.parent / "slow-bin"  # an `rm` still removing when the build returns
    slow.mkdir()
    (slow / "rm").write_text(f'#!/bin/sh\nsleep 2\nexec {shutil.which("rm")} "$@"\n',
                             encoding="utf-8")
    (slow / "rm").chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow}{os.pathsep}{os.environ['PATH']}")
    assert run_cli(starter, "build", "--skip", "packs", "--as-of", "2026-11-23").exit_code == 0
    monkeypatch.undo()
    cache = starter / CACHE_DIR
    assert list(cache.glob("retired-*"))  # the remover is still at work
    with open(cache / "build.lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: raises if held
    assert all(_gone(p) for p in cache.glob("retired-*"))
