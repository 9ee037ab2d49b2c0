"""The analysts' files: build/internal/deaths/deaths.duckdb (records, deaths, alerts and
their members, spikes) and the alerts as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from pathlib import Path

from hpkb.deaths.analyse import Analysis
from hpkb.deaths.records import Record
from hpkb.deaths.report import alert_json, spike_json

__all__ = ["DATABASE", "write_analyst_files"]

DATABASE = "deaths.duckdb"


def _alerts_csv(analysis: Analysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "kind", "score", "deaths", "first", "last", "members", "because",
                     "reviewed", "why"])
    rows = [(a, None) for a in analysis.alerts] + list(analysis.reviewed)
    for alert, review in rows:
        data = alert_json(alert)
        writer.writerow([data["id"], data["kind"], data["score"], data["deaths"],
                         data["first"], data["last"], " ".join(data["members"]),
                         data["because"], review.decision if review else "",
                         review.why if review else ""])
    return out.getvalue()


def write_analyst_files(analysis: Analysis, folder: Path) -> list[Path]:
    """Write the database and the alerts' CSV and JSON into ``folder`` (made if need be)."""
    import duckdb
    import pyarrow as pa

    folder.mkdir(parents=True, exist_ok=True)
    names = [f.name for f in fields(Record)]
    records = analysis.loaded.records
    columns = {name: [_plain(getattr(r, name)) for r in records] for name in names}
    deaths = analysis.deaths
    death_rows = {
        "death": list(range(len(deaths))), "refs": [list(d.refs) for d in deaths],
        "day": [d.when for d in deaths], "area": [d.area for d in deaths],
        "location_type": [d.location_type for d in deaths],
        "address": [d.address for d in deaths], "easting": [d.easting for d in deaths],
        "northing": [d.northing for d in deaths], "name": [d.name for d in deaths],
        "age": [d.age for d in deaths], "sex": [d.sex for d in deaths],
        "category": [d.category for d in deaths],
        "substances": [list(d.substances) for d in deaths],
        "investigation": [d.investigation for d in deaths],
        "coroner_outcome": [d.coroner_outcome for d in deaths],
        "match_probability": [d.match_probability for d in deaths]}
    alerts = [alert_json(a) for a in analysis.alerts]
    members = {"alert": [a["id"] for a in alerts for _ in a["members"]],
               "ref": [ref for a in alerts for ref in a["members"]]}
    path = folder / DATABASE
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        for table, data in (("records", columns), ("deaths", death_rows),
                            ("alert_members", members)):
            con.register("incoming", pa.table(data))
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
            con.unregister("incoming")
        con.execute("CREATE TABLE alerts (id VARCHAR, kind VARCHAR, score DOUBLE, "
                    "deaths INTEGER, first DATE, last DATE, because VARCHAR)")
        con.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(a["id"], a["kind"], a["score"], a["deaths"], a["first"], a["last"],
                          a["because"]) for a in alerts])
        con.execute("CREATE TABLE spikes (what VARCHAR, value VARCHAR, quarter VARCHAR, "
                    "observed INTEGER, expected DOUBLE, p DOUBLE, q DOUBLE)")
        con.executemany("INSERT INTO spikes VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(s["what"], s["value"], s["quarter"], s["observed"], s["expected"],
                          s["p"], s["q"]) for s in map(spike_json, analysis.spikes)])
    finally:
        con.close()
    (folder / "alerts.csv").write_text(_alerts_csv(analysis), encoding="utf-8")
    (folder / "alerts.json").write_text(json.dumps(
        {"alerts": alerts, "reviewed": [{**alert_json(a), "reviewed": r.decision,
                                         "why": r.why} for a, r in analysis.reviewed]},
        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path, folder / "alerts.csv", folder / "alerts.json"]


def _plain(value: object) -> object:
    """A record's value as DuckDB takes it: people as `role: name` text."""
    if isinstance(value, tuple):
        return [": ".join(v) if isinstance(v, tuple) else v for v in value]
    return value
