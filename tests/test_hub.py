"""The national hub: three forces' repos built end to end through hpkb, then the hub."""

from __future__ import annotations

import json
import shutil
import tarfile
from datetime import date
from pathlib import Path

import pytest

from hpkb.authoring.scaffold import init_repo
from hpkb.outputs.search.index import search_index
from tests.conftest import AS_OF, run_cli
from tests.test_guard import (
    CANARIES,
    CANARY_DEBRIEF,
    CANARY_LIVE_LESSON,
    CANARY_SENSITIVE,
    _artefact_text,
)

FORCES = {"essex-police": "Essex Police", "kent-police": "Kent Police",
          "west-mercia-police": "West Mercia Police"}


def _force_repo(root: Path, force: str) -> Path:
    init_repo(root, examples=True)
    for path in [root / "mkdocs.yml", *root.rglob("*.md")]:
        path.write_text(path.read_text(encoding="utf-8").replace("essex-police", force),
                        encoding="utf-8")
    # Internal material every force holds: it must never reach the hub.
    for rel, text in (("debriefs/RD-2024-002.md", CANARY_DEBRIEF),
                      ("content/learning/LN-2024-002.md", CANARY_LIVE_LESSON),
                      ("practice/PR-2024-002.md", CANARY_SENSITIVE)):
        (root / rel).write_text(text.replace("essex-police", force), encoding="utf-8")
    # One practice entry of each force's own, so not everything is a near-duplicate.
    practice = root / "practice" / "PR-2024-001.md"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("## Aim\n", f"## Aim\n\nIn {FORCES[force]} the scheme "
                                     f"is run by the {force.split('-')[0]} safeguarding "
                                     "hub with the local authority.\n", 1), encoding="utf-8")
    result = run_cli(root, "build", "--profile", "shared", "--skip", "packs", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    return root / "build" / "shared" / "export"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("forces")
    return {force: _force_repo(base / force, force) for force in FORCES}


def hub(root: Path, *args: str) -> tuple[int, str]:
    root.mkdir(parents=True, exist_ok=True)
    result = run_cli(root, "hub", "build", *args, "--as-of", AS_OF)
    assert result.exception is None, result.exception
    return result.exit_code, result.stdout + result.stderr


def test_one_site_from_three_forces(exports: dict[str, Path], tmp_path: Path) -> None:
    # Sources as given by forces: a folder, a build folder, and a .tar.gz archive.
    archive = tmp_path / "west-mercia.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(exports["west-mercia-police"], arcname="export")
    code, output = hub(tmp_path / "hub", str(exports["essex-police"]),
                       str(exports["kent-police"].parent), str(archive))
    assert code == 0, output
    built = tmp_path / "hub" / "build" / "hub"
    shared = json.loads((exports["kent-police"] / "entries.json").read_text("utf-8"))
    assert f"{3 * len(shared['entries'])} entries from 3 forces" in output

    # Attribution: each entry under its force, saying who shared it.
    page = built / "site" / "practice" / "kent-police" / "PR-2024-001.html"
    html = page.read_text(encoding="utf-8")
    assert "Shared by" in html and "Kent Police" in html
    assert "kent safeguarding hub" in html
    # The finder offers a force facet with all three forces.
    finder = json.loads((built / "docs" / "assets" / "finder.json").read_text("utf-8"))
    forces = {f for item in finder["items"] for f in item["facets"]["force"]}
    assert forces == set(FORCES)
    assert {finder["labels"][f"force:{f}"] for f in FORCES} == set(FORCES.values())
    # Cross-force theme pages and recommendation evidence list every force's entries.
    theme = (built / "docs" / "themes" / "domestic-abuse.md").read_text("utf-8")
    assert all(f"practice/{force}/PR-2024-001.html" in theme for force in FORCES)
    # Cross-force rating and region pages.
    rating = (built / "docs" / "ratings" / "promising.md").read_text("utf-8")
    assert all(f"practice/{force}/PR-2024-001.html" in rating for force in FORCES)
    regions = (built / "docs" / "regions" / "index.md").read_text("utf-8")
    assert "Eastern" in regions and "South east" in regions
    # The national problem profile comes from the forces' aggregate figures.
    national = (built / "docs" / "pages" / "national.md").read_text("utf-8")
    assert all(name in national for name in FORCES.values()) and "All forces" in national
    # Counted from each force's internal view (its debriefs are internal), as of its date.
    assert ("Figures included: Essex Police (as of 2026-11-22, from its internal figures); "
            "Kent Police (as of 2026-11-22") in national
    assert "at least 0" not in national
    assert "| **All forces** | **at least 3** |" in national  # three withheld counts
    # Every card says which force shared it.
    home = (built / "docs" / "index.md").read_text("utf-8")
    assert "<small>Shared by Kent Police</small>" in home
    theme = (built / "docs" / "themes" / "coercive-control.md").read_text("utf-8")
    assert "— shared by West Mercia Police" in theme
    finder_page = (built / "docs" / "finder.md").read_text("utf-8")
    assert finder_page.count("<dt>Shared by</dt>") == len(finder["items"])
    # Search over everything: the site's search index and the Whoosh index.
    meta = json.loads((built / "site" / "search-index" / "meta.json").read_text("utf-8"))
    assert {f"{f}:PR-2024-001" for f in FORCES} <= {row[0] for row in meta["entries"]}
    card = built / "site" / "search-index" / "docs" / "kent-police" / "PR-2024-001.json"
    assert json.loads(card.read_text("utf-8"))["url"] == "practice/kent-police/PR-2024-001.html"
    assert json.loads(card.read_text("utf-8"))["by"] == "Kent Police"
    found = search_index(built / "search", "safeguarding hub local authority", limit=10)
    assert {r["id"] for r in found.results} >= {f"{f}:PR-2024-001" for f in FORCES}
    assert set(found.facets["organisation"]) == set(FORCES)
    cli = run_cli(tmp_path / "hub", "hub", "search", "safeguarding hub local authority",
                  "--json")
    assert cli.exit_code == 0 and cli.json() == found.as_json()
    # National packs.
    assert sorted(p.name for p in (built / "packs").glob("national-*.pdf"))
    # Near-identical entries from different forces are listed, never merged.
    pairs = json.loads((built / "duplicates.json").read_text("utf-8"))
    listed = {tuple(p["entries"]) for p in pairs}
    assert ("essex-police:LN-2024-001", "kent-police:LN-2024-001") in listed
    assert all(a.split(":")[0] != b.split(":")[0] for a, b in listed)
    assert (built / "site" / "learning" / "essex-police" / "LN-2024-001.html").is_file()
    assert (built / "site" / "learning" / "kent-police" / "LN-2024-001.html").is_file()

    # Nothing internal from any force anywhere in the hub's output (PDFs, gzip included).
    files = [p for p in built.rglob("*") if p.is_file()]
    hits = {(p.relative_to(built).as_posix(), c) for p in files for c in CANARIES
            if c in _artefact_text(p)}
    assert hits == set()


def _rewrite(export: Path, target: Path, change: object) -> Path:
    shutil.copytree(export, target)
    document = json.loads((target / "entries.json").read_text("utf-8"))
    change(document)  # type: ignore[operator]
    (target / "entries.json").write_text(json.dumps(document), encoding="utf-8")
    return target


def test_the_newest_export_of_an_entry_wins(exports: dict[str, Path], tmp_path: Path) -> None:
    def older(document: dict) -> None:  # type: ignore[type-arg]
        document["source"]["built"] = "2025-01-01"
        for entry in document["entries"]:
            entry["meta"]["title"] = "OLD TITLE " + entry["meta"]["title"]

    old = _rewrite(exports["essex-police"], tmp_path / "old-essex", older)
    for order in ([old, exports["essex-police"]], [exports["essex-police"], old]):
        root = tmp_path / f"hub-{order[0].name}"
        code, output = hub(root, *map(str, order), str(exports["kent-police"]))
        assert code == 0, output
        assert "HP903" in output and "essex-police:PR-2024-001 is in two exports" in output
        html = (root / "build/hub/site/practice/essex-police/PR-2024-001.html").read_text(
            encoding="utf-8")
        assert "OLD TITLE" not in html


def test_bad_sources_are_skipped_and_said(exports: dict[str, Path], tmp_path: Path) -> None:
    def future(document: dict) -> None:  # type: ignore[type-arg]
        document["schema_version"] = 2

    def leaks(document: dict) -> None:  # type: ignore[type-arg]
        document["entries"][0]["meta"]["subjects"] = [{"role": "victim", "name": "X"}]

    def internal(document: dict) -> None:  # type: ignore[type-arg]
        document["profile"] = "internal"
        document["profile_ceiling"] = {"max_classification": "OFFICIAL-SENSITIVE",
                                       "audiences": ["internal", "shared", "public"],
                                       "personal": True}

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "entries.json").write_text("{not json", encoding="utf-8")
    newer = _rewrite(exports["kent-police"], tmp_path / "v2", future)
    leaky = _rewrite(exports["west-mercia-police"], tmp_path / "leaky", leaks)
    wide = _rewrite(exports["kent-police"], tmp_path / "wide", internal)
    sources = [exports["essex-police"], broken, newer, leaky, wide]
    code, output = hub(tmp_path / "hub", *map(str, sources))
    assert code == 0, output
    assert f"{broken}:1:1: HP901" in output and "not JSON" in output
    assert f"{newer}:1:1: HP901" in output and "schema version 2" in output
    assert f"{wide}:1:1: HP901" in output and "kent-police exported its `internal`" in output
    first = json.loads((leaky / "entries.json").read_text("utf-8"))["entries"][0]["id"]
    assert f"west-mercia-police, entry {first}: skipped: it carries personal fields" in output
    built = tmp_path / "hub" / "build" / "hub"
    essex = json.loads((exports["essex-police"] / "entries.json").read_text("utf-8"))
    west = json.loads((leaky / "entries.json").read_text("utf-8"))
    assert f"{len(essex['entries']) + len(west['entries']) - 1} entries from 2 forces" in output
    assert (built / "export" / "entries.json").is_file()

    # --strict: anything skipped fails the build, and the previous hub build stays.
    before = (built / "export" / "entries.json").read_bytes()
    code, output = hub(tmp_path / "hub", "--strict", *map(str, sources))
    assert code == 1 and "hub build refused" in output
    assert (built / "export" / "entries.json").read_bytes() == before


def test_no_usable_source_builds_nothing(tmp_path: Path) -> None:
    code, output = hub(tmp_path / "hub", str(tmp_path / "missing"))
    assert code == 1 and "HP901" in output and "no such file or folder" in output
    assert "HP905" in output
    assert not (tmp_path / "hub" / "build" / "hub").exists()


def test_the_hub_guards_what_it_publishes(exports: dict[str, Path], tmp_path: Path) -> None:
    # A force's export changed by hand after its guard passed it.
    def tampered(document: dict) -> None:  # type: ignore[type-arg]
        entry = document["entries"][0]
        entry["meta"]["summary"] += " Call the team on 01632 960123."
        entry["body"] += "\nThe victim, Ottilie Brannagh, had moved twice.\n" \
                         "Brannagh's sister was not told.\n"
        document["taxonomy"]["organisations"][0]["name"] += " (ME14 1XX)"
        years = document["aggregates"]["figures"]["debriefs"]["by_financial_year"]
        years["ring 07700 900123"] = {"homicide": 0}

    kent = _rewrite(exports["kent-police"], tmp_path / "kent", tampered)
    record = json.loads((kent / "entries.json").read_text("utf-8"))["entries"][0]
    first, lines = record["id"], len(record["body"].splitlines())
    names = tmp_path / "kent-names.txt"
    names.write_text("# Kent's debrief subjects\n\nOttilie  Brannagh\n", encoding="utf-8")
    root = tmp_path / "hub"
    code, output = hub(root, str(exports["essex-police"]))
    assert code == 0, output
    before = (root / "build" / "hub" / "export" / "entries.json").read_bytes()

    # Any hit refuses the whole hub, with or without --strict; the previous hub stays.
    code, output = hub(root, "--names", str(names), str(exports["essex-police"]), str(kent))
    assert code == 1 and "hub build refused" in output
    at = f"{kent}:1:1: "
    assert (f"{at}HP602 error kent-police, entry {first}, meta.summary: the hub would "
            "publish what looks like a UK phone number: `01632 960123`") in output
    assert (f"{at}HP601 error kent-police, entry {first}, body line {lines - 1}: the hub "
            "would publish `Ottilie Brannagh`, a name in its names register") in output
    assert f"{at}HP601 error kent-police, entry {first}, body line {lines}: " in output
    assert (f"{at}HP602 error kent-police, organisation `kent-police`, taxonomy.name: the "
            "hub would publish what looks like a postcode: `ME14 1XX`") in output
    assert (f"{at}HP602 error kent-police, figures, aggregates.figures.debriefs."
            "by_financial_year (a key): the hub would publish what looks like a UK phone "
            "number: `07700 900123`") in output
    assert output.count("HP60") == 5  # the contact's published email address passes
    assert (root / "build" / "hub" / "export" / "entries.json").read_bytes() == before

    # Without the register the phone number alone refuses it; a phrase reviewed and
    # allowed lets it through, and only it.
    allow = tmp_path / "allow.txt"
    allow.write_text("the team on 01632 960123\n(me14 1xx)\n# the figures\nring 07700 900123\n",
                     encoding="utf-8")
    code, output = hub(root, str(kent))
    assert code == 1 and output.count("HP602") == 3 and "HP601" not in output
    code, output = hub(root, "--allow", str(allow), str(kent))
    assert code == 0, output
    built = (root / "build" / "hub" / "export" / "entries.json").read_text("utf-8")
    assert "01632 960123" in built

    # A register the hub cannot read is not skipped: nothing is built.
    (tmp_path / "latin1.txt").write_bytes("Zo\xeb Fenwick\n".encode("latin-1"))
    code, output = hub(root, "--names", str(tmp_path / "latin1.txt"), str(kent))
    assert code == 2 and "cannot read" in output


def test_the_output_guard_looks_for_the_register(exports: dict[str, Path],
                                                 tmp_path: Path) -> None:
    # A name in no entry but in the hub's own text: only the output guard sees it.
    from hpkb.hub.build import HubRequest, build_hub

    request = HubRequest(tmp_path, (exports["essex-police"],), today=date(2025, 6, 1),
                         site_name="Quillfeather national hub", names=("Ada Quillfeather",))
    report = build_hub(request)
    assert not report.built
    assert {d.code for d in report.diagnostics} == {"HP603"}
    assert all("debrief subject" in d.message for d in report.diagnostics)
    assert not (tmp_path / "build" / "hub").exists()
    assert build_hub(HubRequest(tmp_path, request.sources, today=request.today,
                                site_name=request.site_name, names=request.names,
                                allow=("Quillfeather national hub",))).built


def test_an_export_must_be_the_profile_it_says(exports: dict[str, Path],
                                               tmp_path: Path) -> None:
    shared = {"max_classification": "OFFICIAL", "audiences": ["shared", "public"],
              "personal": False}
    cases = {
        "renamed": ("internal", shared),
        "wrong-case": ("Internal", shared),
        "public": ("public", shared),
        "sensitive": ("shared", {**shared, "max_classification": "OFFICIAL-SENSITIVE"}),
        "audience": ("shared", {**shared, "audiences": ["internal", "shared", "public"]}),
        "personal": ("shared", {**shared, "personal": True}),
        "unlimited": ("shared", None),
    }

    def declaring(name: str, ceiling: object) -> object:
        def change(document: dict) -> None:  # type: ignore[type-arg]
            document["profile"] = name
            document["profile_ceiling"] = ceiling
        return change

    bad = {case: _rewrite(exports["kent-police"], tmp_path / case, declaring(*declared))
           for case, declared in cases.items()}
    # A force's own profile, by another name, within the shared limits is accepted.
    partners = _rewrite(exports["west-mercia-police"], tmp_path / "partners",
                        declaring("partners", {**shared, "audiences": ["shared"]}))
    code, output = hub(tmp_path / "hub", str(exports["essex-police"]), str(partners),
                       *map(str, bad.values()))
    assert code == 0, output
    assert "from 2 forces (essex-police, west-mercia-police)" in output
    skipped = {case: f"{path}:1:1: HP901 warning source skipped: kent-police "
               for case, path in bad.items()}
    disagree = "whose limits are not that profile's (audiences public, shared, up to " \
               "OFFICIAL, without personal details; `{}` is {})"
    assert skipped["renamed"] + "exported a profile it calls `internal` " + disagree.format(
        "internal", "audiences internal, public, shared, up to OFFICIAL-SENSITIVE, with "
        "personal details") in output
    assert skipped["wrong-case"] + "exported a profile it calls `Internal`" in output
    assert skipped["public"] + "exported a profile it calls `public` " + disagree.format(
        "public", "audiences public, up to OFFICIAL, without personal details") in output
    wider = "profile, which allows more than the shared profile: "
    assert skipped["sensitive"] + f"exported its `shared` {wider}up to OFFICIAL-SENSITIVE" \
        in output
    assert skipped["audience"] + f"exported its `shared` {wider}an audience `internal`" \
        in output
    assert skipped["personal"] + f"exported its `shared` {wider}personal details" in output
    assert skipped["unlimited"] + "exported its `shared` profile without readable limits" \
        in output
    assert output.count("(export the standard shared profile again") == len(cases)
