"""The death-investigation report as data (`hpkb deaths report --json`) and as text."""

from __future__ import annotations

from typing import Any

from hpkb.deaths.alerts import Alert
from hpkb.deaths.analyse import Analysis
from hpkb.deaths.merge import duplicate_refs
from hpkb.deaths.spikes import Spike

__all__ = ["alert_json", "report_json", "report_text", "spike_json"]


def alert_json(alert: Alert) -> dict[str, Any]:
    return {"id": alert.id, "kind": alert.kind, "score": alert.score,
            "members": alert.refs, "deaths": len(alert.members),
            "first": alert.first.isoformat(), "last": alert.last.isoformat(),
            "because": alert.because}


def spike_json(spike: Spike) -> dict[str, Any]:
    return {"what": spike.what, "value": spike.label, "quarter": spike.quarter,
            "observed": spike.observed, "expected": spike.expected,
            "history": list(spike.history), "p": spike.p, "q": spike.q,
            "members": [ref for d in spike.members for ref in d.refs]}


def report_json(analysis: Analysis) -> dict[str, Any]:
    """The report's stable shape: records, deaths, duplicates, alerts (strongest first),
    spikes and counts; other keys may be added."""
    period = analysis.period
    return {
        "period": {"from": period.start.isoformat() if period.start else None,
                   "to": period.end.isoformat(), "label": period.label,
                   "as_of": analysis.today.isoformat()},
        "records": len(analysis.loaded.records),
        "deaths": len(analysis.deaths),
        "merged_by": analysis.merged.method,
        "files": [{"file": f, "rows": rows, "loaded": loaded}
                  for f, rows, loaded in analysis.loaded.files],
        "duplicates": duplicate_refs(analysis.deaths),
        "alerts": [alert_json(a) for a in analysis.alerts],
        "reviewed": [{**alert_json(a), "reviewed": r.decision, "why": r.why, "by": r.by,
                      "on": r.on.isoformat() if r.on else None}
                     for a, r in analysis.reviewed],
        "spikes": [spike_json(s) for s in analysis.spikes],
        "counts": analysis.counts,
    }


def report_text(analysis: Analysis, most: int = 10) -> str:
    """A short summary for the terminal: the period, the counts, the strongest alerts."""
    counts = analysis.counts
    lines = [f"Death investigations, {analysis.period.label} (as of {analysis.today})",
             f"{len(analysis.loaded.records):,} records in all, merged into "
             f"{len(analysis.deaths):,} deaths ({len(duplicate_refs(analysis.deaths)):,} "
             f"from more than one source); {counts['deaths']:,} deaths in the period",
             "By category: " + ", ".join(f"{k} {v}" for k, v in counts["by_category"].items()),
             f"Coroner's outcomes pending: {counts['coroner']['pending']}",
             f"Spikes: {len(analysis.spikes)}",
             f"Alerts: {len(analysis.alerts)} to review"
             + (f", {len(analysis.reviewed)} reviewed" if analysis.reviewed else "")]
    for rank, alert in enumerate(analysis.alerts[:most], start=1):
        lines.append(f"{rank:>3}. {alert.id} score {alert.score:g}: {alert.because}")
        lines.append(f"     members: {', '.join(alert.refs)}")
    return "\n".join(lines)
