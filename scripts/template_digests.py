"""Write src/hpkb/templates/released.sha256: the digest of every version of every packaged
template that git holds, so that `hpkb validate` can tell a content repository's copy of
an old packaged template (which would keep it from receiving fixes) from a real override.

Run it after changing a packaged template (a test fails until the list has the current
versions): .venv/bin/python scripts/template_digests.py
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = "src/hpkb/templates"
LIST = ROOT / TEMPLATES / "released.sha256"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout


def main() -> None:
    digests: set[tuple[str, str]] = set()
    for line in LIST.read_text("utf-8").splitlines() if LIST.is_file() else ():
        digest, name = line.split("  ", 1)
        digests.add((name, digest))
    for commit in _git("log", "--format=%H", "--", TEMPLATES).split():
        for row in _git("ls-tree", "-r", commit, TEMPLATES).splitlines():
            meta, name = row.split("\t", 1)
            blob = meta.split()[2]
            data = subprocess.run(["git", "-C", str(ROOT), "cat-file", "blob", blob],
                                  capture_output=True, check=True).stdout
            digests.add((name.removeprefix(TEMPLATES + "/"), hashlib.sha256(data).hexdigest()))
    for path in (ROOT / TEMPLATES).rglob("*"):
        if path.is_file() and path != LIST and "__pycache__" not in path.parts:
            digests.add((path.relative_to(ROOT / TEMPLATES).as_posix(),
                         hashlib.sha256(path.read_bytes()).hexdigest()))
    lines = sorted(f"{digest}  {name}" for name, digest in digests
                   if name != LIST.name)
    LIST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} template versions -> {LIST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
