"""Death investigations at a county's scale (slow): merging precision and recall and the
planted series' ranks on a generated county; the builds that leave the force hold nothing
of the records; the same linkage on Spark when it is installed."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from scripts.synthetic_deaths import generate, write

from hpkb.deaths.analyse import analyse
from hpkb.deaths.periods import period_of
from hpkb.pipeline import BuildRequest, build
from tests.conftest import REPO_ROOT

ORGS = {"wyvernshire-constabulary", "wyvernshire-hospitals-nhs-trust"}
TODAY = date(2026, 12, 1)


def _pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 5])
def test_a_generated_county_merges_and_ranks_every_planted_series(tmp_path: Path,
                                                                   seed: int) -> None:
    """About 20,000 records from two sources: at least 95% of the true duplicate pairs
    found at at least 95% precision; each planted series (cluster, person, place, spike)
    among the ten strongest alerts; the decoy family is not."""
    generated = generate(20_000, seed=seed)
    write(tmp_path, generated)
    analysis = analyse(tmp_path, period_of(None, None, None, TODAY), TODAY, ORGS,
                       "wyvernshire-constabulary")
    assert len(analysis.loaded.records) > 19_000
    truth = _pairs(generated.truth["duplicates"])
    found = _pairs([list(d.refs) for d in analysis.deaths if len(d.records) > 1])
    assert len(truth & found) / len(truth) >= 0.95
    assert len(truth & found) / len(found) >= 0.95
    top = analysis.alerts[:10]
    for kind, refs in generated.truth["series"].items():
        ranks = [rank for rank, alert in enumerate(top, start=1)
                 if alert.kind == kind and len(set(refs) & set(alert.refs)) >= 3]
        assert ranks, f"planted {kind} series not among the ten strongest"
    family = set(generated.truth["decoys"]["family"])
    assert not any(family <= set(alert.refs) for alert in top)


def _repo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("content", "debriefs", "practice", "deaths"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _record_strings(root: Path) -> list[str]:
    import csv

    strings: set[str] = set()
    for path in (root / "deaths").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                strings.add(row["ref"])
                strings.update(v for k in ("name", "address") if (v := row.get(k)))
                strings.update(part.partition(":")[2].strip()
                               for part in (row.get("people") or "").split(";") if part)
    return sorted(s for s in strings if len(s) > 5)


def _texts(folder: Path) -> list[tuple[str, str]]:
    import pypdfium2 as pdfium

    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            document = pdfium.PdfDocument(str(path))
            text = "\n".join(page.get_textpage().get_text_range() for page in document)
            found.append((str(path), text))
        else:
            found.append((str(path), path.read_bytes().decode("utf-8", "replace")))
    return found


@pytest.mark.slow
def test_the_builds_that_leave_the_force_hold_no_record(tmp_path: Path) -> None:
    """Every artefact of the shared and public builds (HTML, search files, Whoosh files,
    export JSON, PDFs) holds no name, address or ref from the death records, while the
    internal build holds the section, the deaths pack and the analysts' files."""
    root = _repo_copy(tmp_path)
    strings = _record_strings(root)
    assert len(strings) > 5000
    pattern = re.compile("|".join(re.escape(s.lower()) for s in
                                  sorted(strings, key=len, reverse=True)))
    for profile in ("shared", "public"):
        report = build(BuildRequest(root, profile))
        assert report.built, [d.as_text() for d in report.diagnostics]
        leaks = [(path, hit.group(0)) for path, text in _texts(root / "build" / profile)
                 for hit in [pattern.search(text.lower())] if hit]
        assert leaks == []
    report = build(BuildRequest(root, "internal", skip=frozenset({"search"})))
    assert report.built, [d.as_text() for d in report.diagnostics]
    internal = root / "build" / "internal"
    assert (internal / "site" / "pages" / "death-alerts.html").is_file()
    assert (internal / "packs" / "deaths-quarterly.pdf").is_file()
    assert {p.name for p in (internal / "deaths").iterdir()} == {
        "deaths.duckdb", "alerts.csv", "alerts.json"}
    assert not (root / "build" / "shared" / "packs" / "deaths-quarterly.pdf").exists()


@pytest.mark.slow
def test_a_record_name_in_a_shared_entry_refuses_the_build(tmp_path: Path) -> None:
    root = _repo_copy(tmp_path)
    name = next(s for s in _record_strings(root) if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", s))
    entry = next(p for p in sorted((root / "practice").glob("*.md"))
                 if "audience: public" in p.read_text(encoding="utf-8")
                 or "audience: shared" in p.read_text(encoding="utf-8"))
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("## Description\n", f"## Description\n\nAsk {name}.\n", 1),
                     encoding="utf-8")
    report = build(BuildRequest(root, "shared", skip=frozenset({"packs", "search"})))
    assert not report.built
    assert any(d.code == "HP603" and "death records" in d.message for d in report.diagnostics)


def _spark_ready() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (it is not in the lock: see the Spark route in " \
            "docs/guide/death-investigations.md)"
    if shutil.which("java") is None:
        return "no Java runtime"
    if subprocess.run(["java", "-version"], capture_output=True).returncode != 0:
        return "java does not run"
    return None


@pytest.mark.skipif(_spark_ready() is not None, reason=str(_spark_ready()))
def test_the_same_linkage_runs_on_spark_in_local_mode(tmp_path: Path) -> None:
    from hpkb.deaths.records import load_records
    from hpkb.deaths.spark import link_on_spark

    generated = generate(2_000, seed=3)
    write(tmp_path, generated)
    records = load_records(tmp_path, ORGS, TODAY).records
    groups = link_on_spark(records, tmp_path / "spark")
    truth = _pairs(generated.truth["duplicates"])
    found = _pairs([[records[at].ref for at in group] for group in groups])
    assert len(truth & found) / len(truth) >= 0.9
    assert len(truth & found) / len(found) >= 0.9
