"""Death investigations (hpkb.deaths): the CSV contract's findings, periods, statistics,
merging, the report's shape and the review file."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpkb.cli import main
from hpkb.deaths.linkage import address_key
from hpkb.deaths.merge import merge_records
from hpkb.deaths.periods import financial_quarter, period_of, quarter_bounds
from hpkb.deaths.records import load_records
from hpkb.deaths.stats import benjamini_hochberg, count_tail
from tests.conftest import REPO_ROOT

ORGS = {"wyvernshire-constabulary", "wyvernshire-hospitals-nhs-trust"}
TODAY = date(2026, 12, 1)
HEADER = ("ref,source,reported,died,found,area,location_type,address,easting,northing,name,"
          "dob,age,sex,category,substances,circumstances,people,investigation,"
          "coroner_outcome,debrief\n")
GOOD = ("WC-1,wyvernshire-constabulary,2025-03-02,2025-03-01,2025-03-02,Oxleigh,home,"
        "\"4 Elm Road, Oxleigh\",425000,279000,Ann Pike,1950-01-01,75,female,natural,,"
        "found in bed,found-by: Tom Pike,non-suspicious,pending,\n")


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / "deaths").mkdir(parents=True)
    (root / "debriefs").mkdir()
    (root / "debriefs" / "RD-2024-007.md").write_text("---\n---\n", encoding="utf-8")
    for name, text in files.items():
        (root / "deaths" / name).write_text(text, encoding="utf-8")
    return root


def _findings(root: Path) -> list[str]:
    loaded = load_records(root, ORGS, TODAY)
    return [d.as_text() for d in loaded.findings]


def test_a_clean_file_loads_in_full(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"police.csv": HEADER + GOOD})
    loaded = load_records(root, ORGS, TODAY)
    assert loaded.findings == ()
    record = loaded.records[0]
    assert (record.ref, record.died, record.age, record.people) == (
        "WC-1", date(2025, 3, 1), 75, (("found-by", "Tom Pike"),))
    assert loaded.files == (("deaths/police.csv", 1, True),)


@pytest.mark.parametrize(("row", "expected"), [
    (GOOD.replace("2025-03-01", "01/03/2025"),
     "deaths/police.csv:2:4: HP1004 error `01/03/2025` is not an ISO date (write it as "
     "2025-03-01 (YYYY-MM-DD))"),
    (GOOD.replace(",home,", ",hospial,"),
     "deaths/police.csv:2:7: HP1005 error `hospial` is not a location type (did you mean "
     "`hospital`?)"),
    (GOOD.replace("wyvernshire-constabulary", "wyvernshire-constabulry"),
     "deaths/police.csv:2:2: HP1006 error source `wyvernshire-constabulry` is not an "
     "organisation (did you mean `wyvernshire-constabulary`?)"),
    (GOOD.replace(",425000,", ",4250000,"),
     "deaths/police.csv:2:9: HP1008 error easting 4250000 is outside Great Britain's grid "
     "(a British National Grid easting lies between 0 and 700,000 metres: check the "
     "figure, or leave it blank)"),
    (GOOD.replace(",75,", ",12,"),
     "deaths/police.csv:2:13: HP1010 warning age 12 does not fit the date of birth: 75 on "
     "2025-03-01 (check the age and the date of birth)"),
    (GOOD.replace("found-by: Tom Pike", "Tom Pike"),
     "deaths/police.csv:2:18: HP1011 error `Tom Pike` is not a `role: name` pair (write "
     "each person as `role: name` (e.g. `found-by: Alex Smith`), separated by `;`)"),
    (GOOD.replace("pending,\n", "pending,RD-2024-099\n"),
     "deaths/police.csv:2:21: HP1012 error debrief RD-2024-099 is not in debriefs/ (did "
     "you mean `RD-2024-007`?)"),
    (GOOD.replace("2025-03-02,2025-03-01,2025-03-02", "2025-03-02,2025-03-05,2025-03-02"),
     "deaths/police.csv:2:5: HP1009 error `found` 2025-03-02 is before `died` 2025-03-05 "
     "(check both dates: a death comes after birth, and is found, then reported, on or "
     "after the day it happened)"),
    (GOOD.replace("WC-1,", ","),
     "deaths/police.csv:2:1: HP1003 error `ref` is blank (every record needs a reference)"),
])
def test_each_bad_row_is_named_with_its_line_column_and_fix(tmp_path: Path, row: str,
                                                             expected: str) -> None:
    root = _repo(tmp_path, {"police.csv": HEADER + row})
    found = _findings(root)
    assert expected in found
    loaded = load_records(root, ORGS, TODAY)
    if "error" in expected:
        assert loaded.records == ()
        assert found[-1] == ("deaths/police.csv:1:1: HP1016 warning none of this file's 1 "
                             "rows are loaded: it has 1 error (fix the errors; a file loads "
                             "only when every row is right)"), found


def test_header_and_csv_problems(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.csv": "ref,sorce\nX,y\n", "b.csv": HEADER + GOOD + "a,b\n",
                            "c.csv": HEADER + GOOD + GOOD})
    found = _findings(root)
    assert "deaths/a.csv:1:2: HP1002 error unknown column `sorce` (did you mean `source`?)" \
        in found
    assert ("deaths/b.csv:3:1: HP1001 error this row has 2 values; the header has 21 (give "
            "every row one value per column (quote a value holding a comma))") in found
    assert any(f.startswith("deaths/c.csv:3:1: HP1007 error ref `WC-1` of "
                            "`wyvernshire-constabulary` is also at deaths/b.csv:2")
               or f.startswith("deaths/c.csv:2:1: HP1007") for f in found)


def test_a_partner_file_with_only_some_columns_loads(tmp_path: Path) -> None:
    partner = ("ref,source,died,name,dob,coroner_outcome\n"
               "ME1,wyvernshire-hospitals-nhs-trust,2025-03-01,Anne Pike,1950-01-01,"
               "natural-causes\n")
    root = _repo(tmp_path, {"police.csv": HEADER + GOOD, "me.csv": partner})
    loaded = load_records(root, ORGS, TODAY)
    assert loaded.findings == ()
    merged = merge_records(loaded.records, "wyvernshire-constabulary")
    assert merged.method == "rule"
    assert [d.refs for d in merged.deaths] == [("WC-1", "ME1")]
    death = merged.deaths[0]
    assert (death.category, death.coroner_outcome, death.address) == (
        "natural", "natural-causes", "4 Elm Road, Oxleigh")


def test_periods_as_a_board_uses_them() -> None:
    assert quarter_bounds("2024-25-Q4") == (date(2025, 1, 1), date(2025, 3, 31))
    assert quarter_bounds("2024-25") == (date(2024, 4, 1), date(2025, 3, 31))
    assert financial_quarter(date(2024, 4, 1)) == "2024-25-Q1"
    last = period_of("last-financial-quarter", None, None, date(2026, 12, 1))
    assert (last.start, last.end, last.label) == (date(2026, 7, 1), date(2026, 9, 30),
                                                  "2026-27-Q2")
    year = period_of("last-financial-year", None, None, date(2026, 3, 31))
    assert (year.start, year.end) == (date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(ValueError, match="is not a period"):
        period_of("2024-26", None, None, TODAY)


def test_tails_and_false_discovery() -> None:
    assert count_tail(0, 3.0) == 1.0
    assert count_tail(4, 0.5) == pytest.approx(0.00175162, rel=1e-4)
    assert count_tail(4, 0.5, size=1.0) > count_tail(4, 0.5)  # wider than Poisson
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx(
        [0.04, 0.0533333, 0.0533333, 0.5])


def test_addresses_group_a_buildings_flats() -> None:
    assert address_key("Flat 2, 41 Tanners Row, Calder Cross") == \
        address_key("41 Tanners Row, Calder Cross") == "41 tanners row, calder cross"
    assert address_key("14 Church Rd, Oxleigh") == "14 church road, oxleigh"
    assert address_key("St Aldhelm's Churchyard, Church Walk, Sallowby").startswith(
        "st aldhelms churchyard")


def test_reviews_are_checked(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"police.csv": HEADER + GOOD})
    (root / "deaths" / "reviews.yml").write_text(
        "cluster-0123456789:\n  reviewed: maybe\n  why: x\nplace-0123456789:\n"
        "  reviewed: linked\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "deaths", "validate"])
    assert result.exit_code == 1
    assert ("deaths/reviews.yml:1:1: HP1014 error `reviewed` of cluster-0123456789 must be "
            "`linked` or `not linked` (write `reviewed: linked` or `reviewed: not linked`)"
            in result.output)
    assert "deaths/reviews.yml:4:1: HP1014 error the review of place-0123456789 does not " \
        "say why" in result.output


def test_report_json_shape_on_the_example(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(REPO_ROOT), "deaths", "report",
                                       "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"records", "deaths", "duplicates", "alerts", "spikes", "counts"} <= set(report)
    assert report["records"] > report["deaths"] > 1000
    assert all(len(group) >= 2 for group in report["duplicates"])
    scores = [a["score"] for a in report["alerts"]]
    assert scores == sorted(scores, reverse=True)
    for alert in report["alerts"]:
        assert set(alert) >= {"kind", "score", "members", "because"}
        assert alert["kind"] in ("cluster", "person", "place", "spike")
    kinds = {a["kind"] for a in report["alerts"][:10]}
    assert kinds == {"cluster", "person", "place", "spike"}


def test_a_reviewed_alert_is_not_raised_again(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "deaths", root / "deaths")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "debriefs", root / "debriefs")
    runner = CliRunner()
    first = json.loads(runner.invoke(main, ["--root", str(root), "deaths", "report",
                                            "--json"]).stdout)
    top = first["alerts"][0]
    (root / "deaths" / "reviews.yml").write_text(
        f"{top['id']}:\n  reviewed: not linked\n  why: Checked with the coroner's officer.\n",
        encoding="utf-8")
    second = json.loads(runner.invoke(main, ["--root", str(root), "deaths", "report",
                                             "--json"]).stdout)
    assert top["id"] not in [a["id"] for a in second["alerts"]]
    assert [(r["id"], r["reviewed"], r["why"]) for r in second["reviewed"]] == [
        (top["id"], "not linked", "Checked with the coroner's officer.")]


def test_a_bad_period_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--root", str(REPO_ROOT), "deaths", "report",
                                       "--period", "last-week"])
    assert result.exit_code == 2
    assert "`last-week` is not a period" in result.output
