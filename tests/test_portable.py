"""The author's commands run where POSIX-only modules are missing (as on Windows): every
hpkb module imports, and `hpkb validate`, `build`, `init`, `new`, `action`, `pack` and
`serve` work on a copy of the example, with `fcntl` and `termios` unimportable, no
`os.fork`, and no file descriptors handed to a child process (Windows' `subprocess` has
no ``pass_fds``). Python's own platform checks still see Linux (``os.name``), so a library
that picks its own module by them is let have it (Whoosh's lock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import AS_OF
from tests.site_helpers import copy_example

# Run first in the child process, before anything imports the modules it takes away.
WITHOUT_POSIX = """
import builtins, os, subprocess, sys
for name in ("fcntl", "termios"):
    sys.modules.pop(name, None)
_import = builtins.__import__
def _no_posix_only(name, globals=None, locals=None, fromlist=(), level=0):
    # Whoosh chooses its index lock by os.name (msvcrt on Windows), which stays "posix"
    # here: its own choice is let through, and nothing else's.
    if name in ("fcntl", "termios") and level == 0 \
            and (globals or {}).get("__name__") != "whoosh.util.filelock":
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return _import(name, globals, locals, fromlist, level)
builtins.__import__ = _no_posix_only
for name in ("fork", "forkpty"):
    if hasattr(os, name):
        delattr(os, name)
_popen_init = subprocess.Popen.__init__
def _no_pass_fds(self, *args, **kwargs):
    if kwargs.get("pass_fds"):
        raise ValueError("pass_fds is not supported on this platform")
    _popen_init(self, *args, **kwargs)
subprocess.Popen.__init__ = _no_pass_fds
"""

IMPORT_ALL = WITHOUT_POSIX + """
import importlib, pkgutil
import hpkb
names = sorted(m.name for m in pkgutil.walk_packages(hpkb.__path__, "hpkb.")
               if m.name != "hpkb.__main__")
for name in names:
    importlib.import_module(name)
for blocked in ("fcntl", "termios"):
    assert blocked not in sys.modules, blocked
print(len(names))
"""

# The commands, with the thresholds for a second process lowered to the example's size,
# so every path that would share work between processes is taken (or declined).
RUN_CLI = WITHOUT_POSIX + """
import hpkb.guard.publication, hpkb.outputs.search.index, hpkb.pipeline
hpkb.pipeline.RENDER_APART_MIN = 1
hpkb.outputs.search.index.PARALLEL_MIN_ENTRIES = 2
hpkb.outputs.search.index.PART_MIN = 2
hpkb.guard.publication.SHARED_MIN_BYTES = 1
from hpkb.cli import main
main(sys.argv[1:], prog_name="hpkb")
"""


def _python(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                               "DISABLE_MKDOCS_2_WARNING": "true"})


def test_every_module_imports_without_posix_only_modules(tmp_path: Path) -> None:
    done = _python(IMPORT_ALL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 60


def test_validate_and_build_run_without_posix_only_modules(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    validated = _python(RUN_CLI, "--root", str(root), "validate", "--as-of", AS_OF, cwd=root)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Traceback" not in validated.stderr
    built = _python(RUN_CLI, "--root", str(root), "build", "--profile", "internal",
                    "--as-of", AS_OF, cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Traceback" not in built.stderr
    site = root / "build" / "internal" / "site"
    assert (site / "index.html").is_file() and (site / "search-index").is_dir()
    assert (root / "build" / "internal" / "search").is_dir()
    assert list((root / "build" / "internal" / "packs").glob("*.pdf"))


def test_the_authors_other_commands_run_without_posix_only_modules(tmp_path: Path) -> None:
    """`init`, `new`, `action` and `pack`, as an author runs them on a new repository."""
    root = tmp_path / "force"

    def run(*args: str, where: Path = root) -> subprocess.CompletedProcess[str]:
        done = _python(RUN_CLI, *args, cwd=where)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        return done

    run("init", str(root), "--organisation", "kent-police", "--examples", where=tmp_path)
    made = run("--root", str(root), "new", "practice", "--title", "Joint visits after a referral")
    assert (root / made.stdout.strip()).is_file()
    run("--root", str(root), "action", "RD-2024-001/A02", "--note", "GP letter drafted",
        "--as-of", AS_OF)
    assert "GP letter drafted" in (root / "debriefs/RD-2024-001.md").read_text("utf-8")
    run("--root", str(root), "pack", "--entry", "PR-2024-001", "--profile", "shared",
        "--as-of", AS_OF)
    assert (root / "build/shared/packs/entries.pdf").is_file()


def test_serve_previews_a_save_without_posix_only_modules(tmp_path: Path) -> None:
    """`hpkb serve` builds, serves the site and the search API, and shows a saved edit,
    with the same modules taken away."""
    import socket
    import time
    import urllib.request

    root = copy_example(tmp_path / "repo")
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "--root", str(root), "serve", "--profile", "shared",
         "--skip-packs", "--port", str(port)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})

    def fetch(path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as got:
            return str(got.read().decode("utf-8"))

    def waited(path: str, wanted: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if wanted in fetch(path):
                    return True
            except OSError:
                pass
            if server.poll() is not None:
                return False
            time.sleep(0.5)
        return False

    try:
        page = "practice/PR-2023-003.html"
        assert waited(page, "</html>", 180), "the site was not served"
        assert '"results"' in fetch("api/search?q=partner")
        entry = root / "practice/PR-2023-003.md"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("\n## Aim\n", "\n## Aim\n\nSaved from the editor.\n", 1),
                         encoding="utf-8")
        assert waited(page, "Saved from the editor.", 120), "the saved edit was not shown"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
