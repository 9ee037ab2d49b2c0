"""The generated project (docs/, overrides/, mkdocs.yml under build/<profile>/) is a
standard MkDocs project: plain `mkdocs build` of it gives the pages hpkb's build gives."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_helpers import build_profiles, copy_example

# The one part of a page that depends on the day it is built: a sitemap's dates.
_LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


def _site_files(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if rel == "sitemap.xml.gz":
            data = gzip.decompress(data)
        if rel.startswith("sitemap.xml"):
            data = _LASTMOD.sub(b"<lastmod/>", data)
        files[rel] = data
    return files


def test_plain_mkdocs_build_of_the_generated_project_gives_the_same_pages(
        tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    build_profiles(root, "internal")
    generated = root / "build" / "internal"
    plain = tmp_path / "plain"
    plain.mkdir()
    for part in ("docs", "overrides"):
        shutil.copytree(generated / part, plain / part)
    shutil.copy(generated / "mkdocs.yml", plain / "mkdocs.yml")
    mkdocs = Path(sys.executable).parent / "mkdocs"  # the venv's own
    done = subprocess.run([str(mkdocs), "build", "--strict", "-f", str(plain / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    ours = _site_files(generated / "site")
    theirs = _site_files(plain / "site")
    # hpkb's own site search index is written beside MkDocs' build, not by it.
    search = {rel for rel in ours if rel.startswith("search-index/")}
    assert search and all(rel.startswith("search-index/") for rel in set(ours) - set(theirs))
    assert sorted(set(ours) - search) == sorted(theirs)
    assert len([rel for rel in theirs if rel.endswith(".html")]) > 50
    assert [rel for rel in theirs if ours[rel] != theirs[rel]] == []


def test_the_engine_is_whichever_of_mkdocs_and_properdocs_is_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock installs MkDocs; with only ProperDocs installed the engine module takes
    ProperDocs (its log, its modules), and the build's fingerprint records either."""
    from importlib.metadata import PackageNotFoundError

    from hpkb.outputs.site import engine
    from hpkb.reuse import fingerprint

    assert engine.engine_name() == "mkdocs"
    assert "mkdocs=1.6.1\n" in fingerprint._library_versions()
    assert "properdocs=absent\n" in fingerprint._library_versions()

    def only_properdocs(name: str) -> str:
        if name == "mkdocs":
            raise PackageNotFoundError(name)
        return "1.6.7"

    engine.engine_name.cache_clear()
    monkeypatch.setattr(engine, "version", only_properdocs)
    try:
        assert engine.engine_name() == "properdocs"
    finally:
        monkeypatch.undo()
        engine.engine_name.cache_clear()
    assert engine.engine_name() == "mkdocs"
